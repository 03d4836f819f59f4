import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { externalImports, importsOf, packageJson, sourceFiles } from './boundary.ts';

const root = join(import.meta.dirname, '..');

describe('@partialkit/core import boundary', () => {
  it('imports only zod and eventsource-parser, never react or a Node built-in', () => {
    expect(sourceFiles(join(root, 'src')).length).toBeGreaterThan(10);
    expect([...externalImports(root)].sort()).toEqual(['eventsource-parser', 'zod/v4/core']);
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const spec of importsOf(file)) expect(spec, file).not.toMatch(/^(react|react-dom)(\/|$)|^node:/);
    }
  });

  it('declares only zod and eventsource-parser as runtime dependencies', () => {
    const pkg = packageJson(root);
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual(['eventsource-parser', 'zod']);
    expect(pkg.peerDependencies).toBeUndefined();
  });
});
