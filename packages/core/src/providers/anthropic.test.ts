import { decodeSettled } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import type { DecodeOptions } from '../decode/decode.ts';
import { NetworkError, ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import './index.ts';

const ev = (o: Record<string, unknown>) => `event: ${o.type}\ndata: ${JSON.stringify(o)}\n\n`;

const START =
  ev({
    type: 'message_start',
    message: { id: 'm', type: 'message', role: 'assistant', content: [], stop_reason: null },
  }) + ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
const delta = (text: string) =>
  ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
const stop = (stop_reason: string, stop_details: unknown = null) =>
  ev({ type: 'content_block_stop', index: 0 }) +
  ev({ type: 'message_delta', delta: { stop_reason, stop_sequence: null, stop_details }, usage: {} });
const MESSAGE_STOP = ev({ type: 'message_stop' });

/** The text of an SSE body and the error it ends with. */
const run = (body: string, options: DecodeOptions = {}) =>
  decodeSettled(new Response(body, { headers: { 'content-type': 'text/event-stream' } }), options).then(
    ({ text, error }) => ({ text, error }),
  );

describe('anthropic: stop reasons', () => {
  it('pause_turn is a TruncatedError (incomplete) that says to send the turn back, after the text', async () => {
    const { text, error } = await run(START + delta('{"a":') + stop('pause_turn') + MESSAGE_STOP);
    expect(text).toBe('{"a":');
    expect(error).toBeInstanceOf(TruncatedError);
    expect((error as TruncatedError).reason).toBe('incomplete');
    expect((error as Error).message).toMatch(/paused.*send .*back/i);
  });

  it('model_context_window_exceeded is a TruncatedError (max_tokens)', async () => {
    const { error } = await run(
      START + delta('{"a":') + stop('model_context_window_exceeded') + MESSAGE_STOP,
    );
    expect(error).toBeInstanceOf(TruncatedError);
    expect((error as TruncatedError).reason).toBe('max_tokens');
    expect((error as Error).message).toContain('model_context_window_exceeded');
  });

  it("a refusal's stop_details explanation (and category) is in the RefusalError", async () => {
    const details = { type: 'refusal', category: 'cyber', explanation: 'This could enable malware.' };
    const { error } = await run(START + stop('refusal', details) + MESSAGE_STOP);
    expect(error).toBeInstanceOf(RefusalError);
    expect((error as RefusalError).refusal).toContain('This could enable malware.');
    expect((error as RefusalError).refusal).toContain('cyber');
    const bare = await run(START + stop('refusal') + MESSAGE_STOP);
    expect((bare.error as RefusalError).refusal).toBe('The model declined to answer (stop_reason "refusal")');
  });

  it('end_turn and tool_use end the stream well', async () => {
    expect(await run(START + delta('{}') + stop('end_turn') + MESSAGE_STOP)).toEqual({
      text: '{}',
      error: undefined,
    });
  });
});

describe('anthropic: a stream that ends before its final event', () => {
  it('without message_stop nor a stop_reason is a NetworkError, after the text', async () => {
    const { text, error } = await run(START + delta('{"a":') + delta('1}'));
    expect(text).toBe('{"a":1}');
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/ended before the provider's final event/);
  });

  it('a message_delta with its stop_reason is enough (the body closed before message_stop)', async () => {
    expect(await run(START + delta('{}') + stop('end_turn'))).toEqual({ text: '{}', error: undefined });
  });
});

describe('anthropic: tool calls', () => {
  const message = ev({
    type: 'message_start',
    message: { id: 'm', type: 'message', role: 'assistant', content: [] },
  });
  const toolStart = (index: number, name: string) =>
    ev({
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: `t${index}`, name, input: {} },
    });
  const json = (index: number, partial_json: string) =>
    ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
  const end = (index: number) =>
    ev({ type: 'content_block_stop', index }) +
    ev({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: {} }) +
    MESSAGE_STOP;

  it('a call with no arguments (input {} and an empty partial_json) is {}, as the other providers give it', async () => {
    expect(
      await run(message + toolStart(0, 'get_time') + json(0, '') + end(0), { toolCall: 'get_time' }),
    ).toEqual({
      text: '{}',
      error: undefined,
    });
    // No delta at all: the same.
    expect(await run(message + toolStart(0, 'get_time') + end(0), { toolCall: 0 })).toEqual({
      text: '{}',
      error: undefined,
    });
    // Arguments that stream are passed on as they come, with no `{}` added.
    expect(
      await run(message + toolStart(0, 'f') + json(0, '{"a":') + json(0, '1}') + end(0), { toolCall: 'f' }),
    ).toEqual({
      text: '{"a":1}',
      error: undefined,
    });
  });

  it('a requested call that never comes is a ProviderError naming it and the calls made', async () => {
    const { text, error } = await run(message + toolStart(0, 'other') + json(0, '{"a":1}') + end(0), {
      toolCall: 'get_time',
    });
    expect(text).toBe('');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      type: 'tool_call_missing',
      message: 'The response has no tool call "get_time": it called "other"',
    });
  });
});

describe('anthropic: server tools', () => {
  it('toolCall by position counts the client tools only, not a web search Anthropic runs itself', async () => {
    const body =
      START +
      ev({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'server_tool_use', id: 's1', name: 'web_search', input: {} },
      }) +
      ev({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' },
      }) +
      ev({ type: 'content_block_stop', index: 0 }) +
      ev({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'web_search_tool_result', tool_use_id: 's1', content: [] },
      }) +
      ev({ type: 'content_block_stop', index: 1 }) +
      ev({
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 't1', name: 'extract', input: {} },
      }) +
      ev({
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"a":1}' },
      }) +
      ev({ type: 'content_block_stop', index: 2 }) +
      stop('tool_use') +
      MESSAGE_STOP;
    expect(await run(body, { toolCall: 0 })).toEqual({ text: '{"a":1}', error: undefined });
    expect(await run(body, { toolCall: 'extract' })).toEqual({ text: '{"a":1}', error: undefined });
  });
});
