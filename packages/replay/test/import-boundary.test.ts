import { join } from 'node:path';
import { importsOf, sourceFiles } from '@partialkit/test-utils/boundary';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('@partialkit/replay import boundary', () => {
  it('keeps the main entry free of Node APIs, for browsers (core is browser-safe: its errors)', () => {
    const node = join(root, 'src', 'node');
    const files = sourceFiles(join(root, 'src')).filter((f) => !f.startsWith(node));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files)
      for (const spec of importsOf(file)) expect(spec, file).toMatch(/^(\.\/|@partialkit\/core$)/);
  });
});
