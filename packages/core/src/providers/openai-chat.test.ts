import { decodeSettled } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import type { DecodeOptions } from '../decode/decode.ts';
import { DecodeError, NetworkError, ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import './index.ts';

const data = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const DONE = 'data: [DONE]\n\n';
/** A chunk of choice 0 whose delta holds `toolCalls`. */
const calls = (...toolCalls: object[]) =>
  data({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: toolCalls } }] });
const finish = (reason: string) =>
  data({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: reason }] });
const content = (text: string) =>
  data({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text } }] });

/** The text of an SSE body and the error it ends with. */
const run = (body: string, options: DecodeOptions = {}) =>
  decodeSettled(new Response(body, { headers: { 'content-type': 'text/event-stream' } }), options).then(
    ({ text, error }) => ({ text, error }),
  );

describe('openai-chat: tool calls', () => {
  // Gemini's OpenAI-compatible endpoint: no `index`, each call whole in its own chunk, its own id.
  const gemini =
    calls({ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }) +
    calls({ id: 'c2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } }) +
    finish('tool_calls') +
    DONE;

  it('a new id opens a new call whatever the index (Gemini: no index, one call per chunk)', async () => {
    expect(await run(gemini, { toolCall: 'get_time' })).toEqual({ text: '{"tz":"CET"}', error: undefined });
    expect(await run(gemini, { toolCall: 'get_weather' })).toEqual({
      text: '{"city":"Paris"}',
      error: undefined,
    });
    expect((await run(gemini, { toolCall: 0 })).text).toBe('{"city":"Paris"}');
    expect((await run(gemini, { toolCall: 1 })).text).toBe('{"tz":"CET"}');
  });

  it('a delta with neither index nor id continues the last call', async () => {
    const body =
      calls({ id: 'c1', function: { name: 'get_weather', arguments: '{"city":' } }) +
      calls({ function: { arguments: '"Paris"}' } }) +
      calls({ id: 'c2', function: { name: 'get_time', arguments: '{"tz":' } }) +
      calls({ function: { arguments: '"CET"}' } }) +
      finish('tool_calls') +
      DONE;
    expect((await run(body, { toolCall: 'get_weather' })).text).toBe('{"city":"Paris"}');
    expect((await run(body, { toolCall: 'get_time' })).text).toBe('{"tz":"CET"}');
    expect((await run(body, { toolCall: 1 })).text).toBe('{"tz":"CET"}');
  });

  it('a delta with neither index nor a non-empty id that names another function opens a new call (Gemini\'s "id": "")', async () => {
    const body =
      calls({ id: '', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }) +
      calls({ id: '', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } }) +
      finish('stop') +
      DONE;
    expect((await run(body, { toolCall: 'get_time' })).text).toBe('{"tz":"CET"}');
    expect((await run(body, { toolCall: 0 })).text).toBe('{"city":"Paris"}');
  });

  it('the same id again continues its call (servers that repeat the id on every delta)', async () => {
    const body =
      calls({ index: 0, id: 'c1', function: { name: 'f', arguments: '{"a":' } }) +
      calls({ index: 0, id: 'c1', function: { arguments: '1}' } }) +
      calls({ index: 1, id: 'c2', function: { name: 'g', arguments: '{"b":2}' } }) +
      finish('tool_calls') +
      DONE;
    expect((await run(body, { toolCall: 'f' })).text).toBe('{"a":1}');
    expect((await run(body, { toolCall: 1 })).text).toBe('{"b":2}');
  });

  it('a name that comes after the first delta (or "" first) still selects the call, its arguments held till then', async () => {
    const body =
      calls({ index: 0, id: 'c1', type: 'function', function: { name: '', arguments: '' } }) +
      calls({ index: 0, function: { arguments: '{"x":' } }) +
      calls({ index: 0, function: { name: 'other', arguments: '1}' } }) +
      calls({ index: 1, id: 'c2', type: 'function', function: { arguments: '{"tz":' } }) +
      calls({ index: 1, function: { name: 'get_time', arguments: '"CET"' } }) +
      calls({ index: 1, function: { arguments: '}' } }) +
      finish('tool_calls') +
      DONE;
    expect(await run(body, { toolCall: 'get_time' })).toEqual({ text: '{"tz":"CET"}', error: undefined });
    expect((await run(body, { toolCall: 'other' })).text).toBe('{"x":1}');
    // By position the calls are chosen as they open, named or not.
    expect((await run(body, { toolCall: 1 })).text).toBe('{"tz":"CET"}');
    expect((await run(body, { toolCall: 'nothing' })).text).toBe('');
  });

  it('OpenAI parallel calls (index and id on the first delta, index alone after) as before', async () => {
    const body =
      calls({ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }) +
      calls({ index: 0, function: { arguments: '{"a":1}' } }) +
      calls({ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '' } }) +
      calls({ index: 1, function: { arguments: '{"b":2}' } }) +
      finish('tool_calls') +
      DONE;
    expect((await run(body, { toolCall: 'g' })).text).toBe('{"b":2}');
    expect((await run(body, { toolCall: 0 })).text).toBe('{"a":1}');
  });
});

