import Anthropic from '@anthropic-ai/sdk';
import { fixtureBytes } from '@partialkit/test-utils/fixtures';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { decode } from '../decode/decode.ts';
import { PartialKitError, ProviderError } from '../errors.ts';
import { decodeObjects } from './index.ts';

/** A client `fetch` that answers every request with `body` as SSE. */
const sse = (body: string | Uint8Array<ArrayBuffer>) => async () =>
  new Response(body, { headers: { 'content-type': 'text/event-stream' } });

async function settled(events: AsyncIterable<unknown>): Promise<{ count: number; error: unknown }> {
  let count = 0;
  try {
    for await (const _ of events) count++;
  } catch (error) {
    return { count, error };
  }
  return { count, error: undefined };
}

const ANTHROPIC_START =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"c","stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n';

describe('decodeObjects: a provider error the official SDK stream throws (its APIError)', () => {
  it('openai chat: the mid-stream {"error"} is the ProviderError the same bytes give on the wire', async () => {
    const bytes = fixtureBytes('conference-provider-error-midstream.sse');
    const wire = await settled(decode(await sse(bytes)()));
    expect(wire.error).toBeInstanceOf(ProviderError);

    const client = new OpenAI({ apiKey: 'k', maxRetries: 0, fetch: sse(bytes) });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [], stream: true });
    const { count, error } = await settled(decodeObjects(stream));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      type: (wire.error as ProviderError).type,
      message: (wire.error as ProviderError).message,
    });
    expect(count).toBe(wire.count); // the text before the error, as on the wire
    expect((error as Error).cause).toBeInstanceOf(OpenAI.APIError);
  });

  it('anthropic: event: error is a ProviderError with its type and message', async () => {
    const body = `${ANTHROPIC_START}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
    const client = new Anthropic({ apiKey: 'k', maxRetries: 0, fetch: sse(body) });
    const stream = await client.messages.create({ model: 'c', max_tokens: 10, messages: [], stream: true });
    const { error } = await settled(decodeObjects(stream));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'overloaded_error', message: 'Overloaded' });
    expect((error as Error).cause).toBeInstanceOf(Anthropic.APIError);
  });

  it('anthropic: an error event whose data is not JSON keeps that text as the message', async () => {
    const body = `${ANTHROPIC_START}event: error\ndata: upstream overloaded\n\n`;
    const client = new Anthropic({ apiKey: 'k', maxRetries: 0, fetch: sse(body) });
    const stream = await client.messages.create({ model: 'c', max_tokens: 10, messages: [], stream: true });
    expect((await settled(decodeObjects(stream))).error).toMatchObject({
      name: 'ProviderError',
      type: 'error',
      message: 'upstream overloaded',
    });
  });

  it("@google/genai's ApiError (status, message, name only) is a ProviderError", async () => {
    // As the SDK throws it for an error chunk mid-stream: the chunk's JSON in the message.
    class ApiError extends Error {
      readonly status: number;
      constructor(options: { message: string; status: number }) {
        super(options.message);
        this.name = 'ApiError';
        this.status = options.status;
      }
    }
    const body = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
    const failure = new ApiError({
      message: `got status: UNAVAILABLE. ${JSON.stringify(body)}`,
      status: 503,
    });
    const chunk = { candidates: [{ content: { parts: [{ text: '{"a":' }] }, index: 0 }] };
    async function* chunks() {
      yield chunk;
      throw failure;
    }
    const { count, error } = await settled(decodeObjects(chunks()));
    expect(count).toBe(1);
    expect(error).toBeInstanceOf(ProviderError);
    // The same type and message the error chunk gives on the wire.
    expect(error).toMatchObject({ type: 'UNAVAILABLE', message: 'The model is overloaded.' });
    expect((error as Error).cause).toBe(failure);
    const wire = await settled(
      decode(await sse(`data: ${JSON.stringify(chunk)}\n\ndata: ${JSON.stringify(body)}\n\n`)()),
    );
    expect(wire.error).toMatchObject({ type: 'UNAVAILABLE', message: 'The model is overloaded.' });

    // A message that holds no error body: the status is the type.
    const plain = new ApiError({ message: 'Quota exceeded', status: 429 });
    async function* failing() {
      yield { candidates: [] };
      throw plain;
    }
    expect((await settled(decodeObjects(failing()))).error).toMatchObject({
      name: 'ProviderError',
      type: '429',
      message: 'Quota exceeded',
    });
  });

  it('any other exception of the iterator passes through as it is', async () => {
    const failure = new TypeError('terminated');
    async function* objects() {
      yield 'a';
      throw failure;
    }
    expect((await settled(decodeObjects(objects()))).error).toBe(failure);
  });

  for (const [name, objects, first] of [
    [
      'snapshots (AI SDK partialObjectStream)',
      [{ title: 'a' }, { title: 'ab', minutes: 3 }],
      '{"title":"a"}',
    ],
    ['numbers', [1, 2], '1'],
    ['bytes', [new TextEncoder().encode('{"a":1}')], '{"0":123,"1":34,'],
    ['snapshots with a type key', [{ type: 'bug', title: 'a' }], '{"type":"bug","title":"a"}'],
    ['Node Buffers', [Buffer.from('{"a":1}')], '{"type":"Buffer","data":[123,'],
  ] as const) {
    it(`refuses objects that are no events (${name}), naming the first, and releases the source`, async () => {
      let released = false;
      async function* source() {
        try {
          yield* objects;
        } finally {
          released = true;
        }
      }
      const { count, error } = await settled(decodeObjects(source()));
      expect(count).toBe(0);
      expect(error).toBeInstanceOf(PartialKitError);
      expect((error as Error).message).toMatch(
        /^These objects are neither text deltas, partialkit's protocol/,
      );
      expect((error as Error).message).toContain(`(the first: ${first}`);
      expect(released).toBe(true);
    });
  }
});

describe("decodeObjects: format 'text' (the text is the JSON)", () => {
  async function* deltas() {
    yield '{"a":';
    yield '1}';
  }

  async function events(source: AsyncIterable<unknown>, options: Parameters<typeof decodeObjects>[1]) {
    const out: unknown[] = [];
    for await (const e of decodeObjects(source, options)) out.push(e);
    return out;
  }

  it('yields each string as a text event, as auto does (there is no SSE reader for text)', async () => {
    const text = [
      { type: 'text', text: '{"a":' },
      { type: 'text', text: '1}' },
    ];
    expect(await events(deltas(), { format: 'text' })).toEqual(text);
    expect(await events(deltas(), {})).toEqual(text);
  });

  it('with extractJson (as reask reads each attempt), only the JSON passes', async () => {
    async function* fenced() {
      yield 'Here:\n```json\n{"a":';
      yield '1}\n```';
    }
    expect(await events(fenced(), { format: 'text', extractJson: true })).toEqual([
      { type: 'text', text: '{"a":' },
      { type: 'text', text: '1}' },
    ]);
  });

  it("refuses a provider's event objects, naming the first, not as a reader that is not loaded", async () => {
    let released = false;
    async function* chunks() {
      try {
        yield { choices: [{ index: 0, delta: { content: '{}' } }] }; // an openai chat chunk
      } finally {
        released = true;
      }
    }
    const { count, error } = await settled(decodeObjects(chunks(), { format: 'text' }));
    expect(count).toBe(0);
    expect(error).toBeInstanceOf(PartialKitError);
    expect((error as Error).message).toBe(
      "With format 'text', the source yields text deltas (strings), got objects (the first: " +
        '{"choices":[{"index":0,"delta":{"content":"{}"}}]}): ' +
        "pass the text deltas, or leave format on 'auto' for a provider's SDK stream",
    );
    expect(released).toBe(true);
  });
});

describe('decodeObjects: options', () => {
  it('a bad maxEventSize fails before the source is read (an SDK stream is not left open)', async () => {
    let pulled = 0;
    const source = {
      async *[Symbol.asyncIterator]() {
        pulled++;
        yield 'never read';
      },
    };
    const { error } = await settled(decodeObjects(source, { maxEventSize: -1 }));
    expect(error).toMatchObject({ name: 'InvalidOptionError' });
    expect(pulled).toBe(0);
  });
});
