/**
 * The client side of resumable streams (decodeResumable + the stores) against the real server
 * (`resumeResponse`, `toResumableResponse`) over real HTTP on 127.0.0.1.
 * Every test here is bounded in time (internal deadlines + a per-test timeout).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type DecodedEvent,
  decodeResumable,
  HTTPError,
  NetworkError,
  PartialObjectStore,
  RESUME_URL_HEADER,
} from '@partialkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { toNodeHandler } from '../node/node.ts';
import { MemoryResumeStore } from './memory-resume-store.ts';
import { cancelResponse, resumeOffset, resumeResponse, toResumableResponse } from './resumable.ts';

const Schema = z.object({ title: z.string() });
const sse = { 'content-type': 'text/event-stream' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const servers: Server[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A server on 127.0.0.1; `handler` gets the connection's number (0-based, one request per test connection). */
async function listen(handler: Handler): Promise<{ base: string; requests: () => number }> {
  let n = 0;
  const server = createServer((req, res) => handler(req, res, n++));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => n,
  };
}

/** Collects events until the end, an error or `ms` (then the signal aborts): bounded in time. */
async function collect(
  make: (signal: AbortSignal) => AsyncIterable<DecodedEvent> | Promise<AsyncIterable<DecodedEvent>>,
  ms: number,
): Promise<{ events: DecodedEvent[]; error: unknown; timedOut: boolean }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('test deadline', 'AbortError'));
  }, ms);
  const events: DecodedEvent[] = [];
  let error: unknown;
  try {
    for await (const e of await make(controller.signal)) events.push(e);
  } catch (caught) {
    error = caught;
  } finally {
    clearTimeout(timer);
  }
  return { events, error, timedOut };
}

/** A log with text 'abc' (offset 3), then a re-ask: reset to attempt 2 at offset 3. */
async function logWithReset(store: MemoryResumeStore, id: string): Promise<void> {
  await store.create(id);
  await store.append(id, { offset: 3, event: { type: 'text', text: 'abc' } });
  await store.append(id, { offset: 3, event: { type: 'reset', attempt: 2 } });
}

/**
 * Resumes stream `s` of `store` once: the first connection drops 80 ms in, and the next attempt's text
 * ('xyz', then the end) arrives after the reconnect. The events decodeResumable yields.
 */
async function resumedOnce(store: MemoryResumeStore) {
  const node = toNodeHandler((request) =>
    resumeResponse('s', resumeOffset(request), { store, resumeUrl: (id) => `/s/${id}`, heartbeatMs: 20 }),
  );
  const { base } = await listen((req, res, n) => {
    if (n === 0) setTimeout(() => req.socket.destroy(), 80);
    else
      void store
        .append('s', { offset: 6, event: { type: 'text', text: 'xyz' } })
        .then(() => store.append('s', { offset: 6, event: { type: 'done' } }));
    node(req, res);
  });
  return collect(
    async (signal) =>
      decodeResumable(await fetch(`${base}/s/s`, { signal }), { signal, reconnect: { baseDelayMs: 1 } }),
    3000,
  );
}

