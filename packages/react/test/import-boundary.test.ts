import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { externalImports, packageJson } from '@partialkit/test-utils/boundary';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('@partialkit/react import boundary', () => {
  it('imports only react and @partialkit/core (no parsing, no schema library of its own)', () => {
    expect([...externalImports(root)].sort()).toEqual(['@partialkit/core', 'react']);
  });

  it('has react as a peer dependency and starts with "use client"', () => {
    const pkg = packageJson(root);
    expect(pkg.peerDependencies?.react).toBe('>=18');
    expect(pkg.dependencies?.react).toBeUndefined();
    expect(readFileSync(join(root, 'src', 'index.ts'), 'utf8').startsWith("'use client';")).toBe(true);
  });
});
