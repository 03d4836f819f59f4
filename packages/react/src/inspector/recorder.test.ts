import '@partialkit/core/providers';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  encodeProtocolEvent,
  NetworkError,
  type PartialIssue,
  PartialObjectStore,
  type PartialState,
} from '@partialkit/core';
import { replay, replayResponse } from '@partialkit/replay';
import { toPartialResponse } from '@partialkit/server';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { fixture } from '@partialkit/test-utils/fixtures';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { render } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { type InspectableStore, MAX_CHUNKS, MAX_FIELDS, MAX_ISSUES, StreamRecorder } from './recorder.ts';
import { EMPTY_TIMELINE, type FieldMark, readsOf, statsOf, type Timeline } from './timeline.ts';
import { TimelineChart } from './timeline-chart.tsx';

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

describe('StreamRecorder and the store’s decode options', () => {
  it('counts the characters of the JSON the store parsed (a tool call’s input), not the message prose', async () => {
    // The store reads Anthropic's tool_use input: the recorder is given the same decode options.
    const decode = { toolCall: 'get_weather' };
    const recorder = new StreamRecorder({ decode });
    const Weather = z.object({ location: z.string() }).loose();
    const store = new PartialObjectStore({
      schema: Weather,
      throttle: 0,
      decode,
      fetcher: recorder.tap(() => replayResponse(fixture('anthropic-tool-input-json.sse'), { speed: 0 })),
    });
    recorder.watch(store);
    await store.submit({});
    await new Promise((r) => setTimeout(r, 20));
    const json = store.getSnapshot().object;
    expect(store.getSnapshot().status).toBe('success');
    const text = fixture('anthropic-tool-input-json.sse')
      .split('\n')
      .filter((l) => l.includes('input_json_delta'))
      .map((l) => JSON.parse(l.slice(6)).delta.partial_json as string)
      .join('');
    expect(JSON.parse(text)).toEqual(json);
    expect(text).toHaveLength(21); // the prose before the tool call has 48
    expect(recorder.getSnapshot().chars).toBe(21);
  });

  it('counts only the JSON value of a reply with prose and a fence around it, as the store extracts it', async () => {
    const json = '{"title":"Hi"}';
    const body = `Sure, here it is:\n\n\`\`\`json\n${json}\n\`\`\`\nAnything else?`;
    const recorder = new StreamRecorder();
    const store = new PartialObjectStore({
      schema: z.object({ title: z.string() }),
      throttle: 0,
      fetcher: recorder.tap(
        () =>
          new Response(replay(body, { speed: 0, chunking: 5 }), {
            headers: { 'content-type': 'text/plain' },
          }),
      ),
    });
    recorder.watch(store);
    await store.submit({});
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getSnapshot().data).toEqual({ title: 'Hi' });
    expect(recorder.getSnapshot()).toMatchObject({ bytes: body.length, chars: json.length });
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
        // A URL fetcher's POST and the reconnects all go through the store's fetch: no tap needed.
        fetch: recorder.fetch,
      });
      recorder.watch(store);
      await store.submit({});
      await new Promise((r) => setTimeout(r, 20));
      const t = recorder.getSnapshot();
      expect(store.getSnapshot().data).toEqual(MEETING_RESULT);
      expect(proxy.drops).toBe(2);
      expect(t.run).toBe(1);
      expect(t.status).toBe('success');
      expect(t.reconnects.map((r) => r.attempt)).toEqual([1, 1]);
      // The fields seen before the first cut are not recorded afresh: each appears once.
      expect(t.fields.filter((f) => key(f.path) === 'users.0')).toHaveLength(1);
      expect(t.endedAt).toBeGreaterThanOrEqual(t.reconnects[1]?.t ?? Number.POSITIVE_INFINITY);
      // The three connections' JSON, each character once.
      expect(t.tapped).toBe(true);
      expect(t.chars).toBe(JSON.stringify(MEETING_RESULT).length);
    } finally {
      await proxy.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('StreamRecorder.tapFetch and a tapped run that reconnects', () => {
  // The demo's "Drop connection": the page resumes and ends with the whole object; the inspector's
  // bytes, chunks, JSON chars and chars/s go on counting the resumed connection (the store's
  // reconnect GET goes through its `fetch` option, not through the tapped fetcher).
  it('counts the bytes and JSON characters of the resumed connection too', async () => {
    const { MemoryResumeStore, resumeOffset, resumeResponse, toResumableResponse } = await import(
      '@partialkit/server'
    );
    const { toNodeHandler } = await import('@partialkit/server/node');
    const { startDroppingProxy } = await import('@partialkit/test-utils/dropping-proxy');
    const resumeStore = new MemoryResumeStore();
    const served: number[] = [];
    const server = createServer(
      toNodeHandler(async (request) => {
        const id = new URL(request.url).pathname.slice(1);
        if (request.method === 'GET')
          return resumeResponse(id, resumeOffset(request), { store: resumeStore });
        const upstream = replayResponse(fixture('conference-extraction.sse'), { untimedIntervalMs: 2 });
        return toResumableResponse(() => upstream, { store: resumeStore, resumeUrl: (i) => `/${i}` });
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const proxy = await startDroppingProxy({ host: '127.0.0.1', port }, (n) => (n < 1 ? 600 : undefined));
    try {
      const recorder = new StreamRecorder();
      const store = new PartialObjectStore({
        schema: MeetingInfo,
        throttle: 0,
        fetcher: recorder.tap(`${proxy.url}/`),
        reconnect: { baseDelayMs: 5, maxAttempts: 2 },
        // The app's own fetch (here one that measures what it was served), tapped.
        fetch: recorder.tapFetch(async (url, init) => {
          const response = await fetch(url, init);
          const size = (await response.clone().arrayBuffer()).byteLength;
          served.push(size);
          return response;
        }),
      });
      recorder.watch(store);
      let beforeDrop = -1;
      store.subscribe(() => {
        if (store.getSnapshot().status === 'reconnecting' && beforeDrop < 0)
          beforeDrop = recorder.getSnapshot().bytes;
      });
      await store.submit({});
      await new Promise((r) => setTimeout(r, 20));
      expect(store.getSnapshot().data).toEqual(MEETING_RESULT);
      const t = recorder.getSnapshot();
      expect(t.reconnects).toHaveLength(1);
      expect(served).toHaveLength(1); // the one resume GET
      expect(beforeDrop).toBeGreaterThan(0);
      expect(t.bytes).toBe(beforeDrop + (served[0] ?? 0));
      expect(t.chars).toBe(JSON.stringify(MEETING_RESULT).length);
    } finally {
      await proxy.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('StreamRecorder and a submit that supersedes a running one', () => {
  const Schema = z.object({ title: z.string(), n: z.number() });

  it('starts a new timeline, timed from the new submit, when the store is submitted again while it streams', async () => {
    let clock = 0;
    const recorder = new StreamRecorder({ now: () => clock });
    const src = controlledSource();
    const store = new PartialObjectStore({ schema: Schema, throttle: 0, fetcher: src.fetcher });
    recorder.watch(store);

    void store.submit(1);
    await tick();
    clock = 10;
    src.push('{"title":"first","n":');
    await tick();
    expect(recorder.getSnapshot().run).toBe(1);
    expect(recorder.getSnapshot().fields.find((f) => key(f.path) === 'title')?.closedAt).toBe(10);

    // The user submits again while the first request still streams ("a new submit aborts the running request").
    clock = 1000;
    void store.submit(2);
    await tick();
    clock = 1050;
    src.push('{"title":"sec');
    await tick();

    const t = recorder.getSnapshot();
    expect(store.getSnapshot().object).toEqual({ title: 'sec' });
    // The title appeared 50 ms after the second submit and is still open.
    expect(t.run).toBe(2);
    expect(t.fields.find((f) => key(f.path) === 'title')).toEqual({
      path: ['title'],
      firstAt: 50,
      closedAt: undefined,
    });
    store.reset();
  });
});

describe('StreamRecorder across a re-ask', () => {
  const Schema = z.object({ users: z.array(z.object({ email: z.email() })), note: z.string() });

  it('records a validation issue again when the re-asked attempt repeats it', async () => {
    const recorder = new StreamRecorder();
    const src = controlledSource();
    const store = new PartialObjectStore({ schema: Schema, throttle: 0, fetcher: src.fetcher });
    recorder.watch(store);
    void store.submit(1);
    await tick();
    // Attempt 1: the first user's email is invalid, reported when the card closes.
    src.push(encodeProtocolEvent({ type: 'text', text: '{"users":[{"email":"nope"},' }));
    await tick();
    expect(recorder.getSnapshot().issues).toHaveLength(1);
    // The server re-asks; the model makes the same mistake.
    src.push(encodeProtocolEvent({ type: 'reset', attempt: 2 }));
    src.push(encodeProtocolEvent({ type: 'text', text: '{"users":[{"email":"nope"},' }));
    await tick();
    expect(store.getSnapshot().attempt).toBe(2);
    expect(store.getSnapshot().issues).toHaveLength(1);
    const t = recorder.getSnapshot();
    expect(t.resets.map((r) => r.attempt)).toEqual([2]);
    // One issue per attempt, the second one after the reset mark.
    expect(t.issues).toHaveLength(2);
    expect(t.issues[1]?.t).toBeGreaterThanOrEqual(t.resets[0]?.t ?? Number.POSITIVE_INFINITY);
    store.reset();
  });
});

describe('StreamRecorder on a long stream', () => {
  const Schema = z.object({ rows: z.array(z.object({ id: z.number() })) });
  /** Fields and list items of a snapshot, as the recorder counts them (every path but the root). */
  const fieldsOf = (node: unknown): number =>
    typeof node === 'object' && node !== null
      ? Object.values(node).reduce((n: number, child) => n + 1 + fieldsOf(child), 0)
      : 0;

  it('keeps a mark for the first MAX_FIELDS fields and counts the rest, open and closed', async () => {
    const recorder = new StreamRecorder();
    const src = controlledSource();
    const store = new PartialObjectStore({ schema: Schema, throttle: 0, fetcher: src.fetcher });
    recorder.watch(store);
    const items = MAX_FIELDS; // 2 fields each (the item and its id): twice the cap, and `rows`
    const row = (i: number) => `{"id":${i}}`;
    void store.submit(1);
    await tick();
    src.push(`{"rows":[${Array.from({ length: items / 2 }, (_, i) => row(i)).join(',')},{"id":`);
    await tick();
    // Mid-stream: everything seen is counted once, listed or not; the open item and its id are open.
    const mid = recorder.getSnapshot();
    const seen = fieldsOf(store.getSnapshot().object);
    expect(mid.fields).toHaveLength(MAX_FIELDS);
    expect(statsOf(mid).fields).toBe(seen);
    expect(mid.unlisted.count).toBe(seen - MAX_FIELDS);
    src.push(
      `${items / 2}},${Array.from({ length: items / 2 - 1 }, (_, i) => row(items / 2 + 1 + i)).join(',')}]}`,
    );
    src.end();
    await tick();
    const t = recorder.getSnapshot();
    expect(t.status).toBe('success');
    expect(t.fields).toHaveLength(MAX_FIELDS);
    expect(t.fields[0]?.path).toEqual(['rows']);
    expect(t.unlisted).toMatchObject({
      count: 1 + 2 * items - MAX_FIELDS,
      closed: 1 + 2 * items - MAX_FIELDS,
    });
    expect(statsOf(t)).toMatchObject({ fields: 1 + 2 * items, closedFields: 1 + 2 * items });
  });

  it('merges chunk marks two by two past MAX_CHUNKS, keeping every byte, read and character', async () => {
    // The recording behind SSE comments (which carry no JSON), read one byte at a time.
    const json = await toPartialResponse(
      replayResponse(fixture('conference-extraction.sse'), { speed: 0 }),
    ).bytes();
    const body = `${': keep-alive\n\n'.repeat(200)}${new TextDecoder().decode(json)}`;
    const size = new TextEncoder().encode(body).byteLength;
    expect(size).toBeGreaterThan(3 * MAX_CHUNKS); // enough reads for the marks to be merged twice
    const recorder = new StreamRecorder();
    const store = new PartialObjectStore({
      schema: MeetingInfo,
      throttle: 0,
      fetcher: recorder.tap(() => replayResponse(body, { speed: 0, chunking: 1 })),
    });
    recorder.watch(store);
    await store.submit({});
    await new Promise((r) => setTimeout(r, 0)); // the character count catches up
    const t = recorder.getSnapshot();
    expect(t.status).toBe('success');
    expect(t.chunks.length).toBeLessThanOrEqual(MAX_CHUNKS);
    expect(t.chunks.reduce((most, c) => Math.max(most, c.reads ?? 1), 1)).toBeGreaterThanOrEqual(4);
    expect(readsOf(t.chunks)).toBe(size);
    expect(statsOf(t).reads).toBe(size);
    expect(t.bytes).toBe(size);
    expect(t.chunks.reduce((n, c) => n + c.bytes, 0)).toBe(size);
    expect(t.chars).toBe(JSON.stringify(MEETING_RESULT).length);
    expect(t.chunks.reduce((n, c) => n + c.chars, 0)).toBe(t.chars);
    // The first read stays alone (the time to first byte); the marks stay in time order.
    expect(t.chunks[0]).toMatchObject({ bytes: 1 });
    expect(t.chunks[0]?.reads).toBeUndefined();
    for (let i = 1; i < t.chunks.length; i++)
      expect(t.chunks[i]?.t).toBeGreaterThanOrEqual(t.chunks[i - 1]?.t ?? 0);
  });
});

describe('StreamRecorder and many validation issues', () => {
  const Schema = z.object({ items: z.array(z.object({ n: z.number().max(0) })) });

  // A list of 2,000 cards that each fail the schema (a model that gets one field wrong every time):
  // the recorder used to re-read every issue found so far at every notification, O(issues²):
  // 2,005,000 issue reads here instead of 2,000.
  it('looks at each validation issue once, however many notifications follow it', async () => {
    const N = 2000;
    const body = [
      encodeProtocolEvent({ type: 'text', text: '{"items":[' }),
      ...Array.from({ length: N }, (_, i) =>
        encodeProtocolEvent({ type: 'text', text: `${i ? ',' : ''}{"n":${i + 1}}` }),
      ),
      encodeProtocolEvent({ type: 'text', text: ']}' }),
      encodeProtocolEvent({ type: 'done' }),
    ].join('');
    const store = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      fetcher: () => replayResponse(body, { speed: 0 }),
    });
    let reads = 0;
    const proxies = new WeakMap<PartialIssue, PartialIssue>();
    const states = new WeakMap<object, PartialState<unknown, unknown>>();
    const counted = (issue: PartialIssue): PartialIssue => {
      let p = proxies.get(issue);
      if (!p) {
        p = new Proxy(issue, {
          get: (target, key, receiver) => {
            if (key === 'path') reads++;
            return Reflect.get(target, key, receiver);
          },
        });
        proxies.set(issue, p);
      }
      return p;
    };
    const watched: InspectableStore = {
      subscribe: (l) => store.subscribe(l),
      isComplete: (n) => store.isComplete(n),
      isCompleteAt: (p) => store.isCompleteAt(p),
      getServerSnapshot: () => store.getServerSnapshot(),
      getSnapshot: () => {
        const state = store.getSnapshot();
        let s = states.get(state);
        if (!s) {
          s = { ...state, issues: state.issues.map(counted) };
          states.set(state, s);
        }
        return s;
      },
    };
    const recorder = new StreamRecorder();
    recorder.watch(watched);
    await store.submit({});
    expect(store.getSnapshot().issues).toHaveLength(N);
    expect(recorder.getSnapshot().issues).toHaveLength(N);
    // One read per issue as it is found. (When the list closes, the store's list is rebuilt with new
    // objects for the same issues: with the run at MAX_ISSUES marks, those are only counted, unread.)
    expect(reads).toBe(N);
  });

  it('marks the issue a list reports as it closes in place of its items’ issues', async () => {
    const recorder = new StreamRecorder();
    const src = controlledSource();
    const store = new PartialObjectStore({
      schema: z.object({ items: z.array(z.object({ n: z.number().max(0) })).max(1) }),
      throttle: 0,
      fetcher: src.fetcher,
    });
    recorder.watch(store);
    void store.submit(1);
    await tick();
    src.push('{"items":[{"n":1},{"n":2}');
    await tick();
    expect(recorder.getSnapshot().issues.map((i) => key(i.issue.path))).toEqual(['items.0.n', 'items.1.n']);
    // The list closes: zod validates it whole and reports only that it is too long, in place of the
    // issues of its items (the store's list gets shorter).
    src.push(']}');
    src.end();
    await tick();
    const { issues } = store.getSnapshot();
    expect(issues.map((i) => `${key(i.path)} ${i.code}`)).toEqual(['items too_big']);
    const t = recorder.getSnapshot();
    expect(t.issues.map((i) => `${key(i.issue.path)} ${i.issue.code}`)).toEqual([
      'items.0.n too_big',
      'items.1.n too_big',
      'items too_big',
    ]);
    expect(t.issues[2]?.issue).toBe(issues[0]);
  });

  it('keeps a mark for the first MAX_ISSUES issues and counts the rest', () => {
    const initial: PartialState<unknown, unknown> = {
      object: undefined,
      data: undefined,
      status: 'idle',
      error: undefined,
      issues: [],
      attempt: 0,
      reconnects: 0,
      streamId: undefined,
    };
    let state: PartialState<unknown, unknown> = initial;
    const listeners = new Set<() => void>();
    const store: InspectableStore = {
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      getSnapshot: () => state,
      getServerSnapshot: () => initial,
      isComplete: () => true,
      isCompleteAt: () => true,
    };
    const set = (
      next: Partial<Pick<PartialState<unknown, unknown>, 'object' | 'issues' | 'attempt'>> &
        ({ status?: 'streaming' } | { status: 'error'; error: Error }),
    ) => {
      state = { ...state, ...next } as PartialState<unknown, unknown>;
      for (const l of listeners) l();
    };
    const recorder = new StreamRecorder();
    recorder.watch(store);
    set({ status: 'streaming', attempt: 1 });
    // The issues arrive ten at a time, in a list that only grows.
    const issues: PartialIssue[] = [];
    while (issues.length < MAX_ISSUES + 30) {
      for (let k = 0; k < 10; k++)
        issues.push({ path: ['items', issues.length, 'n'], code: 'too_big', message: 'Too big' });
      set({ issues: issues.slice() });
    }
    set({ status: 'error', error: new Error('invalid') });
    const t = recorder.getSnapshot();
    expect(issues).toHaveLength(MAX_ISSUES + 30);
    expect(t.issues).toHaveLength(MAX_ISSUES);
    expect(t.issues[MAX_ISSUES - 1]?.issue).toBe(issues[MAX_ISSUES - 1]);
    expect(t.unlistedIssues).toBe(30);
    expect(statsOf(t).issues).toBe(MAX_ISSUES + 30);
    const { container } = render(createElement(TimelineChart, { timeline: t }));
    expect(container.textContent).toContain('30 more issues counted, not drawn');
  });
});

describe('<TimelineChart>', () => {
  it('renders a timeline of 250,000 fields (a list of 50,000 items with 4 fields each)', () => {
    const fields: FieldMark[] = [{ path: ['rows'], firstAt: 1, closedAt: 5000 }];
    for (let i = 0; i < 50_000; i++) {
      const t = 1 + i / 10;
      fields.push({ path: ['rows', i], firstAt: t, closedAt: t + 0.1 });
      for (const k of ['id', 'name', 'email', 'role'])
        fields.push({ path: ['rows', i, k], firstAt: t, closedAt: t + 0.1 });
    }
    const timeline: Timeline = { ...EMPTY_TIMELINE, run: 1, status: 'success', endedAt: 5000, fields };
    const { container } = render(createElement(TimelineChart, { timeline }));
    expect(container.querySelector('svg')).not.toBeNull();
    expect(container.textContent).toContain('more');
  });

  it('draws the same issue found in two attempts as two marks, each with its own key', () => {
    const issue = { path: ['users', 0, 'email'], code: 'invalid_format', message: 'Invalid email address' };
    const timeline: Timeline = {
      ...EMPTY_TIMELINE,
      run: 1,
      status: 'error',
      endedAt: 100,
      issues: [
        { t: 10, issue },
        { t: 60, issue },
      ],
      resets: [{ t: 50, attempt: 2 }],
    };
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { container } = render(createElement(TimelineChart, { timeline }));
      expect(container.querySelectorAll('path[fill="#dc2626"]')).toHaveLength(2);
      expect(error).not.toHaveBeenCalled();
    } finally {
      error.mockRestore();
    }
  });
});

describe('<TimelineChart> labels', () => {
  it('puts a mark’s label left of its line in the right half, so that a mark at the end stays readable', () => {
    const timeline: Timeline = {
      ...EMPTY_TIMELINE,
      run: 1,
      status: 'reconnecting',
      reconnects: [
        { t: 5, attempt: 1 },
        { t: 100, attempt: 2 },
      ],
      resets: [{ t: 99, attempt: 2 }],
    };
    const { container } = render(createElement(TimelineChart, { timeline }));
    const anchors = [...container.querySelectorAll('text')]
      .filter((t) => /reconnect|reset/.test(t.textContent ?? ''))
      .map((t) => `${t.textContent}: ${t.getAttribute('text-anchor')}`);
    expect(anchors).toEqual(['reset → attempt 2: end', 'reconnect 1: start', 'reconnect 2: end']);
  });
});

/** A fetcher whose body ignores the signal (as many SDK and proxied streams do), with a record of cancels. */
function bodySource() {
  const log = {
    cancelled: false,
    controller: undefined as ReadableStreamDefaultController<Uint8Array> | undefined,
  };
  const fetcher = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          log.controller = controller;
        },
        cancel() {
          log.cancelled = true;
        },
      }),
      { headers: { 'content-type': 'text/plain' } },
    );
  const push = (text: string) => log.controller?.enqueue(new TextEncoder().encode(text));
  return { log, fetcher, push };
}

describe('StreamRecorder.tap and the response body', () => {
  const Schema = z.object({ title: z.string() });

  it('a URL tapped is what the store makes of it: a refused connection is a NetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: new StreamRecorder().tap(`http://127.0.0.1:${port}/`),
    });
    await store.submit(1);
    expect(store.getSnapshot().error).toBeInstanceOf(NetworkError);
  });

  it('control: without tap, stop() cancels the response body', async () => {
    const src = bodySource();
    const store = new PartialObjectStore({ schema: Schema, throttle: 0, fetcher: src.fetcher });
    void store.submit(1);
    await tick();
    src.push('{"title":"Hel');
    await tick();
    expect(store.getSnapshot().object).toEqual({ title: 'Hel' });
    store.stop();
    await tick();
    expect(src.log.cancelled).toBe(true);
  });

  it('passes the response on untouched while the recorder watches no store, so stop() still cancels the body', async () => {
    const src = bodySource();
    const recorder = new StreamRecorder(); // e.g. the inspector panel is collapsed
    const store = new PartialObjectStore({ schema: Schema, throttle: 0, fetcher: recorder.tap(src.fetcher) });
    void store.submit(1);
    await tick();
    src.push('{"title":"Hel');
    await tick();
    expect(store.getSnapshot().object).toEqual({ title: 'Hel' });
    store.stop();
    await tick();
    await tick();
    expect(src.log.cancelled).toBe(true);
    expect(recorder.getSnapshot().tapped).toBe(false);
  });

  it('returns the fetcher’s own response when no run is being recorded', async () => {
    const recorder = new StreamRecorder();
    let made: Response | undefined;
    const tapped = recorder.tap(() => {
      made = new Response('{"title":"Hi"}', { headers: { 'content-type': 'application/json' } });
      return made;
    });
    const init = { signal: new AbortController().signal };
    expect(await tapped(1, init)).toBe(made); // before any run
    const store = new PartialObjectStore({ schema: Schema, throttle: 0, fetcher: tapped });
    const stop = recorder.watch(store);
    await store.submit(1);
    expect(recorder.getSnapshot().tapped).toBe(true);
    expect(await tapped(1, init)).toBe(made); // the run ended
    // A run the recorder stopped following before it ended (the panel unmounted).
    const src = controlledSource();
    store.setOptions({ schema: Schema, throttle: 0, fetcher: src.fetcher });
    void store.submit(2);
    await tick();
    expect(recorder.getSnapshot().status).toBe('streaming');
    stop();
    expect(await tapped(1, init)).toBe(made);
    store.reset();
  });

  it('while recording, cancels the body when the run fails mid-body, as it is untapped', async () => {
    const src = bodySource();
    const recorder = new StreamRecorder();
    const store = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      maxLength: 8, // the run fails on the first read, with the body still open
      fetcher: recorder.tap(src.fetcher),
    });
    recorder.watch(store);
    void store.submit(1);
    await tick();
    src.push('{"title":"Hello world"');
    await tick();
    await tick();
    expect(store.getSnapshot().status).toBe('error');
    expect(recorder.getSnapshot()).toMatchObject({ tapped: true, bytes: 22 });
    expect(src.log.cancelled).toBe(true);
  });

  it('tap(url) sends the request the store sends for that URL (method, content type, accept, body)', async () => {
    const seen: Array<Record<'method' | 'type' | 'accept', string | undefined> & { body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({
          method: req.method,
          type: req.headers['content-type'],
          accept: req.headers.accept,
          body,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"title":"x"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    try {
      for (const fetcher of [url, new StreamRecorder().tap(url)]) {
        const store = new PartialObjectStore({
          schema: z.object({ title: z.string() }),
          throttle: 0,
          fetcher,
        });
        await store.submit({ q: 1 });
        expect(store.getSnapshot().data).toEqual({ title: 'x' });
      }
      expect(seen).toHaveLength(2);
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[0]).toMatchObject({ method: 'POST', type: 'application/json', body: '{"q":1}' });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('counts a body once when the tapped fetcher itself calls the tapped fetch', async () => {
    const recorder = new StreamRecorder();
    const json = '{"title":"Hello"}';
    const fetchJson = recorder.tapFetch(
      async () => new Response(json, { headers: { 'content-type': 'application/json' } }),
    );
    const store = new PartialObjectStore({
      schema: Schema,
      throttle: 0,
      fetcher: recorder.tap((_input, { signal }) => fetchJson('/api', { signal })),
      fetch: fetchJson,
    });
    recorder.watch(store);
    await store.submit(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getSnapshot().data).toEqual({ title: 'Hello' });
    expect(recorder.getSnapshot()).toMatchObject({ tapped: true, bytes: json.length, chars: json.length });
  });

  it('passes a DELETE (stop’s cancel of a resumable stream) and responses outside a run on as they are', async () => {
    const recorder = new StreamRecorder();
    let made: Response | undefined;
    const tapped = recorder.tapFetch(async () => {
      made = new Response('{"title":"Hi"}');
      return made;
    });
    expect(await tapped('/api', {})).toBe(made); // no run
    const src = controlledSource();
    const store = new PartialObjectStore({ schema: Schema, throttle: 0, fetcher: src.fetcher });
    recorder.watch(store);
    void store.submit(1);
    await tick();
    expect(recorder.getSnapshot().status).toBe('streaming');
    expect(await tapped('/api/1', { method: 'DELETE' })).toBe(made);
    expect(await tapped('/api/1', {})).not.toBe(made); // a reconnect's GET is counted
    store.reset();
  });

  it('keeps the response URL, so a relative resume URL still resolves against the API', async () => {
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
    // The first connection is cut after 600 bytes; the resume (at the relative `/<id>`) runs to the end.
    const proxy = await startDroppingProxy({ host: '127.0.0.1', port }, (n) => (n < 1 ? 600 : undefined));
    try {
      const recorder = new StreamRecorder();
      const store = new PartialObjectStore({
        schema: MeetingInfo,
        throttle: 0,
        fetcher: recorder.tap(`${proxy.url}/`),
        reconnect: { baseDelayMs: 5, maxAttempts: 2 },
      });
      recorder.watch(store);
      await store.submit({});
      expect(store.getSnapshot().error).toBeUndefined();
      expect(store.getSnapshot().data).toEqual(MEETING_RESULT);
      const t = recorder.getSnapshot();
      expect(t).toMatchObject({ run: 1, status: 'success', tapped: true });
      expect(t.reconnects.map((r) => r.attempt)).toEqual([1]);
    } finally {
      await proxy.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
