import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The recorded provider streams kept in `packages/core/fixtures/` (see SOURCES.md there). */
export const FIXTURES = join(import.meta.dirname, '..', '..', 'core', 'fixtures');

export function fixtureBytes(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}
