import '../providers/index.ts';
import { fixture } from '@partialkit/test-utils/fixtures';
import { decodeSettled } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  HTTPError,
  InvalidOptionError,
  PartialKitError,
  ProviderError,
  RefusalError,
  TruncatedError,
} from '../errors.ts';
import { type DecodeOptions, decode, decodeText } from './decode.ts';
import { encodeProtocolEvent } from './protocol.ts';

const enc = new TextEncoder();

async function collect(
  source: Parameters<typeof decodeText>[0],
  options: DecodeOptions = {},
): Promise<string> {
  let out = '';
  for await (const t of decodeText(source, options)) out += t;
  return out;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Every two-piece split of a text, as strings. */
function splits(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);
}

const chat = (content: string, extra = '') =>
  `{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}}${extra}}]}`;

describe('SSE framing (eventsource-parser underneath)', () => {
  const lf = `data: ${chat('{"a":')}\n\ndata: ${chat('"x\\ny"}')}\n\ndata: [DONE]\n\n`;
  const expected = '{"a":"x\\ny"}';

  it('accepts LF, CRLF and CR line ends, at every split', async () => {
    for (const text of [lf, lf.replaceAll('\n', '\r\n'), lf.replaceAll('\n', '\r')]) {
      for (const chunks of splits(text)) expect(await collect(chunks)).toBe(expected);
    }
  });

  it('drops a UTF-8 BOM and skips comment lines', async () => {
    const body = enc.encode(`\uFEFF: keep-alive\n\n: OPENROUTER PROCESSING\n\n${lf}`);
    expect(body[0]).toBe(0xef);
    expect(await collect([body])).toBe(expected);
  });

  it('joins multi-line data fields', async () => {
    const text = `data: {"object":"chat.completion.chunk",\ndata: "choices":[{"index":0,"delta":{"content":"[1]"}}]}\n\ndata: [DONE]\n\n`;
    expect(await collect([text], { format: 'openai-chat' })).toBe('[1]');
  });

  it('keeps a UTF-8 emoji split across byte chunks', async () => {
    const bytes = enc.encode(`data: ${chat('["🎉 é"]')}\n\ndata: [DONE]\n\n`);
    const at = bytes.indexOf(0xf0) + 2;
    expect(await collect([bytes.slice(0, at), bytes.slice(at)])).toBe('["🎉 é"]');
    expect(await collect(Array.from(bytes, (b) => new Uint8Array([b])))).toBe('["🎉 é"]');
  });

  it('reads the last event even without a trailing blank line', async () => {
    const last = chat('[1]', ',"finish_reason":"stop"');
    expect(await collect([`data: ${last}`], { format: 'openai-chat' })).toBe('[1]');
  });
});

