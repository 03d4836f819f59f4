import { paced } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { streamPartial } from './stream-partial.ts';

/** An SSE response whose events arrive one per timer turn. */
function sse(events: string[]): Response {
  const chunks = paced(events);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new TextEncoder().encode(next.value));
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('streamPartial', () => {
  it('counts attempts: after a reset the snapshots are the new attempt’s, and attempt says so', async () => {
    const Talk = z.object({ title: z.string(), minutes: z.number() });
    const response = sse([
      encodeProtocolEvent({ type: 'text', text: '{"title":"First attempt"' }),
      encodeProtocolEvent({ type: 'text', text: ',"minutes":4.5' }),
      encodeProtocolEvent({ type: 'reset', attempt: 2 }),
      encodeProtocolEvent({ type: 'text', text: '{"title":"Se' }),
      encodeProtocolEvent({ type: 'text', text: 'cond","minutes":45}' }),
      encodeProtocolEvent({ type: 'done' }),
    ]);
    const stream = streamPartial(Talk, response);
    expect(stream.attempt).toBe(1);
    const seen: Array<[number, unknown]> = [];
    for await (const value of stream) seen.push([stream.attempt, structuredClone(value)]);
    expect(seen[0]).toEqual([1, { title: 'First attempt' }]);
    const firstOfSecond = seen.findIndex(([attempt]) => attempt === 2);
    expect(seen.slice(0, firstOfSecond).every(([a]) => a === 1)).toBe(true);
    expect(seen[firstOfSecond]![1]).toEqual({ title: 'Se' });
    expect(seen.at(-1)).toEqual([2, { title: 'Second', minutes: 45 }]);
    expect(stream.attempt).toBe(2);
  });

  it('yields the transformed output last: a snapshot holds the input, the last value the output', async () => {
    const Talk = z.object({ seats: z.string().transform(Number) });
    const values: unknown[] = [];
    for await (const value of streamPartial(Talk, ['{"seats":', '"40"}'])) values.push(value);
    expect(values).toEqual([{ seats: '40' }, { seats: 40 }]);
  });
});
