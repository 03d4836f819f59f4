import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeText, ItemValidationError, streamItems } from '@partialkit/core';
import '@partialkit/core/providers';
import { replayResponse } from '@partialkit/replay';
import { sendNodeResponse } from '@partialkit/server/node';
import recording from '@partialkit/test-utils/fixtures/conference-talks.sse?raw';
import { INVALID_TALK, TALKS, Talk } from '@partialkit/test-utils/talks';
import { afterEach, describe, expect, it } from 'vitest';
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
