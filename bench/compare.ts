/**
 * `npm run bench:compare -- <git ref>`: the parser at `<ref>` against the working tree, paired round by
 * round in one process, so that a change can be held to the parse figures of bench/README.md even when
 * the host runs a third slower than on the day they were measured (a whole run's figures move with it;
 * the ratio of two parsers timed side by side does not). Both are bundled from their sources (zod left
 * out, resolved from this checkout), fed the same 4-character chunks, and checked against `JSON.parse`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chunksOf, deepEqual, llmDocument } from '@partialkit/test-utils/harness';
import { build } from 'esbuild';
import { type Cell, median, toMarkdown } from './lib/table.ts';

const ref = process.argv[2];
if (!ref || ref.startsWith('-')) throw new Error('usage: npm run bench:compare -- <git ref>');
const root = fileURLToPath(new URL('..', import.meta.url));
const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
const commit = git('rev-parse', '--short', `${ref}^{commit}`);
const entry = 'packages/core/src/parser/create-partial-parser.ts';
// Inside node_modules, so that the bundles' bare `zod` imports resolve to this checkout's.
const out = join(root, 'node_modules', '.cache', 'partialkit-compare');
mkdirSync(out, { recursive: true });
const tree = mkdtempSync(join(tmpdir(), 'partialkit-compare-'));

type Parser = { createPartialParser(): { write(s: string): void; readonly value: unknown; end(): unknown } };

async function bundle(source: string, name: string): Promise<Parser> {
  const file = join(out, `${name}.mjs`);
  await build({
    entryPoints: [source],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: file,
    external: ['zod', 'zod/*'],
    // A ref's own tree has no node_modules: its other imports (eventsource-parser) are this checkout's.
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'error',
  });
  return (await import(pathToFileURL(file).href)) as Parser;
}

function run(parser: Parser, chunks: readonly string[], every: number): unknown {
  const p = parser.createPartialParser();
  let left = every;
  for (const chunk of chunks) {
    p.write(chunk);
    if (--left === 0) {
      left = every;
      p.value;
    }
  }
  return p.end();
}

function timed(parser: Parser, chunks: readonly string[], every: number): number {
  const t = performance.now();
  run(parser, chunks, every);
  return performance.now() - t;
}

try {
  git('worktree', 'add', '--detach', '--quiet', tree, commit);
  const before = await bundle(join(tree, entry), `parser-${commit}`);
  const now = await bundle(join(root, entry), 'parser-worktree');
  const rows: Cell[][] = [];
  for (const [label, size, rounds] of [
    ['20 KB', 20_000, 61],
    ['200 KB', 200_000, 41],
    ['2 MB', 2_000_000, 9],
  ] as const) {
    const text = llmDocument(size);
    const chunks = chunksOf(text, 4);
    const expected = JSON.parse(text);
    for (const p of [before, now])
      if (!deepEqual(run(p, chunks, 16), expected))
        throw new Error(`${label}: final value differs from JSON.parse`);
    for (const [mode, every] of [
      ['write', 0],
      ['read/16', 16],
    ] as const) {
      for (let i = 0; i < 3; i++) for (const p of [before, now]) timed(p, chunks, every);
      const a: number[] = [];
      const b: number[] = [];
      const ratios: number[] = [];
      for (let i = 0; i < rounds; i++) {
        // Which goes first alternates: neither always runs on the heap the other left.
        let x: number;
        let y: number;
        if (i % 2) {
          x = timed(before, chunks, every);
          y = timed(now, chunks, every);
        } else {
          y = timed(now, chunks, every);
          x = timed(before, chunks, every);
        }
        a.push(x);
        b.push(y);
        ratios.push(y / x);
      }
      const sorted = [...ratios].sort((p, q) => p - q);
      const q = (f: number) => sorted[Math.floor(f * (sorted.length - 1))]!.toFixed(2);
      rows.push([
        label,
        mode,
        median(a).toFixed(2),
        median(b).toFixed(2),
        median(ratios).toFixed(3),
        `${q(0.25)}–${q(0.75)}`,
      ]);
    }
  }
  console.log(
    toMarkdown({
      id: 'compare',
      title: `Parse: ${commit} against the working tree, paired rounds, 4-character chunks`,
      columns: [
        'document',
        'mode',
        `${commit} ms`,
        'working tree ms',
        'paired ratio (median)',
        'middle half',
      ],
      rows,
      notes: ['A ratio whose middle half holds 1 is no change beyond the noise.'],
    }),
  );
} finally {
  execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', tree], { stdio: 'ignore' });
  rmSync(tree, { recursive: true, force: true });
}
