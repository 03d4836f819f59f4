import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeText, ItemValidationError, streamItems } from '@partialkit/core';
import '@partialkit/core/providers';
import { replayResponse } from '@partialkit/replay';
import { sendNodeResponse, toNodeHandler } from '@partialkit/server/node';
import recording from '@partialkit/test-utils/fixtures/conference-talks.sse?raw';
import { INVALID_TALK, TALKS, Talk } from '@partialkit/test-utils/talks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handleApi } from './api.ts';
import { handleTalks } from './talks.ts';

/** The JSON text the recording carries, as the model wrote it. */
async function recordedJson(): Promise<{ items: unknown[] }> {
  let text = '';
  for await (const t of decodeText(replayResponse(recording, { speed: 0 }))) text += t;
  return JSON.parse(text) as { items: unknown[] };
}

async function talks(body: object) {
  const response = await handleTalks(
    new Request('http://demo/api/talks', { method: 'POST', body: JSON.stringify(body) }),
  );
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const stream = streamItems(Talk, response);
  const items: Talk[] = [];
  for await (const talk of stream) items.push(talk);
  return { items, issues: stream.issues };
}

describe('demo talks route', () => {
  afterEach(() => {
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
  });

  it('the recording holds the wrapped list, with one talk that fails the schema', async () => {
    const { items } = await recordedJson();
    expect(items).toEqual(TALKS);
    expect(Talk.safeParse(items[INVALID_TALK]).success).toBe(false);
    expect(items.filter((t) => Talk.safeParse(t).success)).toHaveLength(TALKS.length - 1);
  });

  it('replays it when no API key is set: every valid talk arrives, the invalid one is reported', async () => {
    delete process.env.OPENAI_API_KEY;
    const { items, issues } = await talks({ text: 'programme', speed: 0 });
    const expected = (await recordedJson()).items.filter((_, i) => i !== INVALID_TALK);
    expect(items).toEqual(expected);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toBeInstanceOf(ItemValidationError);
    expect(issues[0]).toMatchObject({
      index: INVALID_TALK,
      issues: [{ path: ['end'], message: 'The talk ends before it starts' }],
    });
  });

  it('asks an OpenAI-compatible server for the list wrapped in an object', async () => {
    const requests: Array<Record<string, unknown>> = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        requests.push(JSON.parse(raw));
        void sendNodeResponse(res, replayResponse(recording, { speed: 0 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      process.env.OPENAI_API_KEY = 'sk-test';
      process.env.OPENAI_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const { items, issues } = await talks({ text: 'the programme' });
      expect(items).toHaveLength(TALKS.length - 1);
      expect(issues.map((e) => e.index)).toEqual([INVALID_TALK]);
      expect(requests[0]).toMatchObject({
        stream: true,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'talks',
            strict: true,
            schema: { type: 'object', required: ['items'], properties: { items: { type: 'array' } } },
          },
        },
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('demo talks route: a bad request body is answered 400 with its reason, over real HTTP', () => {
  let url = '';
  let close = async () => {};
  beforeAll(async () => {
    // The production server's handler: its default onError is console.error, the log a stack would reach.
    const server = createServer(toNodeHandler(handleApi));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/talks`;
    close = () => new Promise<void>((r) => server.close(() => r()));
  });
  afterAll(() => close());
  afterEach(() => {
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    vi.restoreAllMocks();
  });

  /** The JSON of an answer, or its text when it is none (a 500's, a stream's), for a readable failure. */
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text.slice(0, 80);
    }
  };
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
  const bad = (error: string) => ({ status: 400, type: 'application/json', body: { error } });

  it('a body that is not JSON', async () => {
    expect(await post('notjson')).toEqual(bad('body is not valid JSON'));
  });

  it('a JSON body that is not an object', async () => {
    expect(await post('[]')).toEqual(bad('body must be a JSON object'));
    expect(await post('7')).toEqual(bad('body must be a JSON object'));
  });

  it('a missing or non-string text', async () => {
    expect(await post('{"speed":0}')).toEqual(bad('text is required'));
    expect(await post('{"text":["a"],"speed":0}')).toEqual(bad('text must be a string'));
  });

  it('a speed that is negative, not a number, or out of 0.25–16 (0 is instant)', async () => {
    const speed = bad('speed must be 0 (instant) or a number from 0.25 to 16');
    expect(await post('{"text":"programme","speed":0.001}')).toEqual(speed);
    expect(await post('{"text":"programme","speed":-1}')).toEqual(speed);
    expect(await post('{"text":"programme","speed":"fast"}')).toEqual(speed);
  });

  it('a bad body is refused in live mode too, before any upstream call', async () => {
    process.env.OPENAI_API_KEY = 'sk-test';
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1';
    expect(await post('notjson')).toEqual(bad('body is not valid JSON'));
  });

  it('a valid request still streams the talks as before', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ text: 'programme', speed: 0 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const stream = streamItems(Talk, response);
    const items: Talk[] = [];
    for await (const talk of stream) items.push(talk);
    expect(items).toEqual((await recordedJson()).items.filter((_, i) => i !== INVALID_TALK));
    expect(stream.issues.map((e) => e.index)).toEqual([INVALID_TALK]);
    expect(logged).not.toHaveBeenCalled();
  });
});
