import { controlledSource } from '@partialkit/test-utils/stream-source';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialItemsStore } from './partial-items-store.ts';
import { PartialObjectStore } from './partial-object-store.ts';
import { showsField, Throttle } from './throttle.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Throttle', () => {
  it('runs the first request at once, then at most one per interval, the last one included', async () => {
    let runs = 0;
    const throttle = new Throttle(() => runs++);
    throttle.request(30);
    expect(runs).toBe(1); // the leading edge
    throttle.request(30);
    throttle.request(30);
    expect(runs).toBe(1);
    await wait(45);
    expect(runs).toBe(2); // the two folded into one, at the end of the interval
    await wait(45);
    expect(runs).toBe(2); // nothing pending: no run
    throttle.request(30);
    expect(runs).toBe(3); // a quiet period ended: leading edge again
    throttle.request(30);
    throttle.cancel();
    await wait(45);
    expect(runs).toBe(3);
  });

  it('runs an urgent request at once, and starts a new interval from it', async () => {
    let runs = 0;
    const throttle = new Throttle(() => runs++);
    throttle.request(40);
    throttle.request(40);
    expect(runs).toBe(1);
    throttle.request(40, true);
    expect(runs).toBe(2); // the one pending is part of this run
    throttle.request(40);
    await wait(20);
    expect(runs).toBe(2);
    await wait(40);
    expect(runs).toBe(3);
  });

  it('a run that cancels the throttle (a listener starting a new stream) starts no interval', async () => {
    for (const trailing of [false, true]) {
      let runs = 0;
      let cancelIn = trailing ? 2 : 1;
      const throttle = new Throttle(() => {
        runs++;
        if (runs === cancelIn) throttle.cancel();
      });
      throttle.request(30);
      if (trailing) {
        throttle.request(30);
        await wait(45); // the trailing run, which cancels
      }
      expect(runs).toBe(cancelIn);
      cancelIn = 0;
      throttle.request(30);
      expect(runs).toBe(trailing ? 3 : 2); // at once: a leading edge, not a run held for an interval
      throttle.request(30);
      expect(runs).toBe(trailing ? 3 : 2);
      await wait(45);
      expect(runs).toBe(trailing ? 4 : 3);
    }
  });

  it('showsField: a non-empty string, a number or a boolean anywhere', () => {
    for (const v of [undefined, null, {}, [], { a: '' }, { items: [{}] }, { a: { b: [null, ''] } }])
      expect([v, showsField(v)]).toEqual([v, false]);
    for (const v of ['a', 0, false, { a: 'x' }, { items: [{}, { n: 1 }] }, [[true]]])
      expect([v, showsField(v)]).toEqual([v, true]);
  });

  it('runs every request with 0', () => {
    let runs = 0;
    const throttle = new Throttle(() => runs++);
    for (let i = 0; i < 5; i++) throttle.request(0);
    expect(runs).toBe(5);
  });
});

describe('PartialObjectStore with the default throttle', () => {
  it('delivers the first visible value at once, not a frame later', async () => {
    let push: (t: string) => void = () => {};
    const store = new PartialObjectStore({
      schema: z.object({ title: z.string() }),
      fetcher: () =>
        new ReadableStream<string>({
          start(c) {
            push = (t) => c.enqueue(t);
          },
        }),
    });
    const seen: unknown[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().object));
    void store.submit(undefined);
    await wait(5);
    push('{"title": "Hel');
    // one macrotask for the read to reach the store: without a leading edge, the value would wait for
    // the 16 ms frame timer
    await wait(0);
    expect(store.getSnapshot().object).toEqual({ title: 'Hel' });
    push('lo');
    await wait(30);
    expect(store.getSnapshot().object).toEqual({ title: 'Hello' });
    store.stop();
  });

  it('delivers the first field at once when the leading edge went on an empty object', async () => {
    const { fetcher, push } = controlledSource();
    const store = new PartialObjectStore({ schema: z.object({ title: z.string() }), throttle: 200, fetcher });
    void store.submit(undefined);
    await wait(5);
    push('{"ti');
    await wait(0);
    expect(store.getSnapshot().object).toEqual({}); // the leading edge
    push('tle": "H');
    await wait(0);
    expect(store.getSnapshot().object).toEqual({ title: 'H' }); // not 200 ms later
    push('ello');
    await wait(0);
    expect(store.getSnapshot().object).toEqual({ title: 'H' }); // then the throttle's pace again
    store.stop();
  });

  it('a stream submitted by a listener during a throttled update gets its own leading edge', async () => {
    const { fetcher, push, requests } = controlledSource();
    const store = new PartialObjectStore({ schema: z.object({ title: z.string() }), throttle: 200, fetcher });
    const seen: unknown[] = [];
    store.subscribe(() => {
      const { object } = store.getSnapshot();
      seen.push(object);
      if (requests.length === 1 && object?.title === 'Hello') void store.submit('again');
    });
    void store.submit(undefined);
    await wait(5);
    push('{"title": "H'); // the first field: at once
    await wait(0);
    push('ello');
    await wait(250); // the interval's trailing update, whose listener submits anew
    expect(requests.map((r) => r.input)).toEqual([undefined, 'again']);
    push('{"ti');
    await wait(0);
    expect(store.getSnapshot().object).toEqual({}); // at once, not an interval of the old stream later
    expect(seen.at(-1)).toEqual({});
    store.stop();
  });

  it("the items store: the first element's first field at once too", async () => {
    const { fetcher, push } = controlledSource();
    const store = new PartialItemsStore({ schema: z.object({ title: z.string() }), throttle: 200, fetcher });
    void store.submit(undefined);
    await wait(5);
    push('[{"ti');
    await wait(0);
    push('tle": "H');
    await wait(0);
    expect(store.getSnapshot().current).toEqual({ title: 'H' });
    store.stop();
  });

  it('applies options set through setOptions to the next submit and to callbacks', async () => {
    const finished: string[] = [];
    const Schema = z.object({ v: z.string() });
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => ['{"v": "first"}'],
      onFinish: () => finished.push('old'),
    });
    store.setOptions({
      schema: Schema,
      fetcher: () => ['{"v": "second"}'],
      onFinish: (r) => finished.push(`new:${r.data?.v}`),
    });
    await store.submit(undefined);
    expect(finished).toEqual(['new:second']);
  });

  it('gives every run its own AbortController: a superseded run is aborted, the new one is not', async () => {
    const signals: AbortSignal[] = [];
    const store = new PartialObjectStore({
      schema: z.object({ v: z.number() }),
      fetcher: (_: unknown, { signal }) => {
        signals.push(signal);
        return new ReadableStream<string>({ start() {} });
      },
    });
    void store.submit(1);
    await wait(1);
    void store.submit(2);
    await wait(1);
    expect(signals).toHaveLength(2);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
    store.stop();
    expect(signals[1]!.aborted).toBe(true);
    expect(store.getSnapshot().status).toBe('aborted');
  });
});
