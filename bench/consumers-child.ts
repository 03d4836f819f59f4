/**
 * One consumer case of the consumers section in its own process, so a case that turns quadratic is
 * stopped at the cap (its events are all available at once, so no timer inside the process could stop
 * it). Reports each run's time as it ends, after a warm-up run.
 */
import '@partialkit/core/providers';
import { createPartialParser, decode, PartialObjectStore, streamPartial } from '@partialkit/core';
import { chunksOf } from '@partialkit/test-utils/harness';
import * as z from 'zod';
import { childInput, reply } from './lib/child.ts';
import { recordsDocument } from './lib/records.ts';

export type Consumer =
  | 'writes'
  | 'writes + validation'
  | 'writes + schema'
  | 'decode'
  | 'streamPartial'
  | 'store';
export interface Case {
  count: number;
  sse: boolean;
  paced: boolean;
  consumer: Consumer;
  reps: number;
}
export interface CaseRun {
  ms: number;
  /** Snapshots yielded (streamPartial) or notifications (store). */
  reads: number;
}

const Records = z.object({
  records: z.array(z.object({ id: z.number(), name: z.string(), ok: z.boolean() })),
});

const encoder = new TextEncoder();
const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

const { count, sse, paced, consumer, reps } = childInput<Case>();
const text = recordsDocument(count);
const deltas = chunksOf(text, 4);
const bytes = encoder.encode(
  sse
    ? deltas
        .map((d) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: d } }] })}\n\n`)
        .concat('data: [DONE]\n\n')
        .join('')
    : text,
);
const contentType = sse ? 'text/event-stream' : 'text/plain';

function source(): Response {
  if (!paced) return new Response(bytes, { headers: { 'content-type': contentType } });
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await immediate();
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + 4096));
      at += 4096;
    },
  });
  return new Response(stream, { headers: { 'content-type': contentType } });
}

function check(value: unknown): void {
  const v = value as z.output<typeof Records> | undefined;
  if (v?.records.length !== count || v.records[count - 1]!.name !== `record ${count - 1}`) {
    throw new Error(`${consumer}: wrong final value`);
  }
}

async function run(): Promise<number> {
  switch (consumer) {
    case 'writes': {
      const p = createPartialParser();
      for (let i = 0; i < deltas.length; i++) p.write(deltas[i]!);
      check(p.end());
      return 0;
    }
    case 'writes + validation': {
      const p = createPartialParser();
      for (let i = 0; i < deltas.length; i++) p.write(deltas[i]!);
      check(Records.parse(p.end()));
      return 0;
    }
    case 'writes + schema': {
      // The parser the consumers run: each record, the list and the root validated as they close.
      const p = createPartialParser({ schema: Records });
      for (let i = 0; i < deltas.length; i++) p.write(deltas[i]!);
      check(await p.endAsync());
      return 0;
    }
    case 'decode': {
      let n = 0;
      for await (const e of decode(source())) if (e.type === 'text') n += e.text.length;
      if (n !== text.length) throw new Error('decode: wrong length');
      return 0;
    }
    case 'streamPartial': {
      let reads = 0;
      let last: unknown;
      for await (const v of streamPartial(Records, source())) {
        last = v;
        reads++;
      }
      check(last);
      return reads;
    }
    case 'store': {
      let reads = 0;
      const store = new PartialObjectStore({ schema: Records, fetcher: () => source() });
      store.subscribe(() => {
        reads++;
        store.getSnapshot();
      });
      await store.submit(undefined);
      check(store.getSnapshot().data);
      return reads;
    }
  }
}

await run();
for (let r = 0; r < reps; r++) {
  const t = performance.now();
  const reads = await run();
  await reply({ ms: performance.now() - t, reads } satisfies CaseRun);
}
process.exit(0);
