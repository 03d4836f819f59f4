import { PartialObjectStore } from '@partialkit/core';
import { replayResponse } from '@partialkit/replay';
import { toPartialResponse } from '@partialkit/server';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { fixture } from '@partialkit/test-utils/fixtures';
import { describe, expect, it } from 'vitest';
import { StreamRecorder } from './recorder.ts';
import { statsOf } from './timeline.ts';

/** The store reads partialkit's protocol, served from a recording as the demo's API does. */
function setup(name: string, chunking?: number) {
  const recorder = new StreamRecorder();
  const served: Uint8Array[] = [];
  const store = new PartialObjectStore({
    schema: MeetingInfo,
    throttle: 0,
    fetcher: recorder.tap(async (_input: unknown, { signal }) => {
      const body = await toPartialResponse(replayResponse(fixture(name), { speed: 0 }), { signal }).bytes();
      served.push(body);
      return replayResponse(body, { speed: 0, ...(chunking && { chunking }) });
    }),
  });
  const stop = recorder.watch(store);
  return { recorder, store, served, stop };
}

const key = (path: readonly PropertyKey[]) => path.map(String).join('.');

describe('StreamRecorder', () => {
  it('records every field in order of appearance, each closing after it appeared, and the bytes read', async () => {
    const { recorder, store, served } = setup('conference-extraction.sse', 7);
    await store.submit({});
    await new Promise((r) => setTimeout(r, 0)); // the copy's reader finishes its last read
    const t = recorder.getSnapshot();
    expect(t.status).toBe('success');
    expect(t.run).toBe(1);
    expect(t.fields.map((f) => key(f.path))).toEqual([
      'users',
      'users.0',
      'users.0.name',
      'users.0.email',
      'users.0.twitter',
      'users.1',
      'users.1.name',
      'users.1.email',
      'users.1.twitter',
      'users.2',
      'users.2.name',
      'users.2.email',
      'users.2.twitter',
      'date',
      'location',
      'budget',
      'deadline',
    ]);
    for (const f of t.fields) {
      expect(f.closedAt).toBeDefined();
      expect(f.closedAt).toBeGreaterThanOrEqual(f.firstAt);
    }
    // Byte counts are the exact body, in the 7-byte reads of the replay.
    const size = served[0]?.byteLength ?? 0;
    expect(t.bytes).toBe(size);
    expect(t.chunks).toHaveLength(Math.ceil(size / 7));
    expect(t.chars).toBe(JSON.stringify(MEETING_RESULT).length);
    expect(t.issues).toEqual([]);
    expect(statsOf(t).timeToFirstField).toBe(t.fields[0]?.firstAt);
  });

  it('records validation issues when they are found, and a new run starts a new timeline', async () => {
    const { recorder, store } = setup('conference-validation-failure.sse');
    await store.submit({});
    const t = recorder.getSnapshot();
    expect(t.status).toBe('error');
    expect(t.error?.name).toBe('ValidationError');
    expect(t.issues.map((i) => key(i.issue.path))).toEqual(['users.1.email', 'date', 'budget']);
    // The email issue is found when Jane's card closes, before the date even appears.
    const email = t.issues[0]?.t ?? -1;
    const date = t.fields.find((f) => key(f.path) === 'date')?.firstAt ?? -1;
    const jane = t.fields.find((f) => key(f.path) === 'users.1')?.closedAt;
    expect(email).toBe(jane);
    expect(email).toBeLessThanOrEqual(date);
    await store.submit({});
    expect(recorder.getSnapshot().run).toBe(2);
  });

  it('keeps the fields of a stream that failed open, with the error', async () => {
    const { recorder, store } = setup('conference-provider-error-midstream.sse');
    await store.submit({});
    const t = recorder.getSnapshot();
    expect(t.error?.name).toBe('ProviderError');
    const open = t.fields.filter((f) => f.closedAt === undefined).map((f) => key(f.path));
    expect(open).toEqual(['users', 'users.2', 'users.2.name']);
    expect(t.endedAt).toBeDefined();
  });
});

describe('StreamRecorder resets', () => {
  it('marks a reset when the server starts a new attempt, and records the new attempt’s fields afresh', async () => {
    const { encodeProtocolEvent } = await import('@partialkit/core');
    // A clock that ticks at every reading, so "after the reset" is strict.
    let clock = 0;
    const recorder = new StreamRecorder({ now: () => ++clock });
    const body = [
      encodeProtocolEvent({ type: 'text', text: '{"users":[{"name":"Jo' }),
      encodeProtocolEvent({ type: 'reset', attempt: 2 }),
      encodeProtocolEvent({ type: 'text', text: JSON.stringify(MEETING_RESULT) }),
      encodeProtocolEvent({ type: 'done' }),
    ].join('');
    const store = new PartialObjectStore({
      schema: MeetingInfo,
      throttle: 0,
      fetcher: recorder.tap(() => replayResponse(body, { speed: 0 })),
    });
    recorder.watch(store);
    await store.submit({});
    const t = recorder.getSnapshot();
    expect(t.status).toBe('success');
    expect(t.resets.map((r) => r.attempt)).toEqual([2]);
    // The second attempt's fields, each once, all closed at the end.
    expect(t.fields.filter((f) => key(f.path) === 'users.0.name')).toHaveLength(1);
    expect(t.fields.every((f) => f.closedAt !== undefined)).toBe(true);
    for (const f of t.fields) expect(f.firstAt).toBeGreaterThan(t.resets[0]?.t ?? Number.POSITIVE_INFINITY);
  });
});

describe('StreamRecorder reconnects', () => {
  it('marks each reconnect of a resumable stream cut mid-body, and keeps one run to the end', async () => {
    const { createServer } = await import('node:http');
    const { MemoryResumeStore, resumeOffset, resumeResponse, toResumableResponse } = await import(
      '@partialkit/server'
    );
    const { toNodeHandler } = await import('@partialkit/server/node');
    const { startDroppingProxy } = await import('@partialkit/test-utils/dropping-proxy');
    const resumeStore = new MemoryResumeStore();
    const server = createServer(
      toNodeHandler((request) => {
        const id = new URL(request.url).pathname.slice(1);
        if (request.method === 'GET')
          return resumeResponse(id, resumeOffset(request), { store: resumeStore });
        const upstream = replayResponse(fixture('conference-extraction.sse'), { untimedIntervalMs: 2 });
        return toResumableResponse(() => upstream, { store: resumeStore, resumeUrl: (i) => `/${i}` });
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    // The first two connections are cut after 600 bytes of response; the third runs to the end.
    const proxy = await startDroppingProxy({ host: '127.0.0.1', port }, (n) => (n < 2 ? 600 : undefined));
    try {
      const recorder = new StreamRecorder();
      const store = new PartialObjectStore({
        schema: MeetingInfo,
        throttle: 0,
        fetcher: `${proxy.url}/`,
        reconnect: { baseDelayMs: 5 },
      });
      recorder.watch(store);
      await store.submit({});
      const t = recorder.getSnapshot();
      expect(store.getSnapshot().data).toEqual(MEETING_RESULT);
      expect(proxy.drops).toBe(2);
      expect(t.run).toBe(1);
      expect(t.status).toBe('success');
      expect(t.reconnects.map((r) => r.attempt)).toEqual([1, 1]);
      // The fields seen before the first cut are not recorded afresh: each appears once.
      expect(t.fields.filter((f) => key(f.path) === 'users.0')).toHaveLength(1);
      expect(t.endedAt).toBeGreaterThanOrEqual(t.reconnects[1]?.t ?? Number.POSITIVE_INFINITY);
    } finally {
      await proxy.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
