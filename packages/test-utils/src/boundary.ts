/** Shared by each package's import-boundary test: which modules a package's sources import. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test(-d)?\.tsx?$/.test(name) ? [path] : [];
  });
}

export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => (m[1] ?? m[2]) as string);
}

/** External modules imported by the sources of a package directory. */
export function externalImports(packageDir: string): Set<string> {
  return new Set(
    sourceFiles(join(packageDir, 'src'))
      .flatMap(importsOf)
      .filter((s) => !s.startsWith('.')),
  );
}

export function packageJson(packageDir: string): Record<string, Record<string, string> | undefined> {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
}
