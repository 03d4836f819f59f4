/**
 * One memory contender in its own process (run with --expose-gc): the 200 KB document in 4-character
 * chunks, read every 16 chunks, after a warm-up on a small document. Bytes allocated are summed from V8's
 * GC profiler (growth of the used heap between collections, plus the growth after the last one); peak
 * is the largest used heap seen, above the heap before the stream.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { createPartialParser } from '@partialkit/core';
import { chunksOf, llmDocument } from '@partialkit/test-utils/harness';
import { parsePartialJson } from 'ai';
import { parse as jsonriver } from 'jsonriver';
import { parse as partialJson } from 'partial-json';
import { childInput, reply } from './lib/child.ts';
import { hashbrownRun } from './lib/hashbrown.ts';
import { pathCopies } from './lib/identity-floor.ts';

export type MemoryLib =
  | 'JSON.parse (floor)'
  | 'path copies alone (identity floor)'
  | 'partialkit'
  | 'partial-json'
  | 'ai parsePartialJson'
  | 'jsonriver'
  | 'Hashbrown parseChunk';

const EVERY = 16;

async function stream(lib: MemoryLib, chunks: readonly string[]): Promise<unknown> {
  switch (lib) {
    case 'JSON.parse (floor)':
      // The final value alone: what every reader allocates at least.
      return JSON.parse(chunks.join(''));
    case 'path copies alone (identity floor)':
      // The containers copied at each read point, taken from the final value: no parsing, no strings.
      return copies?.();
    case 'partialkit': {
      const p = createPartialParser();
      for (let i = 0; i < chunks.length; i++) {
        p.write(chunks[i]!);
        if ((i + 1) % EVERY === 0) p.value;
      }
      return p.end();
    }
    case 'partial-json':
    case 'ai parsePartialJson': {
      let text = '';
      let last: unknown;
      for (let i = 0; i < chunks.length; i++) {
        text += chunks[i]!;
        if ((i + 1) % EVERY === 0 || i === chunks.length - 1) {
          last = lib === 'partial-json' ? partialJson(text) : (await parsePartialJson(text)).value;
        }
      }
      return last;
    }
    case 'jsonriver': {
      let last: unknown;
      async function* source() {
        yield* chunks;
      }
      for await (const v of jsonriver(source())) last = v;
      return last;
    }
    case 'Hashbrown parseChunk':
      return hashbrownRun(chunks, EVERY, false)?.final;
  }
}

const { lib, size, reps } = childInput<{ lib: MemoryLib; size: number; reps: number }>();
const gc = globalThis.gc!;
const text = llmDocument(size);
const expected = JSON.stringify(JSON.parse(text));
const copies =
  lib === 'path copies alone (identity floor)'
    ? pathCopies(text, JSON.parse(text) as Parameters<typeof pathCopies>[1], 4 * EVERY)
    : undefined;
await stream(lib, chunksOf(llmDocument(20_000), 4));
const chunks = chunksOf(text, 4);
for (let r = 0; r < reps; r++) {
  gc();
  gc();
  const profiler = new GCProfiler();
  const before = getHeapStatistics().used_heap_size;
  profiler.start();
  const value = await stream(lib, chunks);
  const end = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  // The identity floor's last snapshot is built from the final value, not parsed: nothing to check.
  if (lib !== 'path copies alone (identity floor)' && JSON.stringify(value) !== expected)
    throw new Error(`${lib}: final value differs from JSON.parse`);
  let allocated = 0;
  let last = before;
  let peak = Math.max(before, end);
  for (const s of statistics) {
    const used = s.beforeGC.heapStatistics.usedHeapSize;
    allocated += Math.max(0, used - last);
    peak = Math.max(peak, used);
    last = s.afterGC.heapStatistics.usedHeapSize;
  }
  allocated += Math.max(0, end - last);
  await reply({ allocated, peak: peak - before, collections: statistics.length });
}
process.exit(0);