describe('a reset event the client already has', () => {
  it('is sent again on resume (Last-Event-ID = its offset) and decodeResumable yields it once', async () => {
    const store = new MemoryResumeStore();
    await logWithReset(store, 's');
    const { events, error } = await resumedOnce(store);
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: 'text', text: 'abc', id: '3' },
      { type: 'reset', attempt: 2, id: '3' },
      { type: 'text', text: 'xyz', id: '6' },
    ]);
  }, 5000);

  it('two resets at one offset (a re-ask that failed before any text) are each passed on once, in order', async () => {
    const store = new MemoryResumeStore();
    await logWithReset(store, 's');
    await store.append('s', { offset: 3, event: { type: 'reset', attempt: 3 } });
    const { events, error } = await resumedOnce(store);
    expect(error).toBeUndefined();
    // The resume from offset 3 sends both resets again: attempt 2 must not follow attempt 3.
    expect(events).toEqual([
      { type: 'text', text: 'abc', id: '3' },
      { type: 'reset', attempt: 2, id: '3' },
      { type: 'reset', attempt: 3, id: '3' },
      { type: 'text', text: 'xyz', id: '6' },
    ]);
  }, 5000);

  it('makes a reconnect loop that maxAttempts never ends: every resume re-delivers it, and it counts as "back"', async () => {
    const store = new MemoryResumeStore();
    await logWithReset(store, 's'); // the new attempt is silent (the model is slow to start)
    const node = toNodeHandler((request) =>
      resumeResponse('s', resumeOffset(request), { store, resumeUrl: (id) => `/s/${id}`, heartbeatMs: 10 }),
    );
    // A flaky network: every connection drops 40 ms in.
    const { base, requests } = await listen((req, res) => {
      setTimeout(() => req.socket.destroy(), 40);
      node(req, res);
    });
    const reconnects: number[] = [];
    const { error, timedOut } = await collect(
      async (signal) =>
        decodeResumable(await fetch(`${base}/s/s`, { signal }), {
          signal,
          reconnect: { baseDelayMs: 1, maxAttempts: 2 },
          onReconnect: (a) => reconnects.push(a),
        }),
      1500,
    );
    // Expected: connection 0, then 2 reconnects that bring nothing new, then the cut's NetworkError.
    expect({ timedOut, networkError: error instanceof NetworkError, requests: requests() }).toEqual({
      timedOut: false,
      networkError: true,
      requests: 3,
    });
  }, 5000);
});

/** A hand-written resumable SSE server whose first connection sends `retry: <retry>` and one event, then drops. */
async function retryServer(retry: string) {
  const times: { cut?: number; reconnect?: number } = {};
  const server = await listen((req, res, n) => {
    res.writeHead(200, { ...sse, [RESUME_URL_HEADER]: '/s/1' });
    if (n === 0) {
      res.write(`retry: ${retry}\nid: 3\ndata: "abc"\n\n`);
      setTimeout(() => {
        times.cut = Date.now();
        req.socket.destroy();
      }, 30);
    } else {
      times.reconnect = Date.now();
      res.end(`id: 6\ndata: "xyz"\n\nevent: done\ndata: {}\n\n`);
    }
  });
  return { ...server, times };
}

describe("the server's retry: interval", () => {
  it('a retry: past 2^31-1 ms is not a 1 ms reconnect: the wait stays within maxDelayMs but is not skipped', async () => {
    const { base, times } = await retryServer('4294967296');
    const { events, error } = await collect(
      async (signal) =>
        decodeResumable(await fetch(`${base}/s/1`, { signal }), {
          signal,
          reconnect: { baseDelayMs: 1, maxDelayMs: 300 },
        }),
      3000,
    );
    expect(error).toBeUndefined();
    expect(events.map((e) => (e.type === 'text' ? e.text : e.type))).toEqual(['abc', 'xyz']);
    // setTimeout(fn, 2^32) fires after 1 ms (TimeoutOverflowWarning): the server asked for a long wait.
    expect(times.reconnect! - times.cut!).toBeGreaterThanOrEqual(250);
  }, 5000);

  it('a retry: of 60 s is bounded by maxDelayMs (50 ms): the stream is back well within 2 s', async () => {
    const { base } = await retryServer('60000');
    const { events, error, timedOut } = await collect(
      async (signal) =>
        decodeResumable(await fetch(`${base}/s/1`, { signal }), {
          signal,
          reconnect: { baseDelayMs: 1, maxDelayMs: 50 },
        }),
      2000,
    );
    expect({ timedOut, error }).toEqual({ timedOut: false, error: undefined });
    expect(events.map((e) => (e.type === 'text' ? e.text : e.type))).toEqual(['abc', 'xyz']);
  }, 5000);
});

