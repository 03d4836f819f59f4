import { chunksOf } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InvalidOptionError } from '../errors.ts';
import { streamItems } from './stream-items.ts';
import { streamPartial } from './stream-partial.ts';

const Records = z.object({ items: z.array(z.object({ id: z.number(), v: z.string() })) });
const text = JSON.stringify({ items: Array.from({ length: 40_000 }, (_, id) => ({ id, v: `r${id}` })) });
/** The document in 4-character deltas, as a model streams it (the case): one decoded event each. */
const deltas = chunksOf(text, 4);

/**
 * A Response whose body hands out one delta per read, pulled on demand (Node's stream queue is then
 * never long: its `shift()` makes a queue of 250 000 chunks quadratic by itself). Before each chunk in
 * `waits`, the body waits for `wait()` to resolve: a batch boundary; the chunks between are available at once.
 */
function responseOf(
  deltas: readonly string[],
  waits: ReadonlySet<number>,
  wait: () => Promise<void>,
): Response {
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (waits.has(i)) await wait();
        if (i < deltas.length) controller.enqueue(encoder.encode(deltas[i++]));
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { headers: { 'content-type': 'text/plain' } });
}

describe('streamPartial reads once per batch of available events (issue 18 item 15)', () => {
  it('reads a 40 000-record document whose 250 000 deltas are available at once a handful of times', async () => {
    let snapshots = 0;
    let last: unknown;
    for await (const value of streamPartial(
      Records,
      responseOf(deltas, new Set(), async () => {}),
    )) {
      snapshots++;
      last = value;
    }
    expect(deltas.length).toBeGreaterThan(250_000);
    // a read per event was quadratic in the open list (31 s); per batch it is one read, then the final
    expect(snapshots).toBeLessThanOrEqual(3);
    expect(last).toEqual(JSON.parse(text));
  }, 30_000); // 250 000 events through the decoder: ≈ 1.5 s alone, the margin is for a loaded machine

  it('reads exactly once per batch when the deltas arrive in 40 batches', async () => {
    // 64-character deltas keep this one quick: what is counted is reads per batch, not per event
    const deltas = chunksOf(text, 64);
    const batches = 40;
    const per = Math.ceil(deltas.length / batches);
    const boundaries = new Set(Array.from({ length: batches - 1 }, (_, b) => (b + 1) * per));
    // the next batch is released only once the previous one was read, so batches never merge
    let release: () => void = () => {};
    const wait = () =>
      new Promise<void>((resolve) => {
        release = resolve;
      });
    const seen: unknown[] = [];
    for await (const value of streamPartial(Records, responseOf(deltas, boundaries, wait))) {
      seen.push(value);
      release();
    }
    // one snapshot per batch, then the final value
    expect(seen.length).toBe(batches + 1);
    const lengths = seen.map((v) => (v as { items?: unknown[] }).items?.length ?? 0);
    for (let i = 1; i < batches; i++) expect(lengths[i]).toBeGreaterThan(lengths[i - 1]!);
    expect(seen.at(-1)).toEqual(JSON.parse(text));
  });
});

describe('streamPartial and streamItems left before their first read', () => {
  /** A body nobody should read, and what happened to it. */
  function unread() {
    const life = { cancelled: 0, pulls: 0 };
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          life.pulls++;
          c.enqueue(new TextEncoder().encode('data: "[1,"\n\n'));
        },
        cancel() {
          life.cancelled++;
        },
      },
      { highWaterMark: 0 },
    );
    return { life, response: new Response(stream, { headers: { 'content-type': 'text/event-stream' } }) };
  }
  const settle = () => new Promise((r) => setTimeout(r, 10));

  it('return() before the first next() cancels the body, for streamPartial and streamItems', async () => {
    const partial = unread();
    await streamPartial(z.array(z.number()), partial.response).return(undefined as never);
    const items = unread();
    await streamItems(z.number(), items.response).return(undefined);
    await settle();
    expect([partial.life, items.life]).toEqual([
      { cancelled: 1, pulls: 0 },
      { cancelled: 1, pulls: 0 },
    ]);
  });

  it('an abort before the first next() cancels the body, and the first next() rejects with its reason', async () => {
    const { life, response } = unread();
    const ac = new AbortController();
    const snapshots = streamPartial(z.array(z.number()), response, { signal: ac.signal });
    ac.abort(new Error('left'));
    await settle();
    expect(life).toEqual({ cancelled: 1, pulls: 0 });
    await expect(snapshots.next()).rejects.toThrow('left');
  });

  it('an invalid bound: InvalidOptionError at the first read, and the body is cancelled unread', async () => {
    const items = unread();
    await expect(streamItems(z.number(), items.response, { maxDepth: -1 }).next()).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    const partial = unread();
    await expect(
      streamPartial(z.array(z.number()), partial.response, { maxLength: Number.NaN }).next(),
    ).rejects.toBeInstanceOf(InvalidOptionError);
    await settle();
    expect([items.life, partial.life]).toEqual([
      { cancelled: 1, pulls: 0 },
      { cancelled: 1, pulls: 0 },
    ]);
  });
});
