import { fixture } from '@partialkit/test-utils/fixtures';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decode } from '../decode/decode.ts';
import { ProviderError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import './index.ts';

// A model that only called a tool, read without `decode.toolCall`: its empty text used to end as a
// TruncatedError ("the stream ended before the JSON was complete"), which points at the network.

const sse = (body: string) => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
const events = (...data: unknown[]) => data.map((d) => `data: ${JSON.stringify(d)}\n\n`).join('');

async function failure(body: string): Promise<unknown> {
  try {
    for await (const _ of streamPartial(z.object({}).loose(), sse(body)));
  } catch (error) {
    return error;
  }
  return undefined;
}

const unread = (called: string, option: string) =>
  expect.objectContaining({
    name: 'ProviderError',
    type: 'tool_call_unread',
    message: `The response has no text: the model called ${called}; read a tool call's arguments with decode: { toolCall: ${option} }`,
  });

/** Anthropic's recorded tool call without the text block before it. */
const anthropicToolOnly = fixture('anthropic-tool-input-json.sse')
  .split('\n\n')
  .filter((event) => !/"index":0\b/.test(event))
  .join('\n\n');

describe('a response that only called a tool, read without decode.toolCall', () => {
  it('OpenAI chat (recorded): a ProviderError naming the tool and the option', async () => {
    const error = await failure(fixture('openai-chat-tool-call-strict.sse'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toEqual(unread('"get_weather"', '"get_weather"'));
  });

  it('OpenAI chat, parallel calls (recorded): every tool is named', async () => {
    const error = (await failure(fixture('openai-chat-tool-calls-parallel.sse'))) as Error;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toMatch(/^The response has no text: the model called "\w+", "\w+"/);
  });

  it('OpenAI Responses (recorded)', async () => {
    expect(await failure(fixture('openai-responses-function-call-args.sse'))).toEqual(
      unread('"get_capital"', '"get_capital"'),
    );
  });

  it('Anthropic (recorded, its text block cut out)', async () => {
    expect(anthropicToolOnly).toContain('"name":"get_weather"');
    expect(anthropicToolOnly).not.toContain('text_delta');
    expect(await failure(anthropicToolOnly)).toEqual(unread('"get_weather"', '"get_weather"'));
  });

  it('Gemini', async () => {
    const body = events({
      candidates: [
        {
          content: { parts: [{ functionCall: { name: 'lookup', args: { q: 'x' } } }], role: 'model' },
          finishReason: 'STOP',
          index: 0,
        },
      ],
    });
    expect(await failure(body)).toEqual(unread('"lookup"', '"lookup"'));
  });

  it('with toolCall the same streams are read; with text beside the call, the text is', async () => {
    const read = async (body: string, toolCall?: string) => {
      let text = '';
      for await (const e of decode(sse(body), toolCall === undefined ? {} : { toolCall }))
        if (e.type === 'text') text += e.text;
      return text;
    };
    expect(JSON.parse(await read(fixture('openai-chat-tool-call-strict.sse'), 'get_weather'))).toBeTypeOf(
      'object',
    );
    expect(JSON.parse(await read(anthropicToolOnly, 'get_weather'))).toEqual({ location: 'Paris' });
    // prose and a call: the prose is the text, as before (decode does not judge whether it is JSON)
    expect(await read(fixture('anthropic-tool-input-json.sse'))).toBe(
      "I'll check the current weather in Paris for you.",
    );
  });
});
