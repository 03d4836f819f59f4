import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { InvalidOptionError, NetworkError, PartialKitError, TruncatedError } from '../errors.ts';
import { PartialObjectStore, type PartialState } from './partial-object-store.ts';

const Schema = z.object({ title: z.string(), tags: z.array(z.string()) });
type State = PartialState<unknown, unknown>;

function record(store: { subscribe(l: () => void): () => void; getSnapshot(): State }): State[] {
  const seen: State[] = [];
  store.subscribe(() => seen.push(store.getSnapshot()));
  return seen;
}

/** Resolves once the store's status is `status`. */
function until(store: PartialObjectStore<typeof Schema>, status: State['status']): Promise<void> {
  return new Promise((resolve) => {
    if (store.getSnapshot().status === status) return resolve();
    const off = store.subscribe(() => {
      if (store.getSnapshot().status !== status) return;
      off();
      resolve();
    });
  });
}

// Callback errors go to the host's `reportError` when there is one (browsers); Node has none, so the
// tests install one and read what was reported.
let reported: unknown[] = [];
beforeEach(() => {
  reported = [];
  (globalThis as { reportError?: (e: unknown) => void }).reportError = (e) => reported.push(e);
});
afterEach(() => {
  delete (globalThis as { reportError?: unknown }).reportError;
});

describe('callback errors never change the stream (issue 18 item 23)', () => {
  it('a throwing onFinish leaves success, is called once, and submit resolves', async () => {
    const finished: unknown[] = [];
    const errors: unknown[] = [];
    const bug = new Error('onFinish bug');
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => ['{"title":"x",', '"tags":["a"]}'],
      throttle: 0,
      onFinish: (result) => {
        finished.push(result);
        throw bug;
      },
      onError: (e) => errors.push(e),
    });
    await expect(store.submit(undefined)).resolves.toBeUndefined();
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      error: undefined,
      data: { title: 'x', tags: ['a'] },
    });
    expect(finished).toEqual([
      { data: { title: 'x', tags: ['a'] }, object: store.getSnapshot().object, error: undefined },
    ]);
    expect(errors).toEqual([]);
    expect(reported).toEqual([bug]);
  });

  it('a throwing decode.onRetry is reported, and the events of the chunk that called it still arrive', async () => {
    const bug = new Error('onRetry bug');
    const store = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      decode: {
        onRetry: () => {
          throw bug;
        },
      },
      // One chunk: the `retry:` field, then the events after it, all fed to the SSE parser at once.
      fetcher: () =>
        new Response(
          `retry: 3000\n\n${encodeProtocolEvent({ type: 'text', text: '{"title":"ok","tags":[]}' })}${encodeProtocolEvent({ type: 'done' })}`,
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    });
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      error: undefined,
      data: { title: 'ok', tags: [] },
    });
    expect(reported).toEqual([bug]);
  });

  it('a throwing onError with a fire-and-forget submit gives no unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const store = new PartialObjectStore({
        schema: Schema,
        fetcher: () => ['{"title":"cut'],
        throttle: 0,
        onError: () => {
          throw new Error('onError bug');
        },
        onFinish: () => {
          throw new Error('onFinish bug');
        },
      });
      const failed = until(store, 'error');
      void store.submit(undefined);
      await failed;
      // unhandled rejections are reported once the microtasks have run: give Node two turns
      await tick();
      await tick();
      expect(rejections).toEqual([]);
      expect(store.getSnapshot().status).toBe('error');
      expect(store.getSnapshot().error).toBeInstanceOf(TruncatedError);
      expect(store.getSnapshot().object).toEqual({ title: 'cut' });
      expect(reported.map((e) => (e as Error).message)).toEqual(['onError bug', 'onFinish bug']);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('a throwing onUpdate or listener neither fails the stream nor stops the other listeners', async () => {
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => ['{"title":"a', 'b","tags":[]}'],
      throttle: 0,
      onUpdate: () => {
        throw new Error('onUpdate bug');
      },
    });
    store.subscribe(() => {
      throw new Error('listener bug');
    });
    const seen = record(store);
    await expect(store.submit(undefined)).resolves.toBeUndefined();
    expect(seen.map((s) => s.status)).toEqual(['streaming', 'streaming', 'streaming', 'success']);
    expect(seen.at(-1)?.data).toEqual({ title: 'ab', tags: [] });
    const messages = reported.map((e) => (e as Error).message);
    expect(messages.filter((m) => m === 'onUpdate bug')).toHaveLength(2);
    expect(messages.filter((m) => m === 'listener bug')).toHaveLength(4);
  });

  it('an invalid bound fails the run with a typed error before any request, and submit resolves', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => {
        calls++;
        return ['{}'];
      },
      maxLength: Number.NaN,
      onError: (e) => errors.push(e),
    });
    await expect(store.submit(undefined)).resolves.toBeUndefined();
    expect(calls).toBe(0);
    expect(store.getSnapshot().status).toBe('error');
    expect(store.getSnapshot().error).toBeInstanceOf(InvalidOptionError);
    expect(errors).toEqual([store.getSnapshot().error]);
  });
});

