import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { externalImports, importsOf, packageJson, sourceFiles } from '../../core/test/boundary.ts';

const root = join(import.meta.dirname, '..');

describe('@partialkit/server import boundary', () => {
  it('imports @partialkit/core, zod types and Node built-ins only: never react', () => {
    for (const spec of externalImports(root))
      expect(spec).toMatch(/^(@partialkit\/core|zod\/v4\/core|node:[a-z/]+)$/);
    expect(packageJson(root).dependencies).toEqual({ '@partialkit/core': '0.1.0' });
  });

  it('keeps the replay entry free of Node APIs, for browsers', () => {
    const files = sourceFiles(join(root, 'src', 'replay'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) for (const spec of importsOf(file)) expect(spec, file).toMatch(/^\.\//);
  });
});
