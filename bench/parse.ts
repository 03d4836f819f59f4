/**
 * Parse section: partialkit against peer libraries on realistic LLM documents, streamed in small chunks.
 * Every run checks that each library's final value equals `JSON.parse` of the text, so the figures are for
 * correct work only.
 */

import { PerformanceObserver } from 'node:perf_hooks';
import { createPartialParser } from '@partialkit/core';
import { chunksOf, deepEqual, llmDocument } from '@partialkit/test-utils/harness';
import { JSONParser } from '@streamparser/json';
import { parsePartialJSON as tanstackParse } from '@tanstack/ai';
import { parsePartialJson } from 'ai';
import { parse as jsonriver } from 'jsonriver';
import { parse as partialJson } from 'partial-json';
import { hashbrownRun } from './lib/hashbrown.ts';
import { pathCopies, talksBegun } from './lib/identity-floor.ts';
import { fmtMs, fmtRatio, median, type Table, type Target } from './lib/table.ts';

const CHUNKS = [4, 64];
/** The 2 MB document shows growth only: 4-character chunks, writes and read/16, fewer rounds. */
const HUGE = 2_000_000;
/** Re-parsing peers are quadratic; past this many parses per run they are timed on an even sample. */
let MAX_PARSES = 1500;
/** A peer whose single run passes this is stopped and printed as "> N s". */
let CAP_MS = 10_000;
const GARBAGE = 'partialkit writes + list-sized throwaway copies';

type Mode = 'write' | 'read/16' | 'read/1';
interface Row {
  lib: string;
  size: number;
  chunk: number;
  mode: Mode;
  ms: number;
  /** × JSON.parse; for rows timed with the floor, the median of the per-round ratios. */
  ratio?: number;
  estimated: boolean;
  note?: string;
  /** Stopped at the cap: `ms` is the cap, the row prints "> N s". */
  capped?: boolean;
  /** Collection per run: pauses whose start falls inside this contender's runs (timed rows only). */
  gc?: { ms: number; count: number };
}

const now = () => performance.now();

/** Garbage-collection pauses, on the clock `performance.now()` reads. */
const collections: Array<{ start: number; ms: number }> = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push({ start: e.startTime, ms: e.duration });
}).observe({ entryTypes: ['gc'] });

interface Timed {
  ms: number;
  ratio: number;
  /** Time spans of the runs, to charge each collection to the run it interrupted. */
  spans: Array<[number, number]>;
}

/**
 * Runs every function once per round, rotating which goes first. For each: the median time, and the
 * median over rounds of its time divided by the first function's time in the same round (a paired
 * ratio: a round lasts a fraction of a second, so both figures of a pair share the machine's state).
 */
function interleaved(rounds: number, fns: Array<() => unknown>): Timed[] {
  const times = fns.map(() => [] as number[]);
  const spans = fns.map(() => [] as Array<[number, number]>);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < fns.length; j++) {
      const k = (j + r) % fns.length;
      const t = now();
      fns[k]!();
      const end = now();
      times[k]!.push(end - t);
      spans[k]!.push([t, end]);
    }
  }
  const base = times[0]!;
  return times.map((ts, k) => ({
    ms: median(ts),
    ratio: median(ts.map((t, r) => t / base[r]!)),
    spans: spans[k]!,
  }));
}

/** Collection per run inside the given spans. The observer reports asynchronously: call after a tick. */
function collectionIn(spans: Array<[number, number]>): { ms: number; count: number } {
  let ms = 0;
  let count = 0;
  for (const c of collections) {
    if (spans.some(([a, b]) => c.start >= a && c.start <= b)) {
      ms += c.ms;
      count++;
    }
  }
  return { ms: ms / spans.length, count: count / spans.length };
}

async function time(reps: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = now();
    await fn();
    out.push(now() - t);
  }
  return median(out);
}

function check(lib: string, got: unknown, expected: unknown): void {
  if (!deepEqual(got, expected)) throw new Error(`${lib}: final value differs from JSON.parse`);
}

