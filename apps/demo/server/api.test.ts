import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPartialParser, decode, PartialObjectStore } from '@partialkit/core';
import { replayResponse } from '@partialkit/replay';
import { sendNodeResponse, toNodeHandler } from '@partialkit/server/node';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import recording from '@partialkit/test-utils/fixtures/conference-extraction.sse?raw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCENARIOS } from '../src/scenarios.ts';
import { handleApi, handleExtract } from './api.ts';
import { MAX_TEXT } from './request-body.ts';

async function extract(body: object): Promise<unknown> {
  const response = await handleExtract(
    new Request('http://demo/api/extract', { method: 'POST', body: JSON.stringify(body) }),
  );
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const parser = createPartialParser();
  for await (const e of decode(response)) if (e.type === 'text') parser.write(e.text);
  return parser.end();
}

describe('demo API route', () => {
  afterEach(() => {
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
  });

  it('replays the recording when no API key is set', async () => {
    delete process.env.OPENAI_API_KEY;
    expect(await extract({ text: 'notes', speed: 0 })).toEqual(MEETING_RESULT);
  });

  it('calls an OpenAI-compatible server with a strict schema when a key is set', async () => {
    const requests: Array<{ url: string; auth: string | undefined; body: Record<string, unknown> }> = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        requests.push({ url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw) });
        void sendNodeResponse(res, replayResponse(recording, { speed: 0 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      process.env.OPENAI_API_KEY = 'sk-test';
      process.env.OPENAI_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      expect(await extract({ text: 'the meeting notes' })).toEqual(MEETING_RESULT);
      expect(requests).toHaveLength(1);
      expect(requests[0]!.url).toBe('/v1/chat/completions');
      expect(requests[0]!.auth).toBe('Bearer sk-test');
      expect(requests[0]!.body).toMatchObject({
        stream: true,
        response_format: { type: 'json_schema', json_schema: { name: 'meeting_info', strict: true } },
        messages: [{ role: 'system' }, { role: 'user', content: 'the meeting notes' }],
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('demo API over real HTTP, read by the store as the page reads it', () => {
  it('tells the page it replays when no API key is set', async () => {
    delete process.env.OPENAI_API_KEY;
    const response = await handleApi(new Request('http://demo/api/config'));
    expect(await response.json()).toEqual({ mode: 'replay' });
  });

  it('ends every scenario the way its picker entry says, keeping the partial', async () => {
    delete process.env.OPENAI_API_KEY;
    const server = createServer(toNodeHandler(handleApi));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/extract`;
    try {
      const outcomes: Record<string, { status: string; error: string | undefined; users: number }> = {};
      for (const s of SCENARIOS) {
        const store = new PartialObjectStore({ schema: MeetingInfo, fetcher: url, throttle: 0 });
        // Paced, so the bytes before the drop reach the client before the socket is destroyed.
        await store.submit({ text: s.input, scenario: s.id, speed: s.id === 'dropped' ? 8 : 0 });
        const state = store.getSnapshot();
        outcomes[s.id] = {
          status: state.status,
          error: state.error?.name,
          users: state.object?.users?.length ?? 0,
        };
      }
      expect(outcomes).toEqual({
        conference: { status: 'success', error: undefined, users: 3 },
        'provider-error': { status: 'error', error: 'ProviderError', users: 3 },
        truncated: { status: 'error', error: 'TruncatedError', users: 3 },
        validation: { status: 'error', error: 'ValidationError', users: 3 },
        'http-error': { status: 'error', error: 'HTTPError', users: 0 },
        dropped: { status: 'error', error: 'NetworkError', users: 3 },
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('demo API: resumable extractions', () => {
  async function serve() {
    delete process.env.OPENAI_API_KEY;
    const server = createServer(toNodeHandler(handleApi));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/extract`;
    return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it('a response cut twice by the drop route is resumed to exactly the recorded object', async () => {
    const { url, close } = await serve();
    try {
      const store = new PartialObjectStore({
        schema: MeetingInfo,
        fetcher: url,
        throttle: 0,
        reconnect: { baseDelayMs: 5 },
      });
      const drops: Array<Promise<number>> = [];
      const statuses: string[] = [];
      const locations: string[] = [];
      store.subscribe(() => {
        const s = store.getSnapshot();
        if (statuses.at(-1) !== s.status) statuses.push(s.status);
        if (s.object?.location) locations.push(s.object.location);
        const users = s.object?.users?.length ?? 0;
        // Cut once when the first card arrives and once when the second does.
        if (s.status === 'streaming' && s.streamId && users > drops.length && drops.length < 2)
          drops.push(fetch(`${url}/${s.streamId}/drop`, { method: 'POST' }).then((r) => r.status));
      });
      await store.submit({ text: '', scenario: 'conference', speed: 4 });
      expect(await Promise.all(drops)).toEqual([204, 204]);
      expect(statuses).toEqual([
        'streaming',
        'reconnecting',
        'streaming',
        'reconnecting',
        'streaming',
        'success',
      ]);
      expect(store.getSnapshot().data).toEqual(MEETING_RESULT);
      // Every partial location is a prefix of the final one: nothing lost or repeated across the cuts.
      for (const l of locations) expect(MEETING_RESULT.location.startsWith(l)).toBe(true);
    } finally {
      await close();
    }
  });

  it('stop after a drop cancels the generation on the server: its resume then ends cancelled', async () => {
    const { url, close } = await serve();
    try {
      const store = new PartialObjectStore({
        schema: MeetingInfo,
        fetcher: url,
        throttle: 0,
        reconnect: { baseDelayMs: 5 },
      });
      let dropped = false;
      let stopped = false;
      store.subscribe(() => {
        const s = store.getSnapshot();
        if (!dropped && s.streamId && (s.object?.users?.length ?? 0) >= 1) {
          dropped = true;
          void fetch(`${url}/${s.streamId}/drop`, { method: 'POST' });
        }
        if (dropped && !stopped && s.status === 'streaming' && (s.object?.users?.length ?? 0) >= 2) {
          stopped = true;
          store.stop();
        }
      });
      await store.submit({ text: '', scenario: 'conference', speed: 4 });
      const { status, object, streamId } = store.getSnapshot();
      expect(status).toBe('aborted');
      expect(object?.users?.length).toBeGreaterThanOrEqual(2);
      // The server's log ends with the cancel (the DELETE is sent as the store stops).
      let text = '';
      for (let i = 0; i < 50 && !text.includes('cancelled'); i++) {
        await new Promise((r) => setTimeout(r, 20));
        text = await (await fetch(`${url}/${streamId}`)).text();
      }
      expect(text).toContain('"type":"cancelled"');
      expect(text).not.toContain('"deadline"');
    } finally {
      await close();
    }
  });
});

describe('demo API: a bad request body is answered 400 with its reason, over real HTTP', () => {
  let url = '';
  let close = async () => {};
  beforeAll(async () => {
    // The production server's handler: its default onError is console.error, the log a stack would reach.
    const server = createServer(toNodeHandler(handleApi));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/extract`;
    close = () => new Promise<void>((r) => server.close(() => r()));
  });
  afterAll(() => close());
  afterEach(() => {
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    vi.restoreAllMocks();
  });

  /** POSTs `body` as is; the status, content type and JSON the server answered, and what it logged. */
  async function post(body: string) {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await fetch(url, { method: 'POST', body });
    const text = await response.text();
    const answer = {
      status: response.status,
      type: response.headers.get('content-type'),
      body: parsed(text),
    };
    expect(logged).not.toHaveBeenCalled();
    return answer;
  }
  /** The JSON of an answer, or its text when it is none (a 500's, a stream's), for a readable failure. */
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text.slice(0, 80);
    }
  };
  const bad = (error: string) => ({ status: 400, type: 'application/json', body: { error } });

  it('a body that is not JSON', async () => {
    expect(await post('notjson')).toEqual(bad('body is not valid JSON'));
    expect(await post('')).toEqual(bad('body is not valid JSON'));
  });

  it('a JSON body that is not an object', async () => {
    expect(await post('["notes"]')).toEqual(bad('body must be a JSON object'));
    expect(await post('"notes"')).toEqual(bad('body must be a JSON object'));
    expect(await post('null')).toEqual(bad('body must be a JSON object'));
  });

  it('a missing or non-string text', async () => {
    expect(await post('{"speed":0}')).toEqual(bad('text is required'));
    expect(await post('{"text":42,"speed":0}')).toEqual(bad('text must be a string'));
  });

  it('a speed that is negative, not a number or not finite', async () => {
    const speed = bad('speed must be 0 (instant) or a number from 0.25 to 16');
    expect(await post('{"text":"notes","speed":-1}')).toEqual(speed);
    expect(await post('{"text":"notes","speed":"fast"}')).toEqual(speed);
    expect(await post('{"text":"notes","speed":null}')).toEqual(speed);
    expect(await post('{"text":"notes","speed":1e999}')).toEqual(speed);
    // So slow that a generation whose client left would run on for hours; or faster than a replay needs.
    expect(await post('{"text":"notes","speed":0.000001}')).toEqual(speed);
    expect(await post('{"text":"notes","speed":0.2}')).toEqual(speed);
    expect(await post('{"text":"notes","speed":17}')).toEqual(speed);
  });

  it(`notes longer than ${MAX_TEXT} characters`, async () => {
    const long = JSON.stringify({ text: 'x'.repeat(MAX_TEXT + 1), speed: 0 });
    expect(await post(long)).toEqual(bad(`text must be at most ${MAX_TEXT} characters`));
  });

  it('a scenario that is not one of the recordings', async () => {
    const ids = SCENARIOS.map((s) => s.id).join(', ');
    expect(await post('{"text":"notes","scenario":"nope"}')).toEqual(bad(`scenario must be one of: ${ids}`));
    expect(await post('{"text":"notes","scenario":1}')).toEqual(bad(`scenario must be one of: ${ids}`));
  });

  it('every wrong field at once, in body order', async () => {
    expect(await post('{"text":null,"speed":-1}')).toEqual(
      bad('text must be a string; speed must be 0 (instant) or a number from 0.25 to 16'),
    );
  });

  it('a bad body is refused in live mode too, before any upstream call', async () => {
    process.env.OPENAI_API_KEY = 'sk-test';
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1';
    expect(await post('{"text":"notes","speed":"fast"}')).toEqual(
      bad('speed must be 0 (instant) or a number from 0.25 to 16'),
    );
  });

  it('a valid request still streams the recording as before', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ text: 'notes', scenario: 'conference', speed: 0 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const parser = createPartialParser();
    for await (const e of decode(response)) if (e.type === 'text') parser.write(e.text);
    expect(parser.end()).toEqual(MEETING_RESULT);
    expect(logged).not.toHaveBeenCalled();
  });

  it('a body over the size limit is still 413, not a 400 for its JSON', async () => {
    const server = createServer(toNodeHandler(handleApi, { maxBodySize: 1024 }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      // Chunked (no content-length), so the limit is met while the route reads the body.
      const chunk = new TextEncoder().encode(`{"text":"${'x'.repeat(4096)}"}`);
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/extract`, {
        method: 'POST',
        body: new ReadableStream({
          start(c) {
            c.enqueue(chunk);
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