describe('detaching mid-stream leaves a consistent state (issue 18 item 24)', () => {
  it('attach → submit → detach mid-stream → attach: aborted, the partial kept, nothing running', async () => {
    const source = controlledSource();
    const finished: unknown[] = [];
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: source.fetcher,
      throttle: 0,
      onFinish: (r) => finished.push(r),
      onError: (e) => finished.push(e),
    });
    const detach = store.attach();
    const seen = record(store);
    const done = store.submit(undefined);
    await tick();
    expect(source.push('{"title":"par')).toBe(true);
    await tick();
    expect(store.getSnapshot()).toMatchObject({ status: 'streaming', object: { title: 'par' } });

    detach();
    await done;
    const request = source.requests[0]!;
    expect(request.signal.aborted).toBe(true);
    // the body was cancelled: nothing more can be fed into it
    expect(source.push('tial"')).toBe(false);
    const told = seen.length;

    store.attach();
    expect(store.getSnapshot()).toMatchObject({
      status: 'aborted',
      object: { title: 'par' },
      error: undefined,
    });
    // the listeners hear of the change made while detached, once
    expect(seen.length).toBe(told + 1);
    expect(seen.at(-1)).toBe(store.getSnapshot());
    expect(finished).toEqual([]);
    // nothing is running: stop changes nothing
    const before = store.getSnapshot();
    store.stop();
    expect(store.getSnapshot()).toBe(before);

    // and the store works again
    const again = store.submit(undefined);
    await tick();
    expect(source.requests).toHaveLength(2);
    source.push('{"title":"new","tags":[]}');
    source.end();
    await again;
    expect(store.getSnapshot()).toMatchObject({ status: 'success', data: { title: 'new', tags: [] } });
    expect(finished).toHaveLength(1);
  });

  it('a detach while the fetcher runs cancels the body it then returns', async () => {
    let cancelled: unknown;
    let resolveFetch: (body: ReadableStream<string>) => void = () => {};
    const store = new PartialObjectStore({
      schema: Schema,
      // a fetcher that does not pass the signal on
      fetcher: () => new Promise<ReadableStream<string>>((resolve) => (resolveFetch = resolve)),
    });
    const detach = store.attach();
    const done = store.submit(undefined);
    await tick();
    detach();
    resolveFetch(
      new ReadableStream<string>({
        cancel(reason) {
          cancelled = reason ?? 'cancelled';
        },
      }),
    );
    await done;
    expect(cancelled).toBeDefined();
    store.attach();
    expect(store.getSnapshot().status).toBe('aborted');
  });

  it('attach without a change while detached tells no one', async () => {
    const store = new PartialObjectStore({ schema: Schema, fetcher: () => ['{"title":"x","tags":[]}'] });
    await store.submit(undefined);
    const detach = store.attach();
    const seen = record(store);
    detach();
    store.attach();
    expect(seen).toEqual([]);
    expect(store.getSnapshot().status).toBe('success');
  });
});

