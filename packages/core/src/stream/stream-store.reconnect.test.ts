import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { RESUME_URL_HEADER } from '../decode/resume.ts';
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