describe('the store while a resumed connection is silent', () => {
  it("is 'streaming' with reconnects 0 once the resume answered 200, not 'reconnecting' until the next event", async () => {
    const store = new MemoryResumeStore();
    await store.create('s');
    await store.append('s', { offset: 13, event: { type: 'text', text: '{"title":"Hel' } });
    const node = toNodeHandler((request) =>
      resumeResponse('s', resumeOffset(request), { store, resumeUrl: (id) => `/s/${id}`, heartbeatMs: 20 }),
    );
    let resumedAt = 0;
    const { base } = await listen((req, res, n) => {
      if (n === 0) setTimeout(() => req.socket.destroy(), 60);
      else {
        resumedAt = Date.now();
        // The model is thinking: heartbeats only for 600 ms, then the rest.
        const t = setTimeout(() => {
          void store
            .append('s', { offset: 17, event: { type: 'text', text: 'lo"}' } })
            .then(() => store.append('s', { offset: 17, event: { type: 'done' } }));
        }, 600);
        cleanups.push(() => clearTimeout(t));
      }
      node(req, res);
    });
    const client = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      reconnect: { baseDelayMs: 1 },
      fetcher: (_: unknown, { signal }) => fetch(`${base}/s/s`, { signal }),
    });
    const done = client.submit(undefined);
    cleanups.push(() => client.reset());
    const deadline = Date.now() + 2000;
    while (!resumedAt && Date.now() < deadline) await sleep(5);
    await sleep(300); // connected for 300 ms, heartbeats flowing
    const { status, reconnects } = client.getSnapshot();
    expect({ status, reconnects }).toEqual({ status: 'streaming', reconnects: 0 });
    await done;
    expect(client.getSnapshot().data).toEqual({ title: 'Hello' });
  }, 5000);
});

describe('a 404 resume response that carries x-partialkit-resume', () => {
  it('is no resumable stream: the failed resume leaves streamId undefined', async () => {
    const store = new MemoryResumeStore();
    const node = toNodeHandler((request) =>
      resumeResponse('gone', resumeOffset(request), { store, resumeUrl: (id) => `/s/${id}` }),
    );
    const { base } = await listen((req, res) => node(req, res));
    const client = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      fetcher: () => Promise.reject(new Error('unused')),
    });
    await client.resume(`${base}/s/gone`);
    const s = client.getSnapshot();
    expect(s.status).toBe('error');
    expect(s.error).toBeInstanceOf(HTTPError);
    expect((s.error as HTTPError).status).toBe(404);
    expect(s.streamId).toBeUndefined();
  }, 5000);
});

/** The resumable extraction app: POST starts a slow generation, GET /:id resumes, DELETE /:id cancels. */
async function resumableApp() {
  const store = new MemoryResumeStore();
  const app = { started: 0, aborted: 0 };
  let closed = false;
  cleanups.push(() => {
    closed = true;
  });
  const node = toNodeHandler(async (request) => {
    const id = new URL(request.url).pathname.split('/')[2];
    if (request.method === 'POST') {
      return toResumableResponse(
        ({ signal }) => {
          app.started++;
          signal.addEventListener('abort', () => app.aborted++);
          return (async function* () {
            yield '{"title":"';
            for (let i = 0; i < 200 && !signal.aborted && !closed; i++) {
              await sleep(20);
              yield 'a';
            }
            yield '"}';
          })();
        },
        { store, resumeUrl: (streamId) => `/extract/${streamId}`, heartbeatMs: 50 },
      );
    }
    if (!id) return new Response('not found', { status: 404 });
    if (request.method === 'DELETE') return cancelResponse(id, { store });
    return resumeResponse(id, resumeOffset(request), { store });
  });
  const { base } = await listen((req, res) => node(req, res));
  return { base, app };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(5);
}

