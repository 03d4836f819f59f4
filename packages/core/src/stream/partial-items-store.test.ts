import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import {
  InvalidOptionError,
  ItemValidationError,
  ListShapeError,
  ProviderError,
  TruncatedError,
} from '../errors.ts';
import { isCompleteNode } from '../parser/completeness.ts';
import { type PartialItemsState, PartialItemsStore } from './partial-items-store.ts';

const Talk = z.object({ title: z.string(), minutes: z.number().int().positive() });
type State = PartialItemsState<unknown, unknown>;

function record(store: PartialItemsStore<typeof Talk>): State[] {
  const seen: State[] = [];
  store.subscribe(() => seen.push(store.getSnapshot()));
  return seen;
}

const talk = (i: number, minutes = 30) => `{"title":"Talk ${i}","minutes":${minutes}}`;

describe('PartialItemsStore', () => {
  it('appends each validated element the moment it closes; items keep their identity', async () => {
    const src = controlledSource();
    const added: Array<[unknown, number]> = [];
    const store = new PartialItemsStore({
      schema: Talk,
      fetcher: src.fetcher,
      throttle: 0,
      onItem: (item, index) => added.push([item, index]),
    });
    const seen = record(store);
    const done = store.submit(undefined);
    await tick();
    const push = async (text: string) => {
      src.push(text);
      await tick();
      return store.getSnapshot();
    };
    let s = await push('{"talks":[{"title":"Tal');
    expect(s).toMatchObject({ status: 'streaming', items: [], current: { title: 'Tal' } });
    s = await push('k 0","minutes":30},{"title":"Talk 1"');
    expect(s.items).toEqual([{ title: 'Talk 0', minutes: 30 }]);
    expect(s.current).toEqual({ title: 'Talk 1' });
    const first = s.items[0];
    const firstItems = s.items;
    s = await push(',"minutes":45}');
    expect(s.items).toEqual([
      { title: 'Talk 0', minutes: 30 },
      { title: 'Talk 1', minutes: 45 },
    ]);
    expect(s.items[0]).toBe(first);
    expect(s.items).not.toBe(firstItems);
    expect(firstItems).toHaveLength(1); // an array once shown never changes
    expect(s.current).toBeUndefined();
    expect(isCompleteNode(s.items)).toBe(true);
    src.push(']}');
    src.end();
    await done;
    expect(store.getSnapshot()).toMatchObject({ status: 'success', issues: [], attempt: 1 });
    expect(store.getSnapshot().items[1]).toBe(s.items[1]);
    expect(added).toEqual([
      [first, 0],
      [s.items[1], 1],
    ]);
    // every state that did not append kept the same array
    for (let i = 1; i < seen.length; i++) {
      if (seen[i]!.items.length === seen[i - 1]!.items.length)
        expect(seen[i]!.items).toBe(seen[i - 1]!.items);
    }
  });

  it('an invalid element goes to issues with its index; the rest still arrive', async () => {
    const invalid: number[] = [];
    const store = new PartialItemsStore({
      schema: Talk,
      fetcher: () => [`[${talk(0)},${talk(1, -5)},`, `${talk(2)}]`],
      throttle: 0,
      onInvalid: (e) => invalid.push(e.index),
    });
    await store.submit(undefined);
    const s = store.getSnapshot();
    expect(s.status).toBe('success');
    expect(s.items.map((t) => (t as { title: string }).title)).toEqual(['Talk 0', 'Talk 2']);
    expect(s.issues).toHaveLength(1);
    expect(s.issues[0]).toBeInstanceOf(ItemValidationError);
    expect(s.issues[0]).toMatchObject({ index: 1, issues: [{ path: ['minutes'], code: 'too_small' }] });
    expect(invalid).toEqual([1]);
  });

  it('JSON Lines: a bracket in prose that is not JSON is an issue, and the run succeeds', async () => {
    const store = new PartialItemsStore({
      schema: Talk,
      fetcher: () => [`${talk(0)}\nSee [the `, `notes] below.\n${talk(1)}\n`],
      shape: 'lines',
      throttle: 0,
    });
    await store.submit(undefined);
    const s = store.getSnapshot();
    expect(s.status).toBe('success');
    expect(s.items.map((t) => (t as { title: string }).title)).toEqual(['Talk 0', 'Talk 1']);
    expect(s.current).toBeUndefined();
    expect(s.issues).toMatchObject([{ index: 1, issues: [{ code: 'invalid_json', path: [] }] }]);
  });

  it("onInvalid: 'throw' ends the run with the ItemValidationError, keeping the items before it", async () => {
    const store = new PartialItemsStore({
      schema: Talk,
      fetcher: () => [`[${talk(0)},${talk(1, -5)},${talk(2)}]`],
      throttle: 0,
      onInvalid: 'throw',
    });
    await store.submit(undefined);
    const s = store.getSnapshot();
    expect(s.status).toBe('error');
    expect(s.error).toBeInstanceOf(ItemValidationError);
    expect(s.items).toEqual([{ title: 'Talk 0', minutes: 30 }]);
    expect(s.current).toBeUndefined();
  });

  it("onInvalid: 'throw' shows nothing after the invalid element, though the next one had begun", async () => {
    const store = new PartialItemsStore({
      schema: Talk,
      fetcher: () => [`[${talk(0)},${talk(1, -5)},{"title":"Talk 2, still strea`],
      throttle: 0,
      onInvalid: 'throw',
    });
    await store.submit(undefined);
    const { status, items, current } = store.getSnapshot();
    expect({ status, items, current }).toEqual({
      status: 'error',
      items: [{ title: 'Talk 0', minutes: 30 }],
      current: undefined,
    });
  });

  it('coalesces appends with a throttle and flushes at the end', async () => {
    const store = new PartialItemsStore({
      schema: Talk,
      fetcher: () => ['[', ...Array.from({ length: 20 }, (_, i) => `${i ? ',' : ''}${talk(i)}`), ']'],
      throttle: 1000,
    });
    const seen = record(store);
    await store.submit(undefined);
    expect(seen.length).toBeLessThanOrEqual(4);
    expect(seen.at(-1)!.items).toHaveLength(20);
  });

  it('stop keeps the items and the partial element; reset returns to idle', async () => {
    const src = controlledSource();
    const store = new PartialItemsStore({ schema: Talk, fetcher: src.fetcher, throttle: 0 });
    const done = store.submit(undefined);
    await tick();
    src.push(`[${talk(0)},{"title":"half`);
    await tick();
    store.stop();
    await done;
    expect(src.requests[0]!.signal.aborted).toBe(true);
    expect(store.getSnapshot()).toMatchObject({
      status: 'aborted',
      items: [{ title: 'Talk 0', minutes: 30 }],
      current: { title: 'half' },
      error: undefined,
    });
    store.reset();
    expect(store.getSnapshot()).toMatchObject({ status: 'idle', items: [], current: undefined, attempt: 0 });
  });

  it('an error mid-stream keeps the items that closed before it', async () => {
    const wire =
      encodeProtocolEvent({ type: 'text', text: `[${talk(0)},{"title":"x"` }) +
      encodeProtocolEvent({ type: 'error', error: { type: 'overloaded', message: 'try later' } });
    const errors: unknown[] = [];
    const store = new PartialItemsStore({
      schema: Talk,
      fetcher: () => [wire],
      throttle: 0,
      onError: (e) => errors.push(e),
    });
    await store.submit(undefined);
    const s = store.getSnapshot();
    expect(s.status).toBe('error');
    expect(s.error).toBeInstanceOf(ProviderError);
    expect(s.items).toEqual([{ title: 'Talk 0', minutes: 30 }]);
    expect(s.current).toEqual({ title: 'x' });
    expect(errors).toEqual([s.error]);
  });

  it("the list's parent schema given as the item schema fails the run at the first element", async () => {
    const Program = z.object({ talks: z.array(Talk) });
    const store = new PartialItemsStore({
      schema: Program,
      fetcher: () => [`{"talks":[${talk(0)}`, `,${talk(1)}]}`],
      throttle: 0,
    });
    await store.submit(undefined);
    const s = store.getSnapshot();
    expect(s).toMatchObject({ status: 'error', items: [], issues: [] });
    expect(s.error).toBeInstanceOf(ListShapeError);
    expect((s.error as Error).message).toContain('lacks the key "talks", which holds the list');
  });

  it('the input failing while a first odd element waits for the next to tell: it is an issue before the error', async () => {
    const Section = z.object({ title: z.string(), items: z.array(z.string()) });
    const store = new PartialItemsStore({
      schema: Section,
      throttle: 0,
      fetcher: async function* () {
        yield '{"items":[{"name":"a"},{"title":"b"';
        throw new TypeError('socket hang up');
      },
    });
    await store.submit(undefined);
    const s = store.getSnapshot();
    expect([s.status, s.error]).toEqual(['error', new TypeError('socket hang up')]);
    expect(s.issues.map((issue) => issue.index)).toEqual([0]);
  });

  it('a list cut off is a TruncatedError', async () => {
    const store = new PartialItemsStore({ schema: Talk, fetcher: () => [`[${talk(0)}`], throttle: 0 });
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({ status: 'error', items: [{ title: 'Talk 0' }] });
    expect(store.getSnapshot().error).toBeInstanceOf(TruncatedError);
  });

  it('follows a re-ask: the list starts over and the attempt is counted', async () => {
    const wire = [
      encodeProtocolEvent({ type: 'text', text: `[${talk(0)},${talk(1, -1)}]` }),
      encodeProtocolEvent({ type: 'reset', attempt: 2 }),
      encodeProtocolEvent({ type: 'text', text: `[${talk(5)}]` }),
      encodeProtocolEvent({ type: 'done' }),
    ];
    const store = new PartialItemsStore({ schema: Talk, fetcher: () => wire, throttle: 0 });
    const seen = record(store);
    await store.submit(undefined);
    expect(seen.some((s) => s.attempt === 2 && s.items.length === 0 && s.issues.length === 0)).toBe(true);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      attempt: 2,
      items: [{ title: 'Talk 5', minutes: 30 }],
      issues: [],
    });
  });

  describe('with a URL', () => {
    let url = '';
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.end(`${talk(0)}\n${talk(1)}\n`);
      });
    });
    beforeAll(async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('reads an NDJSON response as JSON Lines', async () => {
      const store = new PartialItemsStore({ schema: Talk, fetcher: `${url}/talks` });
      await store.submit({ q: 1 });
      expect(store.getSnapshot()).toMatchObject({
        status: 'success',
        items: [
          { title: 'Talk 0', minutes: 30 },
          { title: 'Talk 1', minutes: 30 },
        ],
      });
    });
  });
});