describe('openai-chat: a stream that ends before its final event', () => {
  it('is a NetworkError after the text: neither [DONE] nor a finish_reason', async () => {
    const { text, error } = await run(content('{"a":') + content('1}'));
    expect(text).toBe('{"a":1}');
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/ended before the provider's final event/);
  });

  it('a finish_reason without [DONE] (the SDK stream) or [DONE] alone end it well', async () => {
    expect(await run(content('{}') + finish('stop'))).toEqual({ text: '{}', error: undefined });
    expect(await run(content('{}') + DONE)).toEqual({ text: '{}', error: undefined });
  });

  it("another choice's finish_reason does not end the choice read", async () => {
    const other = data({ choices: [{ index: 1, delta: {}, finish_reason: 'stop' }] });
    expect((await run(content('{}') + other)).error).toBeInstanceOf(NetworkError);
  });
});

describe('openai-chat: detection of an error event', () => {
  const error = {
    error: {
      message: 'Tool call validation failed: parameters did not match schema',
      type: 'invalid_request_error',
      code: 'tool_use_failed',
    },
  };
  const body = `event: error\ndata: ${JSON.stringify(error)}\n\n`;

  it('an OpenAI-style error event before any chunk (Groq) is the same ProviderError as mid-stream', async () => {
    const first = await run(body);
    const mid = await run(content('{"a"') + body);
    expect(mid.text).toBe('{"a"');
    for (const { error: e } of [first, mid]) {
      expect(e).toBeInstanceOf(ProviderError);
      expect(e).toMatchObject({
        type: 'tool_use_failed',
        message: 'Tool call validation failed: parameters did not match schema',
      });
    }
  });

  it("partialkit's own flat error event is still partialkit's", async () => {
    const own = `event: error\ndata: ${JSON.stringify({ type: 'overloaded', message: 'Busy' })}\n\n`;
    expect((await run(own)).error).toMatchObject({
      name: 'ProviderError',
      type: 'overloaded',
      message: 'Busy',
    });
    const text = `event: error\ndata: ${JSON.stringify({ error: 'boom' })}\n\n`;
    expect((await run(text)).error).toMatchObject({ name: 'ProviderError', type: 'error' });
  });
});

describe('openai-chat: tool calls told apart by their names', () => {
  // Gemini's OpenAI-compatible endpoint: each call whole in its own chunk, no index, `"id": ""`: here
  // two parallel calls of the same function.
  const sameNameTwice =
    calls({ id: '', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }) +
    calls({ id: '', type: 'function', function: { name: 'get_weather', arguments: '{"city":"London"}' } }) +
    finish('tool_calls') +
    DONE;

  it('two calls of one function with no index and an empty id stay two calls', async () => {
    expect(await run(sameNameTwice, { toolCall: 0 })).toEqual({ text: '{"city":"Paris"}', error: undefined });
    expect(await run(sameNameTwice, { toolCall: 1 })).toEqual({
      text: '{"city":"London"}',
      error: undefined,
    });
    expect(await run(sameNameTwice, { toolCall: 'get_weather' })).toEqual({
      text: '{"city":"Paris"}',
      error: undefined,
    });
  });

  it('a server that repeats the name on every delta (no index, no id or an empty one) sends one call', async () => {
    for (const id of [{}, { id: '' }]) {
      const repeated =
        calls({ ...id, type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }) +
        calls({ ...id, type: 'function', function: { name: 'get_weather', arguments: '"Par}is"}' } }) +
        finish('tool_calls') +
        DONE;
      expect(await run(repeated, { toolCall: 'get_weather' })).toEqual({
        text: '{"city":"Par}is"}',
        error: undefined,
      });
      expect(await run(repeated, { toolCall: 0 })).toEqual({ text: '{"city":"Par}is"}', error: undefined });
      expect((await run(repeated, { toolCall: 1 })).error).toMatchObject({ type: 'tool_call_missing' });
    }
  });

  it('a requested call that never comes is a ProviderError naming it and the calls made, not an empty text', async () => {
    const body =
      content('Hi!') +
      calls({ index: 0, id: 'c1', type: 'function', function: { name: 'other', arguments: '{"a":1}' } }) +
      finish('tool_calls') +
      DONE;
    const byName = await run(body, { toolCall: 'get_weather' });
    expect(byName.text).toBe('');
    expect(byName.error).toBeInstanceOf(ProviderError);
    expect(byName.error).toMatchObject({
      type: 'tool_call_missing',
      message: 'The response has no tool call "get_weather": it called "other"',
    });
    expect((await run(body, { toolCall: 1 })).error).toMatchObject({
      type: 'tool_call_missing',
      message: 'The response has no tool call number 1 (counting from 0): it called "other"',
    });
    expect((await run(content('Hi!') + finish('stop') + DONE, { toolCall: 0 })).error).toMatchObject({
      message: 'The response has no tool call number 0 (counting from 0): it called no tool',
    });
  });
});

