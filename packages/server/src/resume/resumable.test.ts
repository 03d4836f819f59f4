import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode, PartialObjectStore, type PartialState, ProviderError } from '@partialkit/core';
import { replayResponse } from '@partialkit/replay';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { cutPoints, type DroppingProxy, startDroppingProxy } from '@partialkit/test-utils/dropping-proxy';
import { fixture } from '@partialkit/test-utils/fixtures';
import { extendsValue } from '@partialkit/test-utils/harness';
import { afterEach, describe, expect, it } from 'vitest';
import '@partialkit/core/providers';
import { toNodeHandler } from '../node/node.ts';
import { MemoryResumeStore } from './memory-resume-store.ts';
import { cancelResponse, resumeOffset, resumeResponse, toResumableResponse } from './resumable.ts';
import type { ResumeStore } from './resume-store.ts';

const recording = fixture('conference-extraction.sse');

interface App {
  server: Server;
  port: number;
  /** Upstream (model) calls made, and how many of them were aborted. */
  calls: number;
  aborted: number;
}

/** The routes of a resumable extraction: POST starts it, GET /:id resumes, DELETE /:id cancels. */
async function startApp(store: ResumeStore, msPerEvent = 2): Promise<App> {
  const app = { calls: 0, aborted: 0 } as App;
  const handler = toNodeHandler(async (request) => {
    const { pathname } = new URL(request.url);
    const id = pathname.split('/')[2];
    if (request.method === 'POST') {
      return toResumableResponse(
        ({ signal }) => {
          app.calls++;
          signal.addEventListener('abort', () => app.aborted++);
          return replayResponse(recording, { speed: 1, untimedIntervalMs: msPerEvent, signal });
        },
        { store, resumeUrl: (streamId) => `/extract/${streamId}` },
      );
    }
    if (!id) return new Response('not found', { status: 404 });
    if (request.method === 'DELETE') return cancelResponse(id, { store });
    return resumeResponse(id, resumeOffset(request), { store });
  });
  app.server = createServer(handler);
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  app.port = (app.server.address() as AddressInfo).port;
  return app;
}

const open: Array<{ close(): Promise<void> } | Server> = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    if ('closeAllConnections' in o) {
      o.closeAllConnections();
      await new Promise((r) => o.close(r));
    } else await o.close();
  }
});