describe('source types', () => {
  it('a body cut inside a character ends without half of it (no U+FFFD for a character never sent)', async () => {
    const bytes = enc.encode('{"a": "café"}').slice(0, -3); // up to the first byte of é
    const body = new Response(new Blob([bytes]).stream(), { headers: { 'content-type': 'text/plain' } });
    expect(await collect(body)).toBe('{"a": "caf');
  });

  const body = `data: ${chat('{"ok":true}')}\n\ndata: [DONE]\n\n`;

  it('reads a Response, a ReadableStream, an async iterable and an array', async () => {
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(enc.encode(body));
          c.close();
        },
      });
    async function* gen() {
      yield body;
    }
    expect(await collect(new Response(stream(), { headers: { 'content-type': 'text/event-stream' } }))).toBe(
      '{"ok":true}',
    );
    expect(await collect(stream())).toBe('{"ok":true}');
    expect(await collect(gen())).toBe('{"ok":true}');
    expect(await collect([body])).toBe('{"ok":true}');
  });

  it('throws HTTPError with the status and body of a non-2xx response', async () => {
    const res = new Response('{"error":{"message":"bad key"}}', { status: 401, statusText: 'Unauthorized' });
    const error = (await failure(collect(res))) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.status).toBe(401);
    expect(error.body).toBe('{"error":{"message":"bad key"}}');
    expect(error.message).toBe('HTTP 401 Unauthorized: bad key');
  });

  it("an HTTPError's message is what its body says: a JSON error's message, an SSE error event's, else the text", async () => {
    const cases: Array<[string, string]> = [
      ['{"message":"slow down"}', 'HTTP 429: slow down'],
      ['{"error":"no such model"}', 'HTTP 429: no such model'],
      [
        ': partialkit\n\nevent: error\ndata: {"type":"stream_not_found","message":"No stream with id x"}\n\n',
        'HTTP 429: No stream with id x',
      ],
      // Any SSE framing: an id line inside the event, CRLF, a data field split over lines.
      ['id: 7\r\nevent: error\r\nid: 8\r\ndata: {"message":"gone"}\r\n\r\n', 'HTTP 429: gone'],
      ['event:error\ndata: {"message":\ndata: "two lines"}\n\n', 'HTTP 429: two lines'],
      ['Too many requests, try later', 'HTTP 429: Too many requests, try later'],
      ['{"error":{"code":42}}', 'HTTP 429: {"error":{"code":42}}'],
      [
        '{"error":{"message":"","code":"invalid_api_key"}}',
        'HTTP 429: {"error":{"message":"","code":"invalid_api_key"}}',
      ],
      ['null', 'HTTP 429: null'],
      ['', 'HTTP 429'],
    ];
    for (const [body, message] of cases) {
      const error = (await failure(collect(new Response(body, { status: 429 })))) as HTTPError;
      expect(error.message).toBe(message);
      expect(error.body).toBe(body);
    }
  });

  it('stops and cancels the source when the signal aborts', async () => {
    let pulls = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        c.enqueue(enc.encode(`data: ${chat('[1,')}\n\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const ac = new AbortController();
    let received = '';
    const error = await failure(
      (async () => {
        for await (const t of decodeText(stream, { signal: ac.signal })) {
          received += t;
          if (received.length >= 6) ac.abort(new Error('user stopped'));
        }
      })(),
    );
    expect((error as Error).message).toBe('user stopped');
    expect(received).toBe('[1,[1,');
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(5);
  });
});

describe('format detection', () => {
  it('finds each format from the first event, and plain text otherwise', async () => {
    expect(await collect(['  {"a": [1, 2]}'])).toBe('  {"a": [1, 2]}');
    expect(await collect(['[', '{"x": 1}]'])).toBe('[{"x": 1}]');
    expect(await collect(['da', 'ta: "[1]"\n\nevent: done\ndata: {}\n\n'])).toBe('[1]');
    expect(
      await collect([
        `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"[2]"}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n`,
      ]),
    ).toBe('[2]');
    expect(
      await collect([
        `data: {"type":"response.output_text.delta","output_index":0,"delta":"[3]"}\n\ndata: {"type":"response.completed"}\n\n`,
      ]),
    ).toBe('[3]');
    expect(
      await collect([
        `data: {"candidates":[{"content":{"parts":[{"text":"[4]"}]},"finishReason":"STOP"}]}\n\n`,
      ]),
    ).toBe('[4]');
    expect(await collect(['data: [5,\n\ndata: 6]\n\n'])).toBe('[5,6]');
  });

  for (const line of ['{"type":"error","message":"Overloaded"}', '{"error":{"message":"Overloaded"}}']) {
    it(`with the providers loaded, a first event that is an error object none claims fails the stream: ${line}`, async () => {
      const { text, error } = await decodeSettled(
        new Response(`data: ${line}\n\n`, { headers: { 'content-type': 'text/event-stream' } }),
      );
      expect(text).toBe('');
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as Error).message).toContain('Overloaded');
    });
  }

  it("raw JSON data lines: OpenAI's `[DONE]` marker, which such servers copy, is not text", async () => {
    const wire = 'data: {"a":\n\ndata: 1}\n\ndata: [DONE]\n\n';
    const { text, error } = await decodeSettled([wire]);
    expect({ text, error }).toEqual({ text: '{"a":1}', error: undefined });
  });

  it('a format given that the stream is not is a DecodeError naming the one it is, not a lost connection', async () => {
    const sse = (name: string) =>
      new Response(fixture(name), { headers: { 'content-type': 'text/event-stream' } });
    for (const [name, given, seen] of [
      ['openai-chat-json-schema.sse', 'anthropic', 'openai-chat'],
      ['anthropic-tool-input-json.sse', 'openai-chat', 'anthropic'],
      ['gemini-sse-json-schema.sse', 'partialkit', 'gemini'],
      ['openai-responses-function-call-args.sse', 'gemini', 'openai-responses'],
    ] as const) {
      const { text, error } = await decodeSettled(sse(name), { format: given });
      expect(text, name).toBe('');
      expect(error, name).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).message).toMatch(
        new RegExp(
          `^Event \\d+ is of the format '${seen}', not '${given}' as given: pass format: '${seen}', or 'auto'$`,
        ),
      );
      expect((error as DecodeError).snippet.length).toBeGreaterThan(0);
      // As given rightly, the same stream reads (its text, or tool_call_unread for a tool call's).
      const right = await decodeSettled(sse(name), { format: seen });
      expect(right.text.length > 0 || (right.error as ProviderError).type === 'tool_call_unread', name).toBe(
        true,
      );
    }
  });

  it("a declared format's stream opened by another provider's error shape (a gateway) keeps that error", async () => {
    for (const [error, type] of [
      ['{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'overloaded_error'],
      ['{"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}}', undefined],
    ] as const) {
      const body = new Response(`data: ${error}\n\n`, { headers: { 'content-type': 'text/event-stream' } });
      const { error: thrown } = await decodeSettled(body, { format: 'openai-chat' });
      expect(thrown, error).toBeInstanceOf(ProviderError);
      if (type) expect((thrown as ProviderError).type).toBe(type);
    }
  });

  it('a choice (candidate) the response does not have is choice_missing, naming those it has', async () => {
    for (const name of ['openai-chat-json-schema.sse', 'gemini-sse-json-schema.sse']) {
      const sse = () => new Response(fixture(name), { headers: { 'content-type': 'text/event-stream' } });
      const { text, error } = await decodeSettled(sse(), { choice: 1 });
      expect(text, name).toBe('');
      expect(error, name).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({
        type: 'choice_missing',
        message: 'The response has no choice 1 (counting from 0): it has choice 0',
      });
      expect((await decodeSettled(sse(), { choice: 0 })).error, name).toBeUndefined();
    }
  });

  it('a format it does not know is an InvalidOptionError naming the known ones, not a reader to import', async () => {
    const { error } = await decodeSettled([`data: ${chat('{}')}\n\n`], { format: 'openai' as 'openai-chat' });
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as Error).message).toBe(
      "Invalid option format: expected one of 'auto', 'text', 'partialkit', 'ai-sdk', 'openai-chat', 'openai-responses', " +
        `'anthropic', 'gemini', got "openai"`,
    );
  });

  // Without the readers such fields ask for them (providers-opt-in.test.ts); loaded, they had the same
  // error, telling to add the import that was there.
  for (const line of ['{"type":"note","text":"hi"}', '{"object":"invoice","total":3}']) {
    it(`with the providers loaded, an app's JSON line none claims is raw JSON data: ${line}`, async () => {
      const { text, error } = await decodeSettled(
        new Response(`data: ${line}\n\ndata: ${line}\n\n`, {
          headers: { 'content-type': 'text/event-stream' },
        }),
      );
      expect(error).toBeUndefined();
      expect(text).toBe(line + line);
    });
  }

  it("partialkit's stream opened by an event of a type it does not know, with a JSON object, is still partialkit's", async () => {
    const read = async (body: string) => {
      const { text, error } = await decodeSettled(
        new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
      );
      return { text, error };
    };
    // A later version's metadata first: skipped, as the protocol's reader skips any unknown event.
    const later =
      'event: meta\ndata: {"model":"gpt"}\n\ndata: "{\\"a\\":"\n\ndata: "1}"\n\nevent: done\ndata: {}\n\n';
    expect(await read(later)).toEqual({ text: '{"a":1}', error: undefined });
    // Named events that all hold JSON objects are an app's raw JSON data, as before.
    const named = 'event: update\ndata: {"a":\n\nevent: update\ndata: 1}\n\n';
    expect(await read(named)).toEqual({ text: '{"a":1}', error: undefined });
    const alone = 'event: update\ndata: {"a":1}\n\n';
    expect(await read(alone)).toEqual({ text: '{"a":1}', error: undefined });
  });

  it("an app's JSON array whose first key is `error` is text, not Gemini's stream", async () => {
    const body = '[{"error":"none","id":1},{"error":"late","id":2}]';
    expect(await collect([body])).toBe(body);
  });
});