describe('openai-chat: calls told by their first id, then by name only; the deprecated functions API', () => {
  it('a call opened by its id and continued by deltas that only repeat the name keeps all its arguments', async () => {
    const body =
      calls({ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } }) +
      calls({ function: { name: 'f', arguments: ':{"b":1}' } }) +
      calls({ function: { name: 'f', arguments: '}' } }) +
      finish('tool_calls') +
      DONE;
    expect(await run(body, { toolCall: 'f' })).toEqual({ text: '{"a":{"b":1}}', error: undefined });
    expect(await run(body, { toolCall: 0 })).toEqual({ text: '{"a":{"b":1}}', error: undefined });
  });

  const legacy = (delta: object, finishReason: string | null = null) =>
    data({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] });
  const functionCall =
    legacy({ role: 'assistant', content: null, function_call: { name: 'f', arguments: '' } }) +
    legacy({ function_call: { arguments: '{"a":' } }) +
    legacy({ function_call: { arguments: '1}' } }) +
    legacy({}, 'function_call') +
    DONE;

  it('reads `delta.function_call` as the one tool call, by name or position', async () => {
    expect(await run(functionCall, { toolCall: 'f' })).toEqual({ text: '{"a":1}', error: undefined });
    expect(await run(functionCall, { toolCall: 0 })).toEqual({ text: '{"a":1}', error: undefined });
  });

  it('without toolCall, a function call and no text is tool_call_unread, not an empty success', async () => {
    const { error } = await run(functionCall);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).type).toBe('tool_call_unread');
    expect((error as Error).message).toMatch(/"f"/);
  });
});

describe('openai-chat: finish reasons that end no whole answer', () => {
  it('"error" (OpenRouter, with no error object) is a ProviderError, "abort" (vLLM) a TruncatedError', async () => {
    const errored = await run(content('{"a":') + finish('error') + DONE);
    expect(errored.text).toBe('{"a":');
    expect(errored.error).toBeInstanceOf(ProviderError);
    expect((errored.error as Error).message).toBe('The response ended with an error (finish_reason "error")');
    const aborted = await run(content('{"a":') + finish('abort') + DONE);
    expect(aborted.text).toBe('{"a":');
    expect(aborted.error).toBeInstanceOf(TruncatedError);
    expect((aborted.error as TruncatedError).reason).toBe('incomplete');
  });
});

describe('openai-chat: what the reader holds back is bounded by maxEventSize', () => {
  const piece = `"${'x'.repeat(98)}"`; // 100 characters
  it("a call's arguments held for a name that never comes: a DecodeError past maxEventSize, not memory without end", async () => {
    const body =
      calls({ index: 0, id: 'c1', type: 'function', function: { arguments: '[' } }) +
      Array.from({ length: 30 }, () => calls({ index: 0, function: { arguments: `${piece},` } })).join('') +
      finish('tool_calls') +
      DONE;
    const { text, error } = await run(body, { toolCall: 'get_time', maxEventSize: 1000 });
    expect(text).toBe('');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({
      message: "Tool calls' arguments before their names exceeded maxEventSize (1000 characters)",
      event: 11, // the first event, then 10 pieces of 101 characters
    });
    // The default (16 Mi) holds them, and the name, once it comes, takes them all.
    const named = body.replace(
      finish('tool_calls'),
      calls({ index: 0, function: { name: 'get_time', arguments: '0]' } }) + finish('tool_calls'),
    );
    expect(await run(named, { toolCall: 'get_time' })).toEqual({
      text: `[${`${piece},`.repeat(30)}0]`,
      error: undefined,
    });
  });

  it('the bound holds for all calls together: many unnamed calls, each under it, are a DecodeError too', async () => {
    const body =
      Array.from({ length: 200 }, (_, i) =>
        calls({ index: i, function: { arguments: 'x'.repeat(90) } }),
      ).join('') +
      finish('tool_calls') +
      DONE;
    expect((await run(body, { toolCall: 'never', maxEventSize: 1000 })).error).toMatchObject({
      name: 'DecodeError',
      event: 12,
    });
    // What a call held is let go once its name comes: named calls, however many, hold nothing.
    const named =
      Array.from(
        { length: 200 },
        (_, i) =>
          calls({ index: i, function: { arguments: 'x'.repeat(90) } }) +
          calls({ index: i, function: { name: `f${i}` } }),
      ).join('') +
      finish('tool_calls') +
      DONE;
    expect((await run(named, { toolCall: 'never', maxEventSize: 1000 })).error).toMatchObject({
      name: 'ProviderError',
      type: 'tool_call_missing',
    });
  });

  it('a refusal longer than maxEventSize is a DecodeError; a shorter one the RefusalError', async () => {
    const refusal = (r: string) =>
      data({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { refusal: r } }] });
    const body = Array.from({ length: 12 }, () => refusal('x'.repeat(100))).join('') + finish('stop') + DONE;
    expect((await run(body, { maxEventSize: 1000 })).error).toMatchObject({
      name: 'DecodeError',
      message: 'The refusal exceeded maxEventSize (1000 characters)',
      event: 11,
    });
    const { error } = await run(body, { maxEventSize: 1200 });
    expect(error).toBeInstanceOf(RefusalError);
    expect((error as RefusalError).refusal).toBe('x'.repeat(1200));
  });
});