describe('a run that is thrown away client-side also stops the model call (aborts propagate upstream)', () => {
  it('reset() of a running resumable stream cancels it on the server, as stop() does', async () => {
    const { base, app } = await resumableApp();
    const client = new PartialObjectStore({ schema: Schema, fetcher: `${base}/extract`, throttle: 0 });
    const running = client.submit({});
    await until(() => client.getSnapshot().streamId !== undefined, 2000);
    client.reset();
    await running;
    await until(() => app.aborted > 0, 1000);
    expect({ started: app.started, aborted: app.aborted }).toEqual({ started: 1, aborted: 1 });
  }, 5000);

  it('a submit() that supersedes a running resumable stream cancels the old one on the server', async () => {
    const { base, app } = await resumableApp();
    const client = new PartialObjectStore({ schema: Schema, fetcher: `${base}/extract`, throttle: 0 });
    const first = client.submit({});
    await until(() => client.getSnapshot().streamId !== undefined, 2000);
    const firstId = client.getSnapshot().streamId;
    const second = client.submit({});
    await first;
    await until(() => app.aborted > 0, 1000);
    // stop() once the second stream's id arrived: before it, the client cannot name the stream to cancel.
    await until(() => ![undefined, firstId].includes(client.getSnapshot().streamId), 2000);
    client.stop();
    await second;
    await until(() => app.aborted > 1, 1000);
    // The first generation is cancelled by the supersede, the second by stop().
    expect({ started: app.started, aborted: app.aborted }).toEqual({ started: 2, aborted: 2 });
  }, 6000);
});

describe('a resume URL on another origin than the response', () => {
  it("never receives the fetch option's credentials (as fetch drops authorization on a cross-origin redirect)", async () => {
    const seen: string[] = [];
    const other = await listen((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      res.writeHead(200, sse);
      res.end(`id: 6\ndata: "lo\\"}"\n\nevent: done\ndata: {}\n\n`);
    });
    const { base } = await listen((req, res) => {
      req.resume();
      // A response (a proxied upstream, a compromised route) naming another origin as its resume URL.
      res.writeHead(200, { ...sse, [RESUME_URL_HEADER]: `${other.base}/steal` });
      res.write(`id: 13\ndata: ${JSON.stringify('{"title":"Hel')}\n\n`);
      setTimeout(() => req.socket.destroy(), 40);
    });
    const client = new PartialObjectStore({
      schema: Schema,
      fetcher: `${base}/extract`,
      throttle: 0,
      reconnect: { baseDelayMs: 1, maxAttempts: 1 },
      fetch: (url, init) =>
        fetch(url, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: 'Bearer secret' },
        }),
    });
    await client.submit({});
    expect(seen.filter((line) => line.endsWith('Bearer secret'))).toEqual([]);
  }, 5000);
});

describe('a resume header that is no URL', () => {
  it('the answer is read whole and kept: the stream is just not resumable', async () => {
    const { base } = await listen((req, res) => {
      req.resume();
      res.writeHead(200, { ...sse, [RESUME_URL_HEADER]: 'http://[oops' });
      res.end(`: partialkit\n\ndata: ${JSON.stringify('{"title": "Hello"}')}\n\nevent: done\ndata: {}\n\n`);
    });
    const client = new PartialObjectStore({ schema: Schema, fetcher: `${base}/extract`, throttle: 0 });
    await client.submit({});
    const { status, data, error, streamId } = client.getSnapshot();
    expect({ status, data, error, streamId }).toEqual({
      status: 'success',
      data: { title: 'Hello' },
      error: undefined,
      streamId: undefined,
    });
  }, 5000);
});

describe('reconnect options that cannot mean a bound', () => {
  it('maxAttempts: NaN does not reconnect forever against a server that always drops', async () => {
    const { base, requests } = await listen((req, res) => {
      res.writeHead(200, { ...sse, [RESUME_URL_HEADER]: '/s/1' });
      res.write(': hi\n\n');
      setTimeout(() => req.socket.destroy(), 5);
    });
    const { timedOut } = await collect(
      async (signal) =>
        decodeResumable(await fetch(`${base}/s/1`, { signal }), {
          signal,
          reconnect: { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: Number.NaN },
        }),
      1000,
    );
    // Expected: an InvalidOptionError at once, or the default bound (5); never an endless loop.
    expect({ timedOut, atMost6Requests: requests() <= 6 }).toEqual({
      timedOut: false,
      atMost6Requests: true,
    });
  }, 5000);
});
