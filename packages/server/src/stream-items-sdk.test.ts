import type { AddressInfo } from 'node:net';
import { decodeText, streamItems } from '@partialkit/core';
import '@partialkit/core/providers';
import { parseRecording, type ReplayOptions } from '@partialkit/replay';
import { createReplayServer } from '@partialkit/replay/node';
import { fixture, fixtureBytes } from '@partialkit/test-utils/fixtures';
import { INVALID_TALK, Talk } from '@partialkit/test-utils/talks';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { toPartialResponse } from './response.ts';

const servers: Array<{ close(cb: () => void): void }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function client(options: Omit<ReplayOptions, 'signal'>): Promise<OpenAI> {
  const server = createReplayServer(parseRecording(fixtureBytes('conference-talks.sse')), options);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return new OpenAI({ baseURL: base, apiKey: 'test-key', maxRetries: 0 });
}

/** The elements of the recorded `{"items":[...]}`, parsed from the text the model wrote. */
async function recordedElements(): Promise<unknown[]> {
  let text = '';
  for await (const t of decodeText([fixture('conference-talks.sse')])) text += t;
  return (JSON.parse(text) as { items: unknown[] }).items;
}

const request = { model: 'gpt-4o-2024-08-06', messages: [], stream: true as const };

describe('streamItems over the real openai client against the replay server', () => {
  for (const chunking of ['recorded', 13, 1000] as const) {
    it(`SDK stream → toPartialResponse → streamItems (chunking ${chunking})`, async () => {
      const openai = await client({ speed: 0, chunking });
      const stream = await openai.chat.completions.create(request);
      const items = streamItems(Talk, toPartialResponse(stream));
      const yielded: Talk[] = [];
      for await (const talk of items) yielded.push(talk);
      const elements = await recordedElements();
      expect(yielded).toEqual(elements.filter((_, i) => i !== INVALID_TALK));
      expect(items.issues.map((e) => e.index)).toEqual([INVALID_TALK]);
      expect(items.issues[0]!.value).toEqual(elements[INVALID_TALK]);
    });
  }

  it("the SDK's raw response, decoded as OpenAI chat by streamItems itself", async () => {
    const openai = await client({ speed: 0, chunking: 7 });
    const response = await openai.chat.completions.create(request).asResponse();
    const yielded: Talk[] = [];
    for await (const talk of streamItems(Talk, response)) yielded.push(talk);
    expect(yielded).toEqual((await recordedElements()).filter((_, i) => i !== INVALID_TALK));
  });

  it('abort mid-list keeps the talks yielded and releases the SDK request', async () => {
    const openai = await client({ untimedIntervalMs: 5 });
    const stream = await openai.chat.completions.create(request);
    const controller = new AbortController();
    const yielded: Talk[] = [];
    let error: unknown;
    try {
      for await (const talk of streamItems(Talk, toPartialResponse(stream), { signal: controller.signal })) {
        yielded.push(talk);
        if (yielded.length === 3) controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect((error as Error).name).toBe('AbortError');
    expect(yielded).toEqual((await recordedElements()).slice(0, 3));
    expect(stream.controller.signal.aborted).toBe(true);
  });
});