/** Feeds every chunk and takes a snapshot after every `every` chunks (never, for `write`). */
function partialkit(chunks: string[], every: number): unknown {
  const p = createPartialParser();
  let left = every;
  for (let i = 0; i < chunks.length; i++) {
    p.write(chunks[i]!);
    if (--left === 0) {
      left = every;
      p.value;
    }
  }
  return p.end();
}

/** Re-parse the accumulated text every `every` chunks; sampled evenly when that is too many parses. */
async function reparse(
  chunks: string[],
  every: number,
  parseFn: (text: string) => unknown,
): Promise<{ ms: number; estimated: boolean; final: unknown }> {
  const ends: number[] = [];
  let len = 0;
  for (let i = 0; i < chunks.length; i++) {
    len += chunks[i]!.length;
    if ((i + 1) % every === 0 || i === chunks.length - 1) ends.push(len);
  }
  const text = chunks.join('');
  const stride = Math.max(1, Math.ceil(ends.length / MAX_PARSES));
  let ms = 0;
  let final: unknown;
  for (let k = ends.length - 1; k >= 0; k -= stride) {
    const prefix = text.slice(0, ends[k]);
    const t = now();
    const v = await parseFn(prefix);
    ms += now() - t;
    if (k === ends.length - 1) final = v;
  }
  return { ms: ms * stride, estimated: stride > 1, final };
}

/**
 * A diagnostic, not a contender: partialkit's writes, and at each read point a throwaway copy of a list
 * as long as the snapshot's list of talks, but no snapshot. It allocates what the reads allocate, so it
 * shows what that garbage costs a parse whose value is still young: each collection it triggers copies
 * the value built so far.
 */
function writesWithCopyGarbage(
  text: string,
  chunks: string[],
  talks: object[],
  every: number,
  stride: number,
): () => unknown {
  const begun = talksBegun(text, stride);
  let garbage: unknown;
  return () => {
    const p = createPartialParser();
    let left = every;
    let read = 0;
    for (let i = 0; i < chunks.length; i++) {
      p.write(chunks[i]!);
      if (--left === 0) {
        left = every;
        garbage = talks.slice(0, begun[read++]);
      }
    }
    return [p.end(), garbage];
  };
}

/**
 * Runs `fn(deadline)` after a warm-up: up to `reps` times within `budgetMs`, each run stopped at the cap.
 * For slow peers (whose one run is seconds long) the warm-up is the first timed run.
 */
function capped(reps: number, fn: (deadline: number) => boolean): { ms: number; capped: boolean } {
  const times: number[] = [];
  const budget = now() + CAP_MS * 2;
  for (let i = 0; i <= reps; i++) {
    const t = now();
    if (!fn(t + CAP_MS)) return { ms: CAP_MS, capped: true };
    const ms = now() - t;
    if (i > 0 || ms > 500) times.push(ms);
    if (now() > budget && times.length >= 1) break;
  }
  return { ms: median(times), capped: false };
}

