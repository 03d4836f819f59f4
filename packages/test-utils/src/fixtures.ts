/** Loaders for the recorded provider streams in `packages/test-utils/fixtures/` (see SOURCES.md there). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** The path of a fixture file. */
export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

/** A fixture's text. */
export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** A fixture's bytes. */
export function fixtureBytes(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(fixturePath(name)));
}
