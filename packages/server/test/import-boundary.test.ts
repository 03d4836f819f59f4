import { join } from 'node:path';
import { importsOf, packageJson, sourceFiles } from '@partialkit/test-utils/boundary';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('@partialkit/server import boundary', () => {
  it('imports @partialkit/core (and its providers) and zod types; only the node entry imports node:', () => {
    const node = join(root, 'src', 'node');
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) continue;
        if (file.startsWith(node)) expect(spec, file).toMatch(/^(@partialkit\/core|node:[a-z/]+)$/);
        else expect(spec, file).toMatch(/^(@partialkit\/core(\/providers)?|zod\/v4\/core)$/);
      }
    }
    expect(packageJson(root).dependencies).toEqual({ '@partialkit/core': '0.1.0' });
  });
});
