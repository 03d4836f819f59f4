/**
 * One case of the items section in its own process (run with --expose-gc): `streamItems` over a list of
 * `count` items in 4-character chunks, as NDJSON or a root array, or the parser's writes alone over the
 * same chunks. Reports each run's time and what it left on the heap (after a collection), the items counted
 * and dropped by the consumer.
 */
import { createPartialParser, type StandardSchemaV1, streamItems } from '@partialkit/core';
import { chunksOf } from '@partialkit/test-utils/harness';
import * as z from 'zod';
import { childInput, reply } from './lib/child.ts';

export interface ItemsCase {
  count: number;
  shape: 'lines' | 'array';
  consumer: 'writes' | 'writes + schema' | 'source' | 'streamItems';
  reps: number;
}
export interface ItemsRun {
  ms: number;
  heapMB: number;
}

const Item = z.object({ id: z.number(), name: z.string(), tags: z.array(z.string()), ok: z.boolean() });
const { count, shape, consumer, reps } = childInput<ItemsCase>();
const items = Array.from({ length: count }, (_, i) =>
  JSON.stringify({ id: i, name: `item ${i}`, tags: ['a', `t${i % 7}`], ok: i % 2 === 0 }),
);
const text = shape === 'lines' ? `${items.join('\n')}\n` : `[${items.join(',')}]`;
const chunks = chunksOf(text, 4);
const gc = (globalThis as { gc?: () => void }).gc;

async function* source() {
  for (const c of chunks) yield c;
}

async function run(): Promise<void> {
  if (consumer === 'source') {
    // The source alone: iterating it costs a promise per chunk, whoever reads it.
    let n = 0;
    for await (const c of source()) n += c.length;
    if (n !== text.length) throw new Error('source: wrong length');
    return;
  }
  if (consumer === 'writes' || consumer === 'writes + schema') {
    // With the schema, the parser validates each element as it closes (and the list once at the end).
    const schema: StandardSchemaV1 = shape === 'lines' ? Item : z.array(Item);
    const parser = () => (consumer === 'writes' ? createPartialParser() : createPartialParser({ schema }));
    const p = parser();
    if (shape === 'lines') {
      // NDJSON is many documents: the writes floor parses each line with a parser of its own
      let at = 0;
      for (const item of items) {
        const q = parser();
        for (const c of chunksOf(item, 4)) q.write(c);
        q.end();
        at++;
      }
      if (at !== count) throw new Error('writes: wrong count');
      return;
    }
    for (const c of chunks) p.write(c);
    if ((p.end() as unknown[]).length !== count) throw new Error('writes: wrong count');
    return;
  }
  let n = 0;
  for await (const item of streamItems(Item, source(), { shape, decode: { format: 'text' } })) {
    if (item.id !== n) throw new Error('streamItems: out of order');
    n++;
  }
  if (n !== count) throw new Error('streamItems: wrong count');
}

await run();
for (let r = 0; r < reps; r++) {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t = performance.now();
  await run();
  const ms = performance.now() - t;
  gc?.();
  // What the run left behind: the input text and chunks are held before and after alike.
  await reply({ ms, heapMB: (process.memoryUsage().heapUsed - before) / 1e6 } satisfies ItemsRun);
}
process.exit(0);
