import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { PartialObjectStore } from './partial-object-store.ts';

const Schema = z.object({ title: z.string() });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

/** A browser-like fetch: a relative URL is resolved against the page, and Response.url is absolute. */
function server() {
  const log: string[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    log.push(`${method} ${String(url)}`);
    if (method === 'DELETE') return new Response(null, { status: 204 });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(encoder.encode(encodeProtocolEvent({ type: 'text', text: '{"title":"Hel', id: '13' })));
      },
      pull: () => new Promise(() => {}), // the model is still writing
    });
    const response = new Response(body, {
      headers: {
        'content-type': 'text/event-stream',
        'x-partialkit-stream-id': 'abc',
        'x-partialkit-resume': '/api/extract/abc',
      },
    });
    Object.defineProperty(response, 'url', { value: new URL(String(url), 'https://app.example').href });
    return response;
  };
  return { log, fetch: fetch as typeof globalThis.fetch };
}

/** Resuming the stream a run already follows is no reason to cancel it on the server. */
describe('resume(id) of the stream being followed', () => {
  it('a second resume(id) once the first response arrived (its URL made absolute) sends no DELETE', async () => {
    const { log, fetch } = server();
    const store = new PartialObjectStore({ schema: Schema, fetcher: '/api/extract', fetch, throttle: 0 });
    void store.resume('abc');
    await until(() => store.getSnapshot().object?.title === 'Hel');
    void store.resume('abc');
    await new Promise((r) => setTimeout(r, 30));
    expect(log.filter((l) => l.startsWith('DELETE'))).toEqual([]);
  });

  it('resume(id) of the stream a submit is following sends no DELETE; resume of another id does', async () => {
    const { log, fetch } = server();
    const store = new PartialObjectStore({ schema: Schema, fetcher: '/api/extract', fetch, throttle: 0 });
    void store.submit({});
    await until(() => store.getSnapshot().streamId === 'abc');
    void store.resume('abc');
    await until(() => store.getSnapshot().object?.title === 'Hel');
    void store.resume('xyz');
    await new Promise((r) => setTimeout(r, 30));
    expect(log.filter((l) => !l.startsWith('GET /api/extract/xyz'))).toEqual([
      'POST /api/extract',
      'GET /api/extract/abc',
      'DELETE https://app.example/api/extract/abc',
    ]);
    store.stop();
  });

  it('resume(id) shows the id it follows from the start (an app storing it never sees it cleared); by URL, the response names it', async () => {
    const { fetch } = server();
    const store = new PartialObjectStore({ schema: Schema, fetcher: '/api/extract', fetch, throttle: 0 });
    const ids: Array<string | undefined> = [];
    store.subscribe(() => ids.push(store.getSnapshot().streamId));
    void store.resume('abc');
    await until(() => store.getSnapshot().object?.title === 'Hel');
    expect(new Set(ids)).toEqual(new Set(['abc']));
    ids.length = 0;
    void store.resume('/api/extract/abc'); // by URL: the id is the response's to name
    await until(() => ids.includes('abc'));
    expect(ids[0]).toBeUndefined();
    store.stop();
  });
});