describe('PartialItemsStore: bounds, async schemas, callbacks of a run that ended', () => {
  const Item = z.object({ id: z.number() });
  const LIST = '[{"id":0},{"id":1},{"id":2},{"id":3}]';

  it('an invalid bound fails the run with InvalidOptionError before any request', async () => {
    let calls = 0;
    const store = new PartialItemsStore({
      schema: Item,
      throttle: 0,
      maxLength: Number.NaN,
      fetcher: () => {
        calls++;
        return ['[]'];
      },
    });
    await store.submit(undefined);
    expect(calls).toBe(0);
    expect(store.getSnapshot().status).toBe('error');
    expect(store.getSnapshot().error).toBeInstanceOf(InvalidOptionError);
  });

  it('a shape or onInvalid that is none of its values fails the run before any request', async () => {
    for (const options of [{ shape: 'jsonl' }, { onInvalid: 'Throw' }] as const) {
      let calls = 0;
      const store = new PartialItemsStore({
        schema: Item,
        throttle: 0,
        ...(options as object),
        fetcher: () => {
          calls++;
          return ['[{"id":1}]'];
        },
      });
      await store.submit(undefined);
      expect([calls, store.getSnapshot().status]).toEqual([0, 'error']);
      expect(store.getSnapshot().error).toMatchObject({
        name: 'InvalidOptionError',
        option: Object.keys(options)[0],
      });
    }
  });

  it('an option refused once the response is there (decode.maxEventSize) fails the run, and the body is released', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new TextEncoder().encode(LIST)),
      cancel: () => {
        cancelled = true;
      },
    });
    const store = new PartialItemsStore({
      schema: Item,
      throttle: 0,
      decode: { maxEventSize: -1 },
      fetcher: () => new Response(body, { headers: { 'content-type': 'application/json' } }),
    });
    await store.submit(undefined);
    expect(store.getSnapshot().error).toBeInstanceOf(InvalidOptionError);
    expect(cancelled).toBe(true);
  });

  it('an invalid reconnect option fails the run before any request, resumable stream or not', async () => {
    let calls = 0;
    const store = new PartialItemsStore({
      schema: Item,
      reconnect: { baseDelayMs: Number.NaN },
      fetcher: () => {
        calls++;
        return ['[]'];
      },
    });
    await store.submit(undefined);
    expect([calls, store.getSnapshot().error]).toEqual([0, expect.any(InvalidOptionError)]);
    expect(store.getSnapshot().error?.message).toMatch(/reconnect\.baseDelayMs/);
  });

  it('a run keeps the options it started with: ones set while its request waits apply to the next submit', async () => {
    let respond: (response: Response) => void = () => {};
    const options = {
      schema: Item,
      throttle: 0 as const,
      fetcher: () =>
        new Promise<Response>((resolve) => {
          respond = resolve;
        }),
    };
    const store = new PartialItemsStore<z.ZodType<{ id: number } | { name: string }>>(options);
    const done = store.submit(undefined);
    await tick();
    // Another render's options (a tab switched while the request waits for its headers).
    store.setOptions({ ...options, schema: z.object({ name: z.string() }), maxDepth: -1 });
    respond(new Response(LIST, { headers: { 'content-type': 'application/json' } }));
    await done;
    const { status, items, issues } = store.getSnapshot();
    expect([status, items.length, issues.length]).toEqual(['success', 4, 0]);
    await store.submit(undefined); // the next submit runs with them: the bound is refused at once
    expect(store.getSnapshot().error).toBeInstanceOf(InvalidOptionError);
  });

  it('an item schema that validates asynchronously: items in order, the invalid ones as issues', async () => {
    const Positive = Item.refine(async (v) => v.id > 0, 'id must be positive');
    const seen: number[] = [];
    const store = new PartialItemsStore({
      schema: Positive,
      fetcher: () => ['[{"id":1},{"id":-2},', '{"id":3}]'],
      throttle: 0,
      onItem: (item) => seen.push(item.id),
    });
    await store.submit(undefined);
    const state = store.getSnapshot();
    expect(state.error).toBeUndefined();
    expect(state.status).toBe('success');
    expect(state.items).toEqual([{ id: 1 }, { id: 3 }]);
    expect(state.issues.map((e) => e.index)).toEqual([1]);
    expect(seen).toEqual([1, 3]);
  });

  /** An item schema whose check takes 100 ms: the next element begins before the one before it is taken. */
  const Slow = z.object({ t: z.string() }).refine(async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    return true;
  });

  it('while an element validates asynchronously, the next one never shows in its place', async () => {
    const source = controlledSource();
    const store = new PartialItemsStore({ schema: Slow, fetcher: source.fetcher, throttle: 20 });
    const seen: Array<{ items: string[]; current: string | undefined }> = [];
    store.subscribe(() => {
      const { items, current } = store.getSnapshot();
      seen.push({ items: items.map((i) => i.t), current: current?.t });
    });
    const done = store.submit(undefined);
    await tick();
    source.push('[{"t":"a');
    await tick();
    source.push('b'); // inside the throttle's window: a flush is pending
    await tick();
    source.push('c"},{"t":"next'); // "abc" closes and validates; "next" begins
    source.push('"}]');
    source.end();
    await done;
    expect(store.getSnapshot().items.map((i) => i.t)).toEqual(['abc', 'next']);
    // "next" is never the current element before "abc" is an item.
    expect(seen.filter((s) => s.current === 'next' && s.items.length === 0)).toEqual([]);
    expect(seen.some((s) => s.items.length === 1 && s.items[0] === 'abc')).toBe(true);
  });

  it('while an element validates asynchronously it is shown as parsed, at once with throttle 0', async () => {
    const source = controlledSource();
    const store = new PartialItemsStore({ schema: Slow, fetcher: source.fetcher, throttle: 0 });
    const done = store.submit(undefined);
    await tick();
    source.push('[{"t":"a"},{"t":"next');
    await new Promise((resolve) => setTimeout(resolve, 20)); // "a" still validates
    const { status, items, current } = store.getSnapshot();
    expect({ status, items, current }).toEqual({ status: 'streaming', items: [], current: { t: 'a' } });
    source.push('"}]');
    source.end();
    await done;
    expect(store.getSnapshot().items).toEqual([{ t: 'a' }, { t: 'next' }]);
  });

  it('stop() while an element validates asynchronously keeps that element shown, not the next one', async () => {
    const source = controlledSource();
    const store = new PartialItemsStore({ schema: Slow, fetcher: source.fetcher, throttle: 0 });
    void store.submit(undefined);
    await tick();
    source.push('[{"t":"a"},{"t":"next');
    await new Promise((resolve) => setTimeout(resolve, 20)); // "a" still validates
    store.stop();
    const { status, items, current } = store.getSnapshot();
    expect({ status, items, current }).toEqual({ status: 'aborted', items: [], current: { t: 'a' } });
  });

  it('stop() from onItem of an element that validated asynchronously shows it once, in items', async () => {
    const source = controlledSource();
    const store: PartialItemsStore<typeof Slow> = new PartialItemsStore({
      schema: Slow,
      fetcher: source.fetcher,
      throttle: 0,
      onItem: () => store.stop(),
    });
    void store.submit(undefined);
    await tick();
    source.push('[{"t":"a"},{"t":"nex');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const { status, items, current } = store.getSnapshot();
    expect({ status, items }).toEqual({ status: 'aborted', items: [{ t: 'a' }] });
    expect(current).toEqual({ t: 'nex' });
  });

  it('stop() from onItem: no later element of that run is reported', async () => {
    const reported: number[] = [];
    const store: PartialItemsStore<typeof Item> = new PartialItemsStore({
      schema: Item,
      throttle: 0,
      fetcher: () => [LIST],
      onItem: (item) => {
        reported.push(item.id);
        if (item.id === 1) store.stop();
      },
    });
    await store.submit(undefined);
    expect(store.getSnapshot().status).toBe('aborted');
    expect(store.getSnapshot().items.map((i) => i.id)).toEqual([0, 1]);
    expect(reported).toEqual([0, 1]);
  });

  it('submit() from onItem: the old run reports nothing more', async () => {
    const reported: number[] = [];
    let calls = 0;
    const store: PartialItemsStore<typeof Item> = new PartialItemsStore({
      schema: Item,
      throttle: 0,
      fetcher: () => (++calls === 1 ? [LIST] : ['[{"id":9}]']),
      onItem: (item) => {
        reported.push(item.id);
        if (item.id === 0) void store.submit(undefined);
      },
    });
    await store.submit(undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(store.getSnapshot().items.map((i) => i.id)).toEqual([9]);
    expect(reported).toEqual([0, 9]);
  });

  it('a number cut at the end of the list is not shown as an item', async () => {
    const store = new PartialItemsStore({ schema: z.number(), fetcher: () => ['[10,2'], throttle: 0 });
    await store.submit(undefined);
    expect(store.getSnapshot().error).toBeInstanceOf(TruncatedError);
    expect(store.getSnapshot().items).toEqual([10]);
  });
});
