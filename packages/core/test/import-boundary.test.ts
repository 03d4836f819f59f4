import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => (m[1] ?? m[2]) as string);
}

describe('@partialkit/core import boundary', () => {
  const files = sources(join(root, 'src')).filter((f) => !/\.test\.tsx?$/.test(f));

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('imports only zod, eventsource-parser and its own files', () => {
    const external = new Set(files.flatMap(importsOf).filter((spec) => !spec.startsWith('.')));
    for (const spec of external) expect(['zod/v4/core', 'eventsource-parser']).toContain(spec);
  });

  it('never imports react or a Node built-in', () => {
    for (const file of files) {
      for (const spec of importsOf(file)) {
        expect(spec, file).not.toMatch(/^(react|react-dom)(\/|$)|^node:/);
      }
    }
  });

  it('declares only zod and eventsource-parser as runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['eventsource-parser', 'zod']);
    expect(pkg.peerDependencies).toBeUndefined();
  });
});