describe('every failure of a stream is a PartialKitError (issue 18 item 25)', () => {
  let server: Server;
  let url: string;
  /** What the next request is answered with; the response is kept so a test can cut its socket. */
  let answer: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  let response: ServerResponse | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      response = res;
      // the request body is read first: closing a socket with unread input sends a reset at once
      req.resume();
      req.on('end', () => answer(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const bodies = [
    { format: 'text/plain', type: 'text/plain', first: '{"title":"Hel' },
    {
      format: "partialkit's SSE protocol",
      type: 'text/event-stream',
      first: encodeProtocolEvent({ type: 'text', text: '{"title":"Hel' }),
    },
  ];
  for (const { format, type, first } of bodies) {
    it(`a connection dropped mid-body (${format}) is a NetworkError, and the partial is kept`, async () => {
      answer = (_req, res) => {
        res.writeHead(200, { 'content-type': type });
        res.write(first);
      };
      const errors: unknown[] = [];
      const store = new PartialObjectStore({
        schema: Schema,
        fetcher: url,
        throttle: 0,
        // the first part was parsed: now the server's socket goes, mid-body
        onUpdate: (o) => {
          if ((o as { title?: string }).title === 'Hel') response?.socket?.destroy();
        },
        onError: (e) => errors.push(e),
      });
      await expect(store.submit({ q: 1 })).resolves.toBeUndefined();
      const state = store.getSnapshot();
      expect(state.status).toBe('error');
      expect(state.error).toBeInstanceOf(NetworkError);
      expect(state.error).toBeInstanceOf(PartialKitError);
      expect(state.error?.cause).toBeInstanceOf(TypeError);
      expect(state.error?.message).toMatch(/^The connection was lost: /);
      expect(state.object).toEqual({ title: 'Hel' });
      expect(errors).toEqual([state.error]);
    });
  }

  it('a refused connection is a NetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const store = new PartialObjectStore({ schema: Schema, fetcher: `http://127.0.0.1:${port}/` });
    await store.submit({});
    expect(store.getSnapshot().status).toBe('error');
    expect(store.getSnapshot().error).toBeInstanceOf(NetworkError);
    expect(store.getSnapshot().error?.cause).toBeInstanceOf(TypeError);
    // no response came: not "lost", and with undici's reason
    expect(store.getSnapshot().error?.message).toBe(
      `The request failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it("a TypeError the app's own fetcher throws is passed on as it is: the kit cannot tell a bug from the network", async () => {
    for (const fetcher of [
      (input: { text?: string }) => fetch(`/api?q=${input.text!.trim()}`),
      () => fetch('http://exa mple.org/'),
    ]) {
      const store = new PartialObjectStore({ schema: Schema, fetcher });
      await store.submit({});
      const { error } = store.getSnapshot();
      expect(error).toBeInstanceOf(TypeError);
      expect(error).not.toBeInstanceOf(NetworkError);
    }
  });

  const unreadable: Array<[string, unknown, RegExp]> = [
    ['42', 42, /^The fetcher returned number 42: expected a Response/],
    ['undefined', undefined, /^The fetcher returned undefined: expected a Response/],
    ['a string', '{"title":"x"}', /^The fetcher returned string \{"title":"x"\}: expected a Response/],
    ['{}', {}, /^Expected a Response, a ReadableStream or an \(async\) iterable .*, got an object/],
  ];
  for (const [name, value, message] of unreadable) {
    it(`a fetcher returning ${name} fails with a PartialKitError`, async () => {
      const errors: unknown[] = [];
      const store = new PartialObjectStore({
        schema: Schema,
        fetcher: () => value as never,
        onError: (e) => errors.push(e),
      });
      await expect(store.submit(undefined)).resolves.toBeUndefined();
      const { status, error } = store.getSnapshot();
      expect(status).toBe('error');
      expect(error).toBeInstanceOf(PartialKitError);
      expect(error?.message).toMatch(message);
      expect(errors).toEqual([error]);
    });
  }

  it('an input JSON cannot hold fails as the input, before any request: not a lost connection', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const [input, message] of [
      [{ id: 10n }, /^The input cannot be sent as JSON: .*BigInt/],
      [cyclic, /^The input cannot be sent as JSON: .*circular/],
    ] as const) {
      let requests = 0;
      const store = new PartialObjectStore({
        schema: Schema,
        fetcher: '/api/extract',
        fetch: async () => {
          requests++;
          return new Response('{}');
        },
      });
      await store.submit(input);
      const { status, error } = store.getSnapshot();
      expect(status).toBe('error');
      expect(error).toBeInstanceOf(PartialKitError);
      expect(error).not.toBeInstanceOf(NetworkError);
      expect(error?.message).toMatch(message);
      expect(requests).toBe(0);
    }
  });

  it("passes on the app's own error from its fetcher unchanged", async () => {
    class AuthError extends Error {}
    const own = new AuthError('signed out');
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: async () => {
        throw own;
      },
    });
    await store.submit(undefined);
    expect(store.getSnapshot().error).toBe(own);
  });
});
