import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { PartialObjectStore } from './partial-object-store.ts';

const Schema = z.object({ title: z.string() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function failingFetch(okAfter = Infinity) {
  const calls: string[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    calls.push(`${init.method ?? 'GET'} ${url}`);
    if ((init.method ?? 'GET') === 'DELETE') return new Response(null, { status: 204 });
    if (calls.filter((c) => c.startsWith('GET')).length <= okAfter) throw new TypeError('fetch failed');
    return new Response(
      encodeProtocolEvent({ type: 'text', text: '{"title":"x"}', id: '13' }) +
        encodeProtocolEvent({ type: 'done' }),
      {
        headers: { 'content-type': 'text/event-stream' },
      },
    );
  };
  return { calls, fetch };
}

const rejections: unknown[] = [];
process.on('unhandledRejection', (r) => rejections.push(r));

describe('resume(id): a first GET that fails', () => {
  for (const how of ['stop', 'reset'] as const)
    it(`${how}() during the retry's backoff ends it: no later GET, no unhandled rejection`, async () => {
      const { calls, fetch } = failingFetch();
      const store = new PartialObjectStore({
        schema: Schema,
        throttle: 0,
        fetcher: 'http://host/api/x',
        fetch,
        reconnect: { baseDelayMs: 200 },
      });
      const done = store.resume('abc');
      for (let i = 0; i < 50 && store.getSnapshot().status !== 'reconnecting'; i++) await sleep(5);
      expect(store.getSnapshot().status).toBe('reconnecting');
      store[how]();
      await done;
      await sleep(400);
      expect(store.getSnapshot().status).toBe(how === 'stop' ? 'aborted' : 'idle');
      expect(calls.filter((c) => c.startsWith('GET'))).toEqual(['GET http://host/api/x/abc']);
      expect(rejections).toEqual([]);
    });

  it('reconnect: false fails at once with the NetworkError; reconnect: undefined retries as the default', async () => {
    const once = failingFetch();
    const s1 = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      fetcher: 'http://host/api/x',
      fetch: once.fetch,
      reconnect: false,
    });
    await s1.resume('abc');
    expect(s1.getSnapshot()).toMatchObject({ status: 'error', error: { name: 'NetworkError' } });
    expect(once.calls).toEqual(['GET http://host/api/x/abc']);
    const retried = failingFetch(1);
    const s2 = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      fetcher: 'http://host/api/x',
      fetch: retried.fetch,
      reconnect: undefined,
    });
    await s2.resume('abc');
    expect(s2.getSnapshot()).toMatchObject({ status: 'success', data: { title: 'x' } });
  });

  it('maxAttempts bounds the retries of a first GET', async () => {
    const f = failingFetch();
    const s = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      fetcher: 'http://host/api/x',
      fetch: f.fetch,
      reconnect: { maxAttempts: 2, baseDelayMs: 1 },
    });
    await s.resume('abc');
    expect(s.getSnapshot()).toMatchObject({
      status: 'error',
      error: { name: 'NetworkError' },
      reconnects: 0,
    });
    expect(f.calls.filter((c) => c.startsWith('GET'))).toHaveLength(3);
  });

  it('a function fetcher without resumeUrl fails cleanly, no request', async () => {
    const f = failingFetch();
    const s = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      fetcher: () => new Response(''),
      fetch: f.fetch,
    });
    await s.resume('abc');
    expect(s.getSnapshot()).toMatchObject({ status: 'error' });
    expect(f.calls).toEqual([]);
  });
});
