import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { RESUME_URL_HEADER, STREAM_ID_HEADER } from '../decode/resume.ts';
import { PartialKitError } from '../errors.ts';
import { PartialObjectStore } from './partial-object-store.ts';

const Schema = z.object({ title: z.string() });
const sse = { 'content-type': 'text/event-stream' };
const original = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = original;
});

/** A resumable response that sends `events` and then drops the connection (a bare TypeError). */
function cutResponse(events: string[]): Response {
  const enc = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < events.length) controller.enqueue(enc.encode(events[i++]!));
      else controller.error(new TypeError('terminated'));
    },
  });
  return new Response(body, { headers: { ...sse, [RESUME_URL_HEADER]: 'http://host/api/s/1' } });
}

describe('reconnect bookkeeping', () => {
  it('a resume that only carries `done` ends in success with reconnects 0', async () => {
    globalThis.fetch = (async () =>
      new Response(encodeProtocolEvent({ type: 'done' }), { headers: sse })) as typeof fetch;
    const statuses: string[] = [];
    const store = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      reconnect: { baseDelayMs: 1 },
      fetcher: () => cutResponse([encodeProtocolEvent({ type: 'text', text: '{"title":"all"}', id: '15' })]),
    });
    store.subscribe(() => statuses.push(`${store.getSnapshot().status}/${store.getSnapshot().reconnects}`));
    await store.submit(undefined);
    const s = store.getSnapshot();
    expect(s.status).toBe('success');
    expect(s.data).toEqual({ title: 'all' });
    expect(s.reconnects).toBe(0);
  });

  it('a detach while reconnecting leaves aborted with reconnects 0', async () => {
    let resolveFetch: (r: Response) => void = () => {};
    globalThis.fetch = (() => new Promise<Response>((r) => (resolveFetch = r))) as typeof fetch;
    const store = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      reconnect: { baseDelayMs: 1 },
      fetcher: () => cutResponse([encodeProtocolEvent({ type: 'text', text: '{"title":"pa', id: '12' })]),
    });
    const detach = store.attach();
    const done = store.submit(undefined);
    for (let i = 0; i < 20 && store.getSnapshot().status !== 'reconnecting'; i++)
      await new Promise((r) => setTimeout(r, 2));
    expect(store.getSnapshot().status).toBe('reconnecting');
    detach();
    resolveFetch(new Response('', { headers: sse }));
    await done;
    store.attach();
    expect(store.getSnapshot().status).toBe('aborted');
    expect(store.getSnapshot().reconnects).toBe(0);
  });
});

describe('the fetch option: every request the store makes itself', () => {
  const servers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of servers.splice(0)) await close();
  });

  /** A server that answers only `authorization: Bearer secret` (else 401), logging method, path and token. */
  async function guarded(answer: (req: IncomingMessage, res: ServerResponse) => void) {
    const log: string[] = [];
    const server = createServer((req, res) => {
      log.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      req.resume();
      if (req.headers.authorization !== 'Bearer secret') {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('unauthorized');
        return;
      }
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    return { log, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }
  const authorized = (url: string, init: RequestInit) =>
    fetch(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: 'Bearer secret' },
    });

  it('a URL fetcher POST, the reconnect after a cut and resume(id) carry the headers it adds', async () => {
    const { log, base } = await guarded((req, res) => {
      res.writeHead(200, { ...sse, [RESUME_URL_HEADER]: '/extract/7', [STREAM_ID_HEADER]: '7' });
      if (req.method === 'POST') {
        res.write(encodeProtocolEvent({ type: 'text', text: '{"title":"Hel', id: '13' }));
        setTimeout(() => res.socket?.destroy(), 20); // the connection drops mid-stream
      } else {
        const from = req.headers['last-event-id'] === '13' ? 'lo"}' : '{"title":"Hello"}';
        res.end(
          encodeProtocolEvent({ type: 'text', text: from, id: '23' }) + encodeProtocolEvent({ type: 'done' }),
        );
      }
    });
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: `${base}/extract`,
      fetch: authorized,
      throttle: 0,
      reconnect: { baseDelayMs: 5 },
    });
    await store.submit({});
    expect([store.getSnapshot().status, store.getSnapshot().data]).toEqual(['success', { title: 'Hello' }]);
    await store.resume('7');
    expect([store.getSnapshot().status, store.getSnapshot().data]).toEqual(['success', { title: 'Hello' }]);
    expect(log).toEqual([
      'POST /extract Bearer secret',
      'GET /extract/7 Bearer secret',
      'GET /extract/7 Bearer secret',
    ]);
  });

  it("stop's DELETE of a resumable stream carries them too", async () => {
    const { log, base } = await guarded((req, res) => {
      if (req.method === 'DELETE') {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(200, { ...sse, [RESUME_URL_HEADER]: '/extract/8', [STREAM_ID_HEADER]: '8' });
      res.write(encodeProtocolEvent({ type: 'text', text: '{"title":"Hel', id: '13' }));
    });
    let stopped = false;
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: `${base}/extract`,
      fetch: authorized,
      throttle: 0,
      onUpdate: () => {
        if (stopped) return;
        stopped = true;
        store.stop();
      },
    });
    await store.submit({});
    for (let i = 0; i < 100 && log.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(log).toEqual(['POST /extract Bearer secret', 'DELETE /extract/8 Bearer secret']);
    expect(store.getSnapshot().status).toBe('aborted');
  });
});

