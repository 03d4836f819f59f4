import { paced } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { PartialJSONError } from '../errors.ts';
import { streamItems } from './stream-items.ts';
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

/** A response that sends `first`, then stays silent (a reasoning model thinking, a stalled upstream). */
function silentAfter(first: string) {
  const state = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { state, response: new Response(body, { headers: { 'content-type': 'application/json' } }) };
}

/** Whether `done()` holds within `ms`. */
const within = async (ms: number, done: () => boolean) => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return done();
};

describe('streamPartial on an upstream that goes silent: the source is cancelled at once', () => {
  const Talk = z.object({ title: z.string() });

  // The parse stage's read of the next chunk is pending the whole time; a `return()` alone would wait
  // behind it until the upstream speaks again (and bills the while).
  it('by a break out of for await, as streamItems does', async () => {
    const { state, response } = silentAfter('{"title": "Hel');
    const seen: unknown[] = [];
    for await (const snapshot of streamPartial(Talk, response)) {
      seen.push(snapshot);
      break;
    }
    expect(seen).toEqual([{ title: 'Hel' }]);
    expect(await within(1000, () => state.cancelled)).toBe(true);
    const control = silentAfter('[{"title": "A"}, {"title": "B');
    for await (const _ of streamItems(Talk, control.response)) break;
    expect(await within(1000, () => control.state.cancelled)).toBe(true);
  });

  it('by a break with a signal of the user: the source is cancelled, the signal is left alone', async () => {
    const { state, response } = silentAfter('{"title": "Hel');
    const user = new AbortController();
    for await (const _ of streamPartial(Talk, response, { signal: user.signal })) break;
    expect(await within(1000, () => state.cancelled)).toBe(true);
    expect(user.signal.aborted).toBe(false);
  });

  it("by an abort of the user's signal while the read waits: the next read rejects with its reason", async () => {
    const { state, response } = silentAfter('{"title": "Hel');
    const user = new AbortController();
    const stream = streamPartial(Talk, response, { signal: user.signal });
    expect((await stream.next()).value).toEqual({ title: 'Hel' });
    const next = stream.next();
    user.abort(new Error('left'));
    await expect(next).rejects.toThrow('left');
    expect(await within(1000, () => state.cancelled)).toBe(true);
  });

  it("without AbortSignal.any (Safari < 17.4): the user's signal still aborts, and keeps no listener after", async () => {
    const any = AbortSignal.any;
    // @ts-expect-error: removed, as on the runtimes that lack it
    delete AbortSignal.any;
    try {
      const { state, response } = silentAfter('{"title": "Hel');
      const user = new AbortController();
      const listeners = new Set<unknown>();
      const add = user.signal.addEventListener.bind(user.signal);
      const remove = user.signal.removeEventListener.bind(user.signal);
      user.signal.addEventListener = (type: string, fn: EventListenerOrEventListenerObject, o?: unknown) => {
        listeners.add(fn);
        add(type, fn, o as AddEventListenerOptions);
      };
      user.signal.removeEventListener = (type: string, fn: EventListenerOrEventListenerObject) => {
        listeners.delete(fn);
        remove(type, fn);
      };
      const stream = streamPartial(Talk, response, { signal: user.signal });
      expect((await stream.next()).value).toEqual({ title: 'Hel' });
      const next = stream.next();
      user.abort(new Error('left'));
      await expect(next).rejects.toThrow('left');
      expect(await within(1000, () => state.cancelled)).toBe(true);

      const done = new AbortController();
      const seen: string[] = [];
      done.signal.addEventListener = (_type: string, fn: EventListenerOrEventListenerObject) => {
        listeners.add(fn);
      };
      done.signal.removeEventListener = (_type: string, fn: EventListenerOrEventListenerObject) => {
        listeners.delete(fn);
      };
      listeners.clear();
      const body = JSON.stringify({ title: 'Hi' });
      for await (const v of streamPartial(Talk, [body], { signal: done.signal }))
        seen.push((v as { title: string }).title);
      expect(seen.at(-1)).toBe('Hi');
      expect(listeners.size).toBe(0); // a long-lived signal does not collect one listener per stream
      // A stream made and never read, returned: its listener goes too.
      await streamPartial(Talk, [body], { signal: done.signal }).return(undefined as never);
      expect(listeners.size).toBe(0);
    } finally {
      AbortSignal.any = any;
    }
  });

  it('by a JSON error in what came before the silence', async () => {
    const { state, response } = silentAfter('{"title": x');
    await expect(
      (async () => {
        for await (const _ of streamPartial(Talk, response));
      })(),
    ).rejects.toBeInstanceOf(PartialJSONError);
    expect(await within(1000, () => state.cancelled)).toBe(true);
  });

  it('an async iterable source: its pending read is given up and its return() called', async () => {
    let returned = 0;
    const source: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => {
        let sent = false;
        return {
          next: () => {
            if (sent) return new Promise<IteratorResult<string>>(() => {}); // silent from here on
            sent = true;
            return Promise.resolve({ done: false, value: '{"title": "Hel' });
          },
          return: async () => {
            returned++;
            return { done: true, value: undefined };
          },
        };
      },
    };
    for await (const _ of streamPartial(Talk, source)) break;
    expect(await within(1000, () => returned === 1)).toBe(true);
  });
});
