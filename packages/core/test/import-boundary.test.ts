import { join } from 'node:path';
import { externalImports, importsOf, packageJson, sourceFiles } from '@partialkit/test-utils/boundary';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('@partialkit/core import boundary', () => {
  it('imports only zod and eventsource-parser, never react or a Node built-in', () => {
    expect(sourceFiles(join(root, 'src')).length).toBeGreaterThan(10);
    expect([...externalImports(root)].sort()).toEqual(['eventsource-parser', 'zod/v4/core']);
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const spec of importsOf(file)) expect(spec, file).not.toMatch(/^(react|react-dom)(\/|$)|^node:/);
    }
  });

  it('depends on eventsource-parser, with zod as a peer', () => {
    const pkg = packageJson(root);
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['eventsource-parser']);
    expect(pkg.peerDependencies).toEqual({ zod: '^4.1.0' });
  });

  it('keeps the provider readers out of the main entry: only `providers/` imports them', () => {
    const providers = join(root, 'src', 'providers');
    for (const file of sourceFiles(join(root, 'src'))) {
      if (file.startsWith(providers)) continue;
      for (const spec of importsOf(file)) expect(spec, file).not.toMatch(/providers\//);
    }
  });
});
