import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { ProviderError, TruncatedError } from '../errors.ts';
import { PartialObjectStore, type PartialState } from './partial-object-store.ts';

const Schema = z.object({ title: z.string(), tags: z.array(z.enum(['a', 'b'])) });
type State = PartialState<unknown, unknown>;

/** An async iterable that hands out chunks only when the test releases them. */
function gate(chunks: string[]) {
  let release: () => void = () => {};
  let aborted = false;
  async function* gen(signal: AbortSignal) {
    signal.addEventListener('abort', () => {
      aborted = true;
      release();
    });
    for (const c of chunks) {
      await new Promise<void>((r) => {
        release = r;
      });
      if (signal.aborted) return;
      yield c;
    }
  }
  return {
    fetcher: (_: unknown, { signal }: { signal: AbortSignal }) => gen(signal),
    next: async () => {
      release();
      await new Promise((r) => setTimeout(r, 0));
    },
    get aborted() {
      return aborted;
    },
  };
}

function record(store: PartialObjectStore<typeof Schema, unknown>): State[] {
  const seen: State[] = [];
  store.subscribe(() => seen.push(store.getSnapshot()));
  return seen;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('PartialObjectStore', () => {
  it('streams into state with stable identity, then validates', async () => {
    const finished: unknown[] = [];
    const updates: unknown[] = [];
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => ['{"title":"He', 'llo","tags":["a"', ',"b"]}'],
      throttle: 0,
      onUpdate: (o) => updates.push(o),
      onFinish: (r) => finished.push(r),
    });
    const seen = record(store);
    await store.submit(undefined);
    expect(seen.map((s) => s.status)).toEqual([
      'streaming',
      'streaming',
      'streaming',
      'streaming',
      'success',
    ]);
    expect(seen.map((s) => s.object)).toEqual([
      undefined,
      { title: 'He' },
      { title: 'Hello', tags: ['a'] },
      { title: 'Hello', tags: ['a', 'b'] },
      { title: 'Hello', tags: ['a', 'b'] },
    ]);
    expect(store.getSnapshot().data).toEqual({ title: 'Hello', tags: ['a', 'b'] });
    expect(store.getSnapshot()).toBe(store.getSnapshot());
    expect(finished).toEqual([
      { data: { title: 'Hello', tags: ['a', 'b'] }, object: seen[4]!.object, error: undefined },
    ]);
    expect(store.isCompleteAt(['tags'])).toBe(true);
    expect(updates).toEqual([
      { title: 'He' },
      { title: 'Hello', tags: ['a'] },
      { title: 'Hello', tags: ['a', 'b'] },
    ]);
    expect(updates[2]).toBe(seen[3]!.object);
  });

  it('coalesces updates with a throttle and flushes at the end', async () => {
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => ['{"title":"', 'a', 'b', 'c', 'd', '","tags":[]}'],
      throttle: 50,
    });
    const seen = record(store);
    await store.submit(undefined);
    // streaming, the leading edge (the first value at once), the first field at once (the leading edge
    // went on an empty string), the flush at the end, success
    expect(seen.length).toBeLessThanOrEqual(5);
    expect(seen[1]!.object).toEqual({ title: '' });
    expect(seen[2]!.object).toEqual({ title: 'a' });
    expect(seen.at(-1)).toMatchObject({ status: 'success', object: { title: 'abcd', tags: [] } });
  });

  it('a new submit aborts the running request; results never interleave', async () => {
    const first = gate(['{"title":"first', '"}']);
    const second = gate(['{"title":"second","tags":[]}']);
    let calls = 0;
    const store = new PartialObjectStore<typeof Schema, number>({
      schema: Schema,
      fetcher: (n, init) => {
        calls++;
        return (n === 1 ? first : second).fetcher(n, init);
      },
      throttle: 0,
    });
    const p1 = store.submit(1);
    await settle();
    await first.next();
    expect(store.getSnapshot().object).toEqual({ title: 'first' });
    const p2 = store.submit(2);
    expect(first.aborted).toBe(true);
    expect(store.getSnapshot()).toMatchObject({ status: 'streaming', object: undefined });
    await settle();
    await second.next();
    await Promise.all([p1, p2]);
    expect(store.getSnapshot()).toMatchObject({ status: 'success', data: { title: 'second', tags: [] } });
    expect(calls).toBe(2);
  });

  it('two submits in the same tick reach the fetcher once', async () => {
    let calls = 0;
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => {
        calls++;
        return ['{"title":"x","tags":[]}'];
      },
    });
    await Promise.all([store.submit(1), store.submit(2)]);
    expect(calls).toBe(1);
    expect(store.getSnapshot().status).toBe('success');
  });

  it('stop keeps the partial and reports aborted; reset returns to idle', async () => {
    const g = gate(['{"title":"par', 'tial"}']);
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: g.fetcher,
      throttle: 0,
      initialValue: { title: '…' },
    });
    expect(store.getSnapshot().object).toEqual({ title: '…' });
    const done = store.submit(undefined);
    await settle();
    await g.next();
    store.stop();
    await done;
    expect(g.aborted).toBe(true);
    expect(store.getSnapshot()).toMatchObject({
      status: 'aborted',
      object: { title: 'par' },
      error: undefined,
    });
    store.reset();
    expect(store.getSnapshot()).toMatchObject({ status: 'idle', object: { title: '…' } });
  });

  it('an error mid-stream keeps the partial and carries the typed error', async () => {
    const errors: unknown[] = [];
    const wire =
      encodeProtocolEvent({ type: 'text', text: '{"title":"kept","tags":["a",' }) +
      encodeProtocolEvent({ type: 'error', error: { type: 'overloaded', message: 'try later' } });
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => [wire],
      throttle: 0,
      onError: (e) => errors.push(e),
    });
    await store.submit(undefined);
    const s = store.getSnapshot();
    expect(s.status).toBe('error');
    expect(s.error).toBeInstanceOf(ProviderError);
    expect(s.object).toEqual({ title: 'kept', tags: ['a'] });
    expect(errors).toEqual([s.error]);
  });

  it('a stream that ends early is a TruncatedError', async () => {
    const store = new PartialObjectStore({ schema: Schema, fetcher: () => ['{"title":"x"'], throttle: 0 });
    await store.submit(undefined);
    expect(store.getSnapshot().error).toBeInstanceOf(TruncatedError);
    expect(store.getSnapshot().object).toEqual({ title: 'x' });
  });

  it('follows a re-ask: reset clears the partial and counts the attempt', async () => {
    const wire = [
      encodeProtocolEvent({ type: 'text', text: '{"title":"bad","tags":["z"]}' }),
      encodeProtocolEvent({ type: 'reset', attempt: 2 }),
      encodeProtocolEvent({ type: 'text', text: '{"title":"good","tags":["a"]}' }),
      encodeProtocolEvent({ type: 'done' }),
    ];
    const store = new PartialObjectStore({ schema: Schema, fetcher: () => wire, throttle: 0 });
    const seen = record(store);
    await store.submit(undefined);
    expect(seen.some((s) => s.attempt === 2 && s.object === undefined)).toBe(true);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      attempt: 2,
      data: { title: 'good', tags: ['a'] },
    });
  });

  it('a run keeps the options it started with: a render committed before its request never mixes in', async () => {
    const Talks = z.object({ talks: z.array(z.string()) });
    const Speakers = z.object({ speakers: z.array(z.string()) });
    const asked: string[] = [];
    const optionsFor = (mode: 'talks' | 'speakers') => ({
      schema: (mode === 'talks' ? Talks : Speakers) as z.ZodType,
      throttle: 0 as const,
      decode: { format: 'text' as const },
      fetcher: () => {
        asked.push(mode);
        return [mode === 'talks' ? '{"talks":["a"]}' : '{"speakers":["b"]}'];
      },
    });
    const store = new PartialObjectStore(optionsFor('talks'));
    const done = store.submit(undefined);
    // A handler's setState commits (and hands the store its options) before the request starts.
    store.setOptions(optionsFor('speakers'));
    await done;
    expect([asked, store.getSnapshot().status, store.getSnapshot().data]).toEqual([
      ['talks'],
      'success',
      { talks: ['a'] },
    ]);
    await store.submit(undefined);
    expect([asked, store.getSnapshot().data]).toEqual([['talks', 'speakers'], { speakers: ['b'] }]);
  });

  describe('with a URL', () => {
    let url = '';
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (req.url === '/fail') {
          res.writeHead(429, { 'content-type': 'application/json' }).end('{"error":"slow down"}');
          return;
        }
        if (req.url === '/bodiless') {
          const shown = { title: `${body.length} ${req.headers['content-type'] ?? 'none'}`, tags: [] };
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(
            encodeProtocolEvent({ type: 'text', text: JSON.stringify(shown) }) +
              encodeProtocolEvent({ type: 'done' }),
          );
          return;
        }
        const { topic } = JSON.parse(body) as { topic: string };
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          encodeProtocolEvent({ type: 'text', text: JSON.stringify({ title: topic, tags: [] }) }) +
            encodeProtocolEvent({ type: 'done' }),
        );
      });
    });
    beforeAll(async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('POSTs the input as JSON and reads the answer', async () => {
      const store = new PartialObjectStore<typeof Schema, { topic: string }>({
        schema: Schema,
        fetcher: `${url}/extract`,
      });
      await store.submit({ topic: 'posted' });
      expect(store.getSnapshot()).toMatchObject({ status: 'success', data: { title: 'posted', tags: [] } });
    });

    it('POSTs no body and declares no JSON for submit(undefined)', async () => {
      const store = new PartialObjectStore({ schema: Schema, fetcher: `${url}/bodiless` });
      await store.submit(undefined);
      expect(store.getSnapshot()).toMatchObject({ status: 'success', data: { title: '0 none', tags: [] } });
    });

    it('reports an HTTP error with its body', async () => {
      const store = new PartialObjectStore({ schema: Schema, fetcher: `${url}/fail` });
      await store.submit({});
      expect(store.getSnapshot().error).toMatchObject({
        name: 'HTTPError',
        status: 429,
        body: '{"error":"slow down"}',
      });
    });
  });
});