describe("a fetch option that throws at once, on stop()'s DELETE", () => {
  it('is reported, as one that rejects is; stop() itself never throws', async () => {
    // A token getter that fails once the session expired, inside the app's Stop click handler.
    const expired = new Error('session expired');
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(
            new TextEncoder().encode(encodeProtocolEvent({ type: 'text', text: '{"title":"He', id: '12' })),
          );
        },
      });
      const store = new PartialObjectStore({
        schema: Schema,
        fetcher: () =>
          new Response(body, {
            headers: { ...sse, [RESUME_URL_HEADER]: 'http://127.0.0.1:9/extract/1', [STREAM_ID_HEADER]: '1' },
          }),
        fetch: () => {
          throw expired;
        },
        throttle: 0,
      });
      void store.submit(null);
      for (let i = 0; i < 50 && store.getSnapshot().object === undefined; i++)
        await new Promise((r) => setTimeout(r, 5));
      expect(store.getSnapshot().object).toEqual({ title: 'He' });
      expect(() => store.stop()).not.toThrow();
      await new Promise((r) => setTimeout(r, 0));
      expect(store.getSnapshot().status).toBe('aborted');
      expect(reported).toHaveBeenCalledTimes(1);
      expect((reported.mock.calls[0]![0] as Error).cause).toBe(expired);
    } finally {
      reported.mockRestore();
    }
  });
});

describe('resume(id) with nowhere to resume it', () => {
  it('a function fetcher without the resumeUrl option fails the run; resume itself never throws', async () => {
    const store = new PartialObjectStore({ schema: Schema, fetcher: () => new Response('{}') });
    const resumed = store.resume('abc');
    await expect(resumed).resolves.toBeUndefined();
    const { status, error } = store.getSnapshot();
    expect(status).toBe('error');
    expect(error).toBeInstanceOf(PartialKitError);
    expect(error?.message).toBe('resume(id) needs the resumeUrl option when the fetcher is a function');
  });
});

describe('resume(id) over real HTTP: a first GET cut before its headers', () => {
  it('is retried as a dropped stream is (the URL is known), and the text arrives whole', async () => {
    const gets: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      gets.push(`${req.method} ${req.url} ${req.headers['last-event-id'] ?? '-'}`);
      // The reloaded page's first GET: the connection drops before the server answered.
      if (gets.length === 1) return void req.socket.destroy();
      res.writeHead(200, { ...sse, [STREAM_ID_HEADER]: 'abc' });
      res.end(
        encodeProtocolEvent({ type: 'text', text: '{"title":"Hel', id: '13' }) +
          encodeProtocolEvent({ type: 'text', text: 'lo"}', id: '17' }) +
          encodeProtocolEvent({ type: 'done', id: '17' }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const statuses: string[] = [];
      const store = new PartialObjectStore({
        schema: Schema,
        throttle: 0,
        reconnect: { baseDelayMs: 5 },
        fetcher: `${base}/api/extract`,
        resumeUrl: (id) => `${base}/api/extract/${id}`,
      });
      store.subscribe(() => statuses.push(store.getSnapshot().status));
      await store.resume('abc');
      expect(store.getSnapshot()).toMatchObject({
        status: 'success',
        data: { title: 'Hello' },
        error: undefined,
      });
      expect(gets).toEqual(['GET /api/extract/abc -', 'GET /api/extract/abc -']);
      expect(statuses).toContain('reconnecting');
      // Without reconnects, the cut is the run's error, as for a submit.
      gets.length = 0;
      const once = new PartialObjectStore({
        schema: Schema,
        throttle: 0,
        reconnect: false,
        fetcher: `${base}/api/extract`,
        resumeUrl: (id) => `${base}/api/extract/${id}`,
      });
      await once.resume('abc');
      expect(once.getSnapshot()).toMatchObject({ status: 'error', error: { name: 'NetworkError' } });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