describe('resumable streams over a connection that drops', () => {
  it.each([1, 2, 3, 4, 5])(
    'cut every 400–1 800 bytes (seed %i): the final object is the uninterrupted one, snapshots stay monotone, the model is called once',
    async (seed) => {
      const store = new MemoryResumeStore();
      const app = await startApp(store);
      const next = cutPoints(seed);
      const proxy: DroppingProxy = await startDroppingProxy({ host: '127.0.0.1', port: app.port }, () =>
        next(),
      );
      open.push(app.server, proxy);
      const client = new PartialObjectStore({
        schema: MeetingInfo,
        fetcher: `${proxy.url}/extract`,
        throttle: 0,
        reconnect: { baseDelayMs: 5, maxAttempts: 10 },
      });
      const states: Array<PartialState<unknown, unknown>> = [];
      client.subscribe(() => states.push(client.getSnapshot()));
      await client.submit({ text: 'meeting notes' });
      const last = client.getSnapshot();
      expect(last.error).toBeUndefined();
      expect(last.status).toBe('success');
      expect(last.data).toEqual(MEETING_RESULT);
      expect(proxy.drops).toBeGreaterThanOrEqual(2);
      expect(states.some((s) => s.status === 'reconnecting')).toBe(true);
      expect(app.calls).toBe(1);
      // Monotone: each object extends the one before (strings grow, containers gain, no value changes).
      const objects = states.map((s) => s.object).filter((o) => o !== undefined);
      for (let i = 1; i < objects.length; i++) expect(extendsValue(objects[i - 1], objects[i])).toBe(true);
      // Completed participants keep their identity across the reconnects.
      const final = last.object as { users: object[] };
      const firstWithAll = objects.find((o) => (o as { users?: unknown[] }).users?.length === 3) as {
        users: object[];
      };
      expect(firstWithAll.users[0]).toBe(final.users[0]);
    },
  );

  it('stop() cancels the generation on the server, within one chunk', async () => {
    const store = new MemoryResumeStore();
    const app = await startApp(store, 20);
    open.push(app.server);
    const client = new PartialObjectStore({
      schema: MeetingInfo,
      fetcher: `http://127.0.0.1:${app.port}/extract`,
      throttle: 0,
    });
    const done = client.submit({ text: 'x' });
    while ((client.getSnapshot().object as { users?: unknown[] } | undefined)?.users === undefined)
      await new Promise((r) => setTimeout(r, 5));
    client.stop();
    await done;
    const deadline = Date.now() + 2000;
    while (app.aborted === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(app.aborted).toBe(1);
    expect(client.getSnapshot().status).toBe('aborted');
  });

  it('a reload resumes a stream by its id; an unknown id is a clear 404', async () => {
    const store = new MemoryResumeStore();
    const app = await startApp(store, 5);
    open.push(app.server);
    const base = `http://127.0.0.1:${app.port}/extract`;
    const first = new PartialObjectStore({ schema: MeetingInfo, fetcher: base, throttle: 0 });
    const running = first.submit({ text: 'x' });
    while (first.getSnapshot().streamId === undefined) await new Promise((r) => setTimeout(r, 5));
    const id = first.getSnapshot().streamId!;
    first.attach()(); // the page goes away: the connection drops, the generation goes on
    await running;
    const reloaded = new PartialObjectStore({ schema: MeetingInfo, fetcher: base, throttle: 0 });
    await reloaded.resume(id);
    expect(reloaded.getSnapshot().data).toEqual(MEETING_RESULT);
    expect(app.calls).toBe(1);
    const lost = new PartialObjectStore({ schema: MeetingInfo, fetcher: base, throttle: 0 });
    await lost.resume('no-such-stream');
    expect(lost.getSnapshot().status).toBe('error');
    expect(lost.getSnapshot().error).toMatchObject({ name: 'HTTPError', status: 404 });
    // The message is the server's error event, not its SSE framing.
    expect(lost.getSnapshot().error?.message).toMatch(/^HTTP 404( Not Found)?: No stream .*no-such-stream/);
  });
});

describe('resumeResponse with an offset or an id that names nothing', () => {
  async function* answer() {
    yield '{"a":';
    yield '1}';
  }

  async function settled(response: Response): Promise<{ text: string; error: unknown }> {
    let text = '';
    try {
      for await (const e of decode(response)) if (e.type === 'text') text += e.text;
    } catch (error) {
      return { text, error };
    }
    return { text, error: undefined };
  }

  it('a store whose read fails is a 503 with a stream_unavailable event; its own message stays on the server', async () => {
    const store = new MemoryResumeStore();
    const failing: ResumeStore = {
      create: (id) => store.create(id),
      append: (id, entry) => store.append(id, entry),
      onCancel: (id, listener) => store.onCancel(id, listener),
      cancel: (id) => store.cancel(id),
      read: () => Promise.reject(new Error('ECONNREFUSED 10.0.0.7:6379 (internal host)')),
    };
    const response = await resumeResponse('any', 0, { store: failing });
    expect(response.status).toBe(503);
    const { error } = await settled(response);
    expect(error).toMatchObject({ name: 'HTTPError', status: 503 });
    expect((error as Error).message).toContain('The resume store failed');
    expect((error as Error).message).not.toContain('ECONNREFUSED');
  });

  it('entries that fail with stream_unavailable (the store stopped following) end the body with no end event: a cut, not an answer', async () => {
    const store = new MemoryResumeStore();
    const stopped: ResumeStore = {
      create: (id) => store.create(id),
      append: (id, entry) => store.append(id, entry),
      onCancel: (id, listener) => store.onCancel(id, listener),
      cancel: (id) => store.cancel(id),
      read: async () => ({
        status: 'found',
        entries: (async function* () {
          yield { offset: 2, event: { type: 'text', text: '[1' } } as const;
          throw new ProviderError('stream_unavailable', 'The resume store was closed');
        })(),
      }),
    };
    const body = await (await resumeResponse('s', 0, { store: stopped })).text();
    expect(body).toContain('data: "[1"');
    expect(body).not.toContain('event: error');
    expect(body).not.toContain('event: done');
    // Read by a client that does not resume, it is a dropped connection.
    const { text, error } = await settled(await resumeResponse('s', 0, { store: stopped }));
    expect(text).toBe('[1');
    expect(error).toMatchObject({ name: 'NetworkError' });
  });

  it('an offset past the end of the stream (7 characters) is an offset_out_of_range error, not a silent done', async () => {
    const store = new MemoryResumeStore();
    await (await toResumableResponse(answer, { store, id: 's1' })).text();
    expect(await settled(await resumeResponse('s1', 7, { store }))).toEqual({ text: '', error: undefined });
    expect(await settled(await resumeResponse('s1', 3, { store }))).toEqual({
      text: '":1}',
      error: undefined,
    });
    const past = await settled(await resumeResponse('s1', 100, { store }));
    expect(past.error).toBeInstanceOf(ProviderError);
    expect(past.error).toMatchObject({ type: 'offset_out_of_range' });
  });

  it('a Last-Event-ID that is no offset is a 400 invalid_offset, never the whole stream again from 0', async () => {
    const store = new MemoryResumeStore();
    await (await toResumableResponse(answer, { store, id: 's1' })).text();
    const offsetOf = (id: string | undefined, query = '') =>
      resumeOffset(
        new Request(
          `http://127.0.0.1/s1${query}`,
          id === undefined ? {} : { headers: { 'last-event-id': id } },
        ),
      );
    expect([offsetOf(undefined), offsetOf(''), offsetOf('3'), offsetOf(undefined, '?offset=2')]).toEqual([
      0, 0, 3, 2,
    ]);
    // An empty header (sent before any id by some clients and proxies) leaves the query its say.
    expect([offsetOf('', '?offset=7'), offsetOf(' ', '?offset=7'), offsetOf('3', '?offset=7')]).toEqual([
      7, 7, 3,
    ]);
    for (const id of ['garbage', '12abc', '1'.repeat(400), '-3', '1.5', '1e3']) {
      const offset = offsetOf(id);
      expect(offset).toBeNaN();
      const response = await resumeResponse('s1', offset, { store });
      expect(response.status).toBe(400);
      const got = await settled(response);
      expect(got.text).toBe('');
      expect(got.error).toMatchObject({ status: 400, message: expect.stringMatching(/resume offset/) });
    }
    // An app that passes its own bad offset gets the same answer.
    expect((await resumeResponse('s1', -1, { store })).status).toBe(400);
  });

  it('a reader of a silent stream whose client left is released at once, not at the next delta', async () => {
    const store = new MemoryResumeStore();
    await store.create('silent');
    await store.append('silent', { offset: 6, event: { type: 'text', text: '{"a":"' } });
    const log = (store as unknown as { logs: Map<string, { waiters: Set<unknown> }> }).logs.get('silent')!;
    for (let i = 0; i < 5; i++) {
      const response = await resumeResponse('silent', 0, { store });
      const reader = response.body!.getReader();
      const seen = new TextDecoder();
      let text = '';
      // The comment, then the text: after it the reader waits on the silent log.
      while (!text.includes('{\\"a\\":\\"')) text += seen.decode((await reader.read()).value);
      // A read that waits (the response is pulled only as the client reads).
      const pending = reader.read();
      await new Promise((r) => setTimeout(r, 10));
      expect(log.waiters.size).toBe(1);
      await reader.cancel();
      expect((await pending).done).toBe(true);
      await new Promise((r) => setTimeout(r, 10));
      expect(log.waiters.size).toBe(0);
    }
  });

  it('an id no header can carry (a newline decoded from a URL path) is a 404; as a new stream’s id it is refused', async () => {
    const store = new MemoryResumeStore();
    const id = decodeURIComponent('abc%0Adef');
    const response = await resumeResponse(id, 0, { store, resumeUrl: (i) => `/api/streams/${i}` });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('"type":"stream_not_found"');
    await expect(toResumableResponse(answer, { store, id })).rejects.toThrow('cannot be a header value');
    expect((await store.read(id, 0)).status).toBe('unknown');
  });

  it('an id a header would change (spaces around it are trimmed) is refused, not sent back as another id', async () => {
    const store = new MemoryResumeStore();
    for (const id of [' s1', 's2\t']) {
      await expect(toResumableResponse(answer, { store, id })).rejects.toThrow('cannot be a header value');
      expect((await resumeResponse(id, 0, { store })).status).toBe(404);
    }
  });
});

describe('a resumable stream that outgrows its store', () => {
  const sse = (s: string) => new Response(s, { headers: { 'content-type': 'text/event-stream' } });

  /** A client's view of a response: the text it was sent, and the error it ends with. */
  async function clientView(response: Response) {
    let text = '';
    let error: { name: string; type: string } | undefined;
    try {
      for await (const e of decode(sse(await response.text()), { format: 'partialkit' }))
        if (e.type === 'text') text += e.text;
    } catch (e) {
      error = { name: (e as Error).name, type: (e as ProviderError).type };
    }
    return { text, error };
  }

  it('sends a prefix of the generated text, then stream_too_large where it ends; never text with a hole', async () => {
    // 200 characters: the first delta takes 10 + 48, the second (100 + 48) does not fit, the third
    // (2 + 48) would.
    const store = new MemoryResumeStore({ maxChars: 200 });
    let pulled = 0;
    let released = false;
    const live = await toResumableResponse(
      async function* () {
        try {
          for (const delta of ['{"t":"aaaa', 'b'.repeat(100), '"}', ...Array(100).fill(' ')]) {
            pulled++;
            yield delta;
          }
        } finally {
          released = true;
        }
      },
      { store, id: 'hole' },
    );
    // Before: {"t":"aaaa"} — a complete, valid object missing its 100 b's — and only then the error.
    const expected = { text: '{"t":"aaaa', error: { name: 'ProviderError', type: 'stream_too_large' } };
    expect(await clientView(live)).toEqual(expected);
    expect(await clientView(await resumeResponse('hole', 0, { store }))).toEqual(expected);
    // The log: the text that fitted, and the error at the offset where that text ends.
    const read = await store.read('hole', 0);
    const log: unknown[] = [];
    if (read.status === 'found') for await (const entry of read.entries) log.push(entry);
    expect(log).toEqual([
      { offset: 10, event: { type: 'text', text: '{"t":"aaaa' } },
      {
        offset: 10,
        event: {
          type: 'error',
          error: {
            type: 'stream_too_large',
            message: 'The stream outgrew the resume store (200 characters over all streams)',
          },
        },
      },
    ]);
    // The generation stops at the event after the refusal, not when its window of appends is settled.
    expect({ pulled, released }).toEqual({ pulled: 3, released: true });
  });
});

describe('a resumable stream that cannot start', () => {
  async function* answer() {
    yield '{"a":1}';
  }

  /** The error a resume of `id` ends with, or 'no end' when it is still waiting after 1 s. */
  async function resumeEnd(store: ResumeStore, id: string): Promise<string> {
    const response = await resumeResponse(id, 0, { store, heartbeatMs: 0 });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline && !text.includes('event: error')) {
      const next = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(r, 100))]);
      if (next?.done) break;
      if (next?.value) text += decoder.decode(next.value, { stream: true });
    }
    await reader.cancel();
    return /"type":"([a-z_]+)"/.exec(text.slice(text.indexOf('event: error')))?.[1] ?? 'no end';
  }

  it('a store that cannot listen for cancels (a Redis subscriber that cannot connect) starts no model call and ends the log', async () => {
    const memory = new MemoryResumeStore();
    const store: ResumeStore = {
      create: (id) => memory.create(id),
      append: (id, entry) => memory.append(id, entry),
      read: (id, offset, signal) => memory.read(id, offset, signal),
      cancel: (id) => memory.cancel(id),
      onCancel: async () => {
        throw new Error('subscriber connection refused');
      },
    };
    let calls = 0;
    const generate = () => {
      calls++;
      return answer();
    };
    await expect(toResumableResponse(generate, { store, id: 's1' })).rejects.toThrow(
      'subscriber connection refused',
    );
    expect(calls).toBe(0);
    // A client that learned the id some other way is told, not left waiting for a generation that never runs.
    expect(await resumeEnd(memory, 's1')).toBe('stream_unavailable');
  });

  it('a store that cannot follow the log starts no model call, and stops listening for cancels', async () => {
    const memory = new MemoryResumeStore();
    let listening = 0;
    const store: ResumeStore = {
      create: (id) => memory.create(id),
      append: (id, entry) => memory.append(id, entry),
      read: async () => {
        throw new Error('read refused');
      },
      cancel: (id) => memory.cancel(id),
      onCancel: async (id, listener) => {
        listening++;
        const off = await memory.onCancel(id, listener);
        return () => {
          listening--;
          off();
        };
      },
    };
    let calls = 0;
    const generate = () => {
      calls++;
      return answer();
    };
    await expect(toResumableResponse(generate, { store, id: 's1' })).rejects.toThrow('read refused');
    expect({ calls, listening }).toEqual({ calls: 0, listening: 0 });
    expect(await resumeEnd(memory, 's1')).toBe('stream_unavailable');
  });

  it('a request whose client already left aborts the generation at once: nobody has the id to resume it', async () => {
    const store = new MemoryResumeStore();
    const client = new AbortController();
    client.abort();
    const request = new Request('http://127.0.0.1/extract', { method: 'POST', signal: client.signal });
    const signals: boolean[] = [];
    const generate = ({ signal }: { signal: AbortSignal }) => {
      signals.push(signal.aborted);
      return answer();
    };
    await toResumableResponse(generate, { store, id: 's1', request });
    expect(await resumeEnd(store, 's1')).toBe('cancelled');
    // Without `request`, a client that left is a dropped connection: the generation runs, to be resumed.
    await (await toResumableResponse(generate, { store, id: 's2' })).body!.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(signals).toEqual([true, false]);
  });

  it('an upstream made before the generation (the route fetched it first) is released when the client already left', async () => {
    for (const aborted of ['request', 'signal'] as const) {
      const store = new MemoryResumeStore();
      let cancelled = false;
      const upstream = new Response(
        new ReadableStream<Uint8Array>({
          pull: () => new Promise(() => {}), // a slow first token
          cancel() {
            cancelled = true;
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
      const gone = new AbortController();
      gone.abort();
      const init =
        aborted === 'request'
          ? { request: new Request('http://127.0.0.1/extract', { method: 'POST', signal: gone.signal }) }
          : { signal: gone.signal };
      const response = await toResumableResponse(() => upstream, {
        store,
        id: 'u1',
        heartbeatMs: 0,
        ...init,
      });
      await response.body?.cancel();
      await new Promise((r) => setTimeout(r, 50));
      expect({ aborted, cancelled }).toEqual({ aborted, cancelled: true });
    }
  });

  it('over HTTP: a client that leaves while the route awaits (auth, a lookup) starts no model call', async () => {
    const store = new MemoryResumeStore();
    let arrived = false;
    let returned = false;
    let calls = 0;
    const server = createServer(
      toNodeHandler(async (request) => {
        arrived = true;
        await new Promise((r) => setTimeout(r, 100));
        returned = true;
        return toResumableResponse(
          ({ signal }) => {
            if (!signal.aborted) calls++; // a model call made with the signal would leave
            return answer();
          },
          { store, id: 's1', request },
        );
      }),
    );
    open.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new AbortController();
    const response = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/extract`, {
      method: 'POST',
      signal: client.signal,
    }).catch(() => undefined);
    while (!arrived) await new Promise((r) => setTimeout(r, 5));
    client.abort();
    await response;
    while (!returned) await new Promise((r) => setTimeout(r, 5));
    expect(await resumeEnd(store, 's1')).toBe('cancelled');
    expect(calls).toBe(0);
  });
});