export async function parseSection(quick: boolean): Promise<Table[]> {
  const sizes = quick ? [2_000, 20_000] : [2_000, 20_000, 200_000, HUGE];
  CAP_MS = quick ? 3_000 : 10_000;
  const rows: Row[] = [];
  // partialkit and its floors for every size first, then the peers: the peers' garbage (gigabytes for
  // some) must not leave the heap in a state the floor's paired rounds then pay for.
  for (const pass of ['partialkit', 'peers'] as const)
    for (const size of sizes) {
      const huge = size === HUGE;
      MAX_PARSES = huge ? 60 : 1500;
      const text = llmDocument(size);
      const expected = JSON.parse(text);
      const reps = huge ? 7 : size >= 200_000 ? 41 : 61;
      // JSON.parse, the loops and partialkit are timed interleaved, round by round, so that they share the
      // machine's state (heap, caches, CPU clock): on a shared VM a whole process can run 1.5× slower than
      // the next, and interleaving keeps the ratios honest where separate timings would not.
      const chunkings = new Map((huge ? [4] : CHUNKS).map((chunk) => [chunk, chunksOf(text, chunk)]));
      const modes = huge
        ? ([
            ['write', Number.POSITIVE_INFINITY],
            ['read/16', 16],
          ] as const)
        : ([
            ['write', Number.POSITIVE_INFINITY],
            ['read/16', 16],
            ['read/1', 1],
          ] as const);
      if (pass === 'partialkit') {
        const wholeLoop = () => {
          let h = 0;
          for (let i = 0; i < text.length; i++) h = (h + text.charCodeAt(i)) | 0;
          return h;
        };
        const contenders: Array<[Omit<Row, 'ms' | 'estimated'>, () => unknown]> = [
          [{ lib: 'JSON.parse (final text, floor)', size, chunk: 0, mode: 'write' }, () => JSON.parse(text)],
          [{ lib: 'bare charCodeAt loop', size, chunk: 0, mode: 'write' }, wholeLoop],
        ];
        for (const [chunk, chunks] of chunkings) {
          // The floor for any consumer that is handed the text in chunks: touch every character, chunk by chunk.
          contenders.push([
            { lib: 'bare charCodeAt loop over the chunks', size, chunk, mode: 'write' },
            () => {
              let h = 0;
              for (let k = 0; k < chunks.length; k++) {
                const c = chunks[k]!;
                for (let i = 0; i < c.length; i++) h = (h + c.charCodeAt(i)) | 0;
              }
              return h;
            },
          ]);
          for (const [mode, every] of modes) {
            check('partialkit', partialkit(chunks, every), expected);
            contenders.push([{ lib: 'partialkit', size, chunk, mode }, () => partialkit(chunks, every)]);
            if (every !== Number.POSITIVE_INFINITY) {
              contenders.push([
                { lib: 'path copies alone (identity floor)', size, chunk, mode },
                pathCopies(text, expected, chunk * every),
              ]);
            }
            if (every === 16 && !huge) {
              contenders.push([
                { lib: GARBAGE, size, chunk, mode, note: 'diagnostic: no snapshot taken' },
                writesWithCopyGarbage(text, chunks, expected.talks, every, chunk * every),
              ]);
            }
          }
        }
        const results = interleaved(
          reps,
          contenders.map(([, fn]) => fn),
        );
        await new Promise((resolve) => setTimeout(resolve, 50)); // let the observer deliver
        contenders.forEach(([row], k) => {
          const { ms, ratio, spans } = results[k]!;
          rows.push({ ...row, ms, ratio, gc: collectionIn(spans), estimated: false });
        });
        collections.length = 0;
        continue;
      }
      const peerReps = huge ? 3 : reps;
      for (const [chunk, chunks] of chunkings) {
        for (const [mode, every] of modes) {
          if (every === Number.POSITIVE_INFINITY) continue;
          const pj = await reparse(chunks, every, (t) => partialJson(t));
          check('partial-json', pj.final, expected);
          rows.push({
            lib: 'partial-json (re-parse)',
            size,
            chunk,
            mode,
            ms: pj.ms,
            estimated: pj.estimated,
          });
          const ts = await reparse(chunks, every, (t) => tanstackParse(t));
          check('TanStack AI parsePartialJSON', ts.final, expected);
          rows.push({
            lib: 'TanStack AI parsePartialJSON (re-parse)',
            size,
            chunk,
            mode,
            ms: ts.ms,
            estimated: ts.estimated,
          });
          const ai = await reparse(chunks, every, async (t) => (await parsePartialJson(t)).value);
          check('ai parsePartialJson', ai.final, expected);
          rows.push({
            lib: 'ai parsePartialJson (re-parse)',
            size,
            chunk,
            mode,
            ms: ai.ms,
            estimated: ai.estimated,
          });
          // Hashbrown: its reads without a schema are a property access, so one row (read/1) stands for all.
          for (const withSchema of every === 1 ? [false, true] : [true]) {
            const lib = withSchema ? 'Hashbrown parseChunk + schema projection' : 'Hashbrown parseChunk';
            let final: unknown;
            const hb = capped(peerReps, (deadline) => {
              const out = hashbrownRun(chunks, every, withSchema, deadline);
              final = out?.final;
              return out !== undefined;
            });
            if (!hb.capped) check(lib, final, expected);
            rows.push({ lib, size, chunk, mode, ms: hb.ms, estimated: false, capped: hb.capped });
          }
        }
        if (huge) continue;
        const riverMs = await time(reps, async () => {
          let last: unknown;
          for await (const v of jsonriver(asyncOf(chunks))) last = v;
          return last;
        });
        let riverFinal: unknown;
        for await (const v of jsonriver(asyncOf(chunks))) riverFinal = v;
        check('jsonriver', riverFinal, expected);
        rows.push({
          lib: 'jsonriver',
          size,
          chunk,
          mode: 'read/1',
          ms: riverMs,
          estimated: false,
          note: 'one live object mutated in place: no identity',
        });
        const sp = () => {
          const parser = new JSONParser({ emitPartialTokens: true, emitPartialValues: true, paths: ['$'] });
          let last: unknown;
          parser.onValue = ({ value }) => {
            last = value;
          };
          for (const c of chunks) parser.write(c);
          return last;
        };
        check('@streamparser/json', sp(), expected);
        rows.push({
          lib: '@streamparser/json (partial values)',
          size,
          chunk,
          mode: 'read/1',
          ms: await time(reps, sp),
          estimated: false,
          note: 'mutates in place: no identity',
        });
      }
    }
  return [toTable(rows, sizes), summary(rows, sizes)];
}

