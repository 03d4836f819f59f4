import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createPartialParser, decode, ProviderError } from '@partialkit/core';
import { parseRecording } from '@partialkit/replay';
import { createReplayServer } from '@partialkit/replay/node';
import { fixtureBytes } from '@partialkit/test-utils/fixtures';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { toPartialResponse } from './response.ts';

const servers: Array<{ close(cb: () => void): void }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function serve(fixture: string): Promise<string> {
  const server = createReplayServer(parseRecording(fixtureBytes(fixture)), { speed: 0 });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What a browser does with our response: decode the protocol and parse the JSON. */
async function parseClientSide(response: Response): Promise<unknown> {
  const parser = createPartialParser();
  for await (const e of decode(response)) if (e.type === 'text') parser.write(e.text);
  return parser.end();
}

describe('official SDK clients against the replay server', () => {
  it('openai: chat completions stream → toPartialResponse → parser', async () => {
    const base = await serve('openai-chat-json-schema.sse');
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'test-key', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-2024-08-06',
      messages: [{ role: 'user', content: 'weather?' }],
      stream: true,
    });
    expect(await parseClientSide(toPartialResponse(stream))).toEqual({
      city: 'San Francisco',
      temperature: 61,
      units: 'f',
    });
  });

  it('openai: the conference extraction', async () => {
    const base = await serve('conference-extraction.sse');
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'test-key', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [], stream: true });
    const value = (await parseClientSide(toPartialResponse(stream))) as { users: unknown[]; budget: number };
    expect(value.users).toHaveLength(3);
    expect(value.budget).toBe(50000);
  });

  it('openai: a tool call selected by name', async () => {
    const base = await serve('openai-chat-tool-calls-parallel.sse');
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'test-key', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [], stream: true });
    expect(
      await parseClientSide(toPartialResponse(stream, { decode: { toolCall: 'GetWeatherArgs' } })),
    ).toEqual({
      city: 'Edinburgh',
      country: 'GB',
      units: 'c',
    });
  });

  it('anthropic: messages stream with a tool_use input', async () => {
    const base = await serve('anthropic-tool-input-json.sse');
    const client = new Anthropic({ baseURL: base, apiKey: 'test-key', maxRetries: 0 });
    const stream = await client.messages.create({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      stream: true,
    });
    expect(await parseClientSide(toPartialResponse(stream, { decode: { toolCall: 'get_weather' } }))).toEqual(
      {
        location: 'Paris',
      },
    );
  });

  it('anthropic: structured output as text', async () => {
    const base = await serve('anthropic-structured-output-json-text.sse');
    const client = new Anthropic({ baseURL: base, apiKey: 'test-key', maxRetries: 0 });
    const stream = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 2000,
      messages: [],
      stream: true,
    });
    const value = (await parseClientSide(toPartialResponse(stream))) as {
      characters: Array<{ name: string }>;
    };
    expect(value.characters.map((c) => c.name)).toEqual([
      'Theron Ironheart',
      'Lyra Starweaver',
      'Rook Shadowstep',
    ]);
  });

  it("openai: a provider's mid-stream error reaches the browser with its type and message, as with fetch", async () => {
    const bytes = fixtureBytes('conference-provider-error-midstream.sse');
    const sse = () => new Response(bytes, { headers: { 'content-type': 'text/event-stream' } });
    const failure = async (response: Response) => {
      try {
        for await (const _ of decode(response));
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const viaFetch = await failure(toPartialResponse(sse()));
    const client = new OpenAI({ apiKey: 'k', maxRetries: 0, fetch: async () => sse() });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [], stream: true });
    const viaSdk = await failure(toPartialResponse(stream));
    expect(viaSdk).toBeInstanceOf(ProviderError);
    expect(viaSdk).toMatchObject({
      type: 'server_error',
      message: 'The server had an error while processing your request. Sorry about that!',
    });
    expect(viaSdk).toMatchObject({
      type: (viaFetch as ProviderError).type,
      message: (viaFetch as ProviderError).message,
    });
  });

  it('aborts the SDK request when the browser goes away', async () => {
    const server = createReplayServer(parseRecording(fixtureBytes('conference-extraction.sse')), {
      untimedIntervalMs: 20,
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const slow = new OpenAI({
      baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      apiKey: 'k',
      maxRetries: 0,
    });
    const stream = await slow.chat.completions.create({ model: 'gpt-4o', messages: [], stream: true });
    const browser = new AbortController();
    const response = toPartialResponse(stream, { signal: browser.signal });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    browser.abort();
    expect(stream.controller.signal.aborted).toBe(true);
  });
});