describe('provider edge cases', () => {
  it('openai-chat: picks a choice, ignores others, refuses and truncates', async () => {
    const two = `data: {"choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"content":"A"}}]}\n\ndata: [DONE]\n\n`;
    expect(await collect([two])).toBe('A');
    expect(await collect([two], { choice: 1 })).toBe('B');
    const refusal = `data: {"choices":[{"index":0,"delta":{"refusal":"No."},"finish_reason":"stop"}]}\n\n`;
    expect(await failure(collect([refusal]))).toEqual(new RefusalError('No.'));
    const length = `data: ${chat('{"a":', ',"finish_reason":"length"')}\n\n`;
    const e = (await failure(collect([length]))) as TruncatedError;
    expect(e).toBeInstanceOf(TruncatedError);
    expect(e.reason).toBe('length');
  });

  it('openai-chat: an error object inside a chunk (OpenRouter) is a ProviderError', async () => {
    const text = `data: ${chat('{"a"')}\n\ndata: {"error":{"message":"Upstream overloaded","code":502}}\n\n`;
    const { text: got, error } = await decodeSettled([text]);
    expect(got).toBe('{"a"');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: '502', message: 'Upstream overloaded' });
  });

  it('anthropic: a mid-stream error event and a refusal', async () => {
    const start = `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`;
    const err = `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
    expect(await failure(collect([start, err]))).toMatchObject({
      type: 'overloaded_error',
      message: 'Overloaded',
    });
    const refuse = `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"refusal"}}\n\n`;
    expect(await failure(collect([start, refuse]))).toBeInstanceOf(RefusalError);
  });

  it('openai-responses: incomplete responses are truncations', async () => {
    const text = `data: {"type":"response.output_text.delta","output_index":0,"delta":"{"}\n\ndata: {"type":"response.incomplete","response":{"incomplete_details":{"reason":"max_output_tokens"}}}\n\n`;
    expect(await failure(collect([text]))).toMatchObject({ name: 'TruncatedError', reason: 'max_tokens' });
  });

  it('gemini: thought parts are skipped, MAX_TOKENS truncates, function calls are whole', async () => {
    const text = `data: {"candidates":[{"content":{"parts":[{"text":"thinking","thought":true},{"text":"[1"}]}}]}\r\n\r\ndata: {"candidates":[{"content":{"parts":[{"text":","}]},"finishReason":"MAX_TOKENS"}]}\r\n\r\n`;
    const { text: got, error: e } = await decodeSettled([text]);
    expect(got).toBe('[1,');
    expect(e).toMatchObject({ name: 'TruncatedError', reason: 'max_tokens' });
    const call = `data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"x":1}}},{"functionCall":{"name":"g","args":{"y":2}}}]},"finishReason":"STOP"}]}\n\n`;
    expect(await collect([call], { toolCall: 'g' })).toBe('{"y":2}');
  });
});

describe("AI SDK's UI message stream without '@partialkit/core/ai-sdk' (the providers loaded)", () => {
  // What `toUIMessageStreamResponse()` sends; a proxy may drop its `x-vercel-ai-ui-message-stream` header.
  const parts = [
    '{"type":"start"}',
    '{"type":"start-step"}',
    '{"type":"text-start","id":"t"}',
    '{"type":"text-delta","id":"t","delta":"{}"}',
    '{"type":"text-end","id":"t"}',
    '{"type":"finish-step"}',
    '{"type":"finish","finishReason":"stop"}',
    '[DONE]',
  ];
  const body = (from = 0) =>
    parts
      .slice(from)
      .map((d) => `data: ${d}\n\n`)
      .join('');
  const MISSING =
    "This response is AI SDK's UI message stream and its reader is not loaded: add " +
    "`import '@partialkit/core/ai-sdk'`, or send partialkit's protocol with `toPartialResponse`";
  const sse = (chunks: string[], headers: Record<string, string> = {}) =>
    new Response(new Blob(chunks).stream(), {
      headers: { 'content-type': 'text/event-stream', ...headers },
    });

  it('names the ai-sdk entry whether the header is there or gone, at every split', async () => {
    for (const chunks of splits(body())) {
      for (const headers of [{}, { 'x-vercel-ai-ui-message-stream': 'v1' }]) {
        const { text, error } = await decodeSettled(sse(chunks, headers));
        expect({ text, message: (error as Error).message }, JSON.stringify(chunks)).toEqual({
          text: '',
          message: MISSING,
        });
      }
    }
  });

  it('names it for a stream read from mid-way too (a text, tool or data part first)', async () => {
    const tool = '{"type":"tool-input-delta","toolCallId":"c","inputTextDelta":"{"}';
    for (const first of [body(3), `data: ${tool}\n\n`, 'data: {"type":"data-status","data":{}}\n\n']) {
      expect(((await decodeSettled(sse([first]))).error as Error).message).toBe(MISSING);
    }
  });
});

describe("partialkit's own protocol", () => {
  it('round-trips text with newlines, resets and done', async () => {
    const wire = [
      encodeProtocolEvent({ type: 'text', text: '{"a":\n"\r' }),
      encodeProtocolEvent({ type: 'reset', attempt: 2 }),
      encodeProtocolEvent({ type: 'text', text: '[1]' }),
      encodeProtocolEvent({ type: 'done' }),
      encodeProtocolEvent({ type: 'text', text: 'ignored after done' }),
    ].join('');
    const events = [];
    for await (const e of decode([wire])) events.push(e);
    expect(events).toEqual([
      { type: 'text', text: '{"a":\n"\r' },
      { type: 'reset', attempt: 2 },
      { type: 'text', text: '[1]' },
    ]);
    const error = await failure(collect([wire]));
    expect(error).toBeInstanceOf(PartialKitError);
    expect((error as Error).message).toContain('attempt 2');
  });

  it('ignores an event of a type it does not know (a proxy ping), which is not text', async () => {
    const wire =
      encodeProtocolEvent({ type: 'text', text: '{"a":' }) +
      'event: ping\ndata: {}\n\n' +
      encodeProtocolEvent({ type: 'text', text: '1}' }) +
      encodeProtocolEvent({ type: 'done' });
    for (const chunks of splits(wire)) {
      const { text, error } = await decodeSettled(chunks);
      expect({ text, error }).toEqual({ text: '{"a":1}', error: undefined });
    }
  });

  it('turns an error event into a ProviderError after the text before it', async () => {
    const wire =
      encodeProtocolEvent({ type: 'text', text: '[1' }) +
      encodeProtocolEvent({ type: 'error', error: { type: 'upstream', message: 'boom' } });
    const { text: got, error } = await decodeSettled([wire]);
    expect(got).toBe('[1');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'upstream', message: 'boom' });
  });

  it('refuses an event id that SSE cannot carry (a line break would forge the next field)', () => {
    for (const id of ['1\nevent: done', '1\r', 'a\0b']) {
      expect(() => encodeProtocolEvent({ type: 'text', text: 'x', id })).toThrow(PartialKitError);
    }
    expect(() => encodeProtocolEvent({ type: 'done', id: '1\ndata: x' })).toThrow(/line break or NUL/);
    expect(encodeProtocolEvent({ type: 'text', text: 'x', id: '17' })).toBe('id: 17\ndata: "x"\n\n');
  });
});

describe('extractJson', () => {
  it('strips prose and a ```json fence, streaming, at every split', async () => {
    const text = 'Sure! Here it is:\n```json\n{"a": "}{ ```", "b": [1, {"c": "\\""}]}\n```\nAnything else?';
    for (const chunks of splits(text)) {
      expect(await collect(chunks, { format: 'text', extractJson: true })).toBe(
        '{"a": "}{ ```", "b": [1, {"c": "\\""}]}',
      );
    }
  });

  it('passes text on as soon as the value starts', async () => {
    const it = decodeText(['```json\n{"a', '": 1', '}\n```'], { format: 'text', extractJson: true });
    expect((await it.next()).value).toBe('{"a');
    expect((await it.next()).value).toBe('": 1');
    expect((await it.next()).value).toBe('}');
    expect((await it.next()).done).toBe(true);
  });
});

describe('bounds', () => {
  it('rejects an SSE event larger than maxEventSize', async () => {
    const huge = `data: ${'x'.repeat(5000)}\n\n`;
    const { error } = await decodeSettled([huge.slice(0, 2000), huge.slice(2000)], { maxEventSize: 1000 });
    expect(error).toBeInstanceOf(PartialKitError);
    expect((error as Error).message).toBe('SSE event 1 exceeded maxEventSize (1000 characters)');
  });

  // NaN (say, `Number(process.env.UNSET)`) failed every comparison: the bound was off.
  for (const bad of [Number.NaN, -1, 2.5, null, '1000']) {
    it(`refuses maxEventSize ${String(bad)} with an InvalidOptionError, before reading an event`, async () => {
      const wire = `data: ${chat('{"a":1}')}\n\ndata: [DONE]\n\n`;
      const { text, error } = await decodeSettled([wire], { maxEventSize: bad as number });
      expect(text).toBe('');
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ option: 'maxEventSize' });
    });
  }
});