async function* asyncOf(chunks: string[]): AsyncIterable<string> {
  for (const c of chunks) yield c;
}

const FLOORS = new Set([
  'JSON.parse (final text, floor)',
  'bare charCodeAt loop',
  'bare charCodeAt loop over the chunks',
  'path copies alone (identity floor)',
  GARBAGE,
]);

/** The 4-character rows pivoted, one line per library: the table bench/README.md shows. */
function summary(rows: Row[], sizes: number[]): Table {
  const floor = new Map(rows.filter((r) => r.lib.startsWith('JSON.parse')).map((r) => [r.size, r.ms]));
  const label = (size: number) => (size >= 1e6 ? `${size / 1e6} MB` : `${size / 1000} KB`);
  const cols: Array<[number, Mode]> = [];
  for (const size of sizes.filter((x) => x >= 20_000)) {
    for (const mode of ['write', 'read/16', 'read/1'] as const) {
      if (rows.some((r) => r.size === size && r.chunk === 4 && r.mode === mode)) cols.push([size, mode]);
    }
  }
  const libs = [
    ...new Set(
      rows
        .filter((r) => r.chunk === 4 && r.lib !== 'bare charCodeAt loop over the chunks' && r.lib !== GARBAGE)
        .map((r) => r.lib),
    ),
  ];
  const cell = (lib: string, size: number, mode: Mode) => {
    const r = rows.find((x) => x.lib === lib && x.size === size && x.chunk === 4 && x.mode === mode);
    if (!r) return null;
    if (r.capped) return `> ${CAP_MS / 1000} s`;
    return `${r.estimated ? '≈ ' : ''}${fmtMs(r.ms)} (${(r.ratio ?? r.ms / floor.get(size)!).toFixed(1)})`;
  };
  return {
    id: 'parse-summary',
    title: 'Parse, 4-character chunks: median per stream (× JSON.parse of the whole text)',
    columns: ['library', ...cols.map(([size, mode]) => `${label(size)} ${mode}`)],
    rows: [
      [
        'JSON.parse (floor)',
        ...cols.map(([size, mode]) => (mode === 'write' ? `${fmtMs(floor.get(size)!)} (1.0)` : null)),
      ],
      ...libs.map((lib) => [lib, ...cols.map(([size, mode]) => cell(lib, size, mode))]),
    ],
  };
}

function toTable(rows: Row[], sizes: number[]): Table {
  const floor = new Map(rows.filter((r) => r.lib.startsWith('JSON.parse')).map((r) => [r.size, r.ms]));
  const ordered = [...rows].sort((a, b) => a.size - b.size || a.chunk - b.chunk);
  /** The fastest contender producing values (partialkit or a peer, not a floor) per size/chunk/mode. */
  const best = (r: Row) => {
    const group = rows.filter(
      (p) => p.size === r.size && p.chunk === r.chunk && p.mode === r.mode && !FLOORS.has(p.lib) && !p.capped,
    );
    return Math.min(...group.map((p) => p.ms));
  };
  const tableRows = ordered.map((r) => {
    const ratio = r.ratio ?? r.ms / floor.get(r.size)!;
    const toBest = FLOORS.has(r.lib)
      ? null
      : r.capped
        ? `> ${fmtRatio(CAP_MS / best(r))}`
        : fmtRatio(r.ms / best(r));
    return [
      r.size >= 1e6 ? `${r.size / 1e6} MB` : `${r.size / 1000} KB`,
      r.chunk || '-',
      r.mode,
      r.lib,
      r.capped ? `> ${CAP_MS / 1000} s` : `${r.estimated ? '≈ ' : ''}${fmtMs(r.ms)}`,
      r.capped ? null : ratio.toFixed(1),
      toBest,
      r.note ?? (r.estimated ? 'timed on an even sample of the re-parses' : ''),
    ];
  });
  const big = sizes.includes(200_000) ? 200_000 : sizes[sizes.length - 1]!;
  const find = (lib: string, mode: Mode, size = big) =>
    rows.find((r) => r.lib === lib && r.size === size && r.chunk === 4 && r.mode === mode)!;
  const times = (lib: string, mode: Mode) => find(lib, mode).ratio!;
  const peers = rows.filter(
    (r) => r.size === big && r.chunk === 4 && r.mode === 'read/1' && r.lib.includes('re-parse'),
  );
  const fastestPeer = Math.min(...peers.map((r) => r.ms));
  // The incremental peers (no re-parse, no floor) too: the best of any kind, as the figure says.
  const incremental = rows.filter(
    (r) =>
      r.size === big &&
      r.chunk === 4 &&
      r.mode === 'read/1' &&
      !r.capped &&
      !r.lib.includes('re-parse') &&
      !r.lib.startsWith('partialkit') &&
      !r.lib.includes('floor'),
  );
  const bestIncremental = incremental.reduce((a, b) => (b.ms < a.ms ? b : a), incremental[0]!);
  const targets: Target[] = [
    {
      name: 'writes alone ≤ 3× JSON.parse',
      met: times('partialkit', 'write') <= 3,
      figure: `${times('partialkit', 'write').toFixed(2)}×`,
    },
    {
      name: 'snapshot every 16 chunks ≤ 5× JSON.parse',
      met: times('partialkit', 'read/16') <= 5,
      figure: `${times('partialkit', 'read/16').toFixed(2)}×`,
    },
    {
      name: 'snapshot every chunk ≥ 10× faster than the fastest re-parsing peer',
      met: find('partialkit', 'read/1').ms * 10 <= fastestPeer,
      figure:
        `${(fastestPeer / find('partialkit', 'read/1').ms).toFixed(0)}× faster; ` +
        `${(bestIncremental.ms / find('partialkit', 'read/1').ms).toFixed(1)}× the fastest incremental peer (${bestIncremental.lib})`,
    },
  ];
  const gc = (lib: string, mode: Mode) => {
    const { ms, count } = find(lib, mode).gc!;
    return `${ms.toFixed(2)} ms (${count.toFixed(2)} collections)`;
  };
  const notes = [
    `Targets are read at ${big / 1000} KB in 4-character chunks${big === 200_000 ? '' : ' (set for 200 KB: run without --quick)'}. Collection per run: writes ${gc('partialkit', 'write')}, read/16 ${gc('partialkit', 'read/16')}, path copies alone at read/16 ${gc('path copies alone (identity floor)', 'read/16')}.`,
  ];
  if (sizes.includes(HUGE)) {
    const grow = (mode: Mode) =>
      [20_000, 200_000, HUGE]
        .map((size) => find('partialkit', mode, size).ms)
        .map((ms, i, all) => (i === 0 ? fmtMs(ms) : `${fmtMs(ms)} (${(ms / all[i - 1]!).toFixed(1)}×)`))
        .join(' → ');
    notes.push(
      `Growth 20 KB → 200 KB → 2 MB, partialkit writes: ${grow('write')}; read/16: ${grow('read/16')}.`,
    );
  }
  return {
    id: 'parse',
    title: 'Parse: one document streamed in chunks (median per stream)',
    columns: ['document', 'chunk', 'mode', 'library', 'median', '× JSON.parse', '× best', 'note'],
    rows: tableRows,
    notes,
    targets,
  };
}
