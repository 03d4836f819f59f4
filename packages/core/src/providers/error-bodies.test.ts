// A provider's error with fields of the wrong type (`"message": {"toString": 0}`, which String() cannot
// convert): still the ProviderError it is, named by the fields that are text or by the reader's
// fallback, the partial before it kept. Never a bare TypeError, which a server reports as "internal".
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { WireFormat } from '../decode/decode.ts';
import { ProviderError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import './index.ts';

const HOSTILE = { toString: 0 };
const sse = (events: unknown[]) =>
  new Response(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''), {
    headers: { 'content-type': 'text/event-stream' },
  });
const openaiDelta = (content: string) => ({ choices: [{ index: 0, delta: { content } }] });

const cases: Array<[string, WireFormat, unknown[], { type: string; message: string }]> = [
  [
    'OpenAI Chat, an object as message and code',
    'openai-chat',
    [openaiDelta('{"a": "kept'), { error: { message: HOSTILE, code: HOSTILE, type: 'server_error' } }],
    {
      type: 'server_error',
      message: '{"error":{"message":{"toString":0},"code":{"toString":0},"type":"server_error"}}',
    },
  ],
  [
    'OpenAI Chat, a numeric code',
    'openai-chat',
    [openaiDelta('{"a": "kept'), { error: { message: 'Overloaded', code: 529 } }],
    { type: '529', message: 'Overloaded' },
  ],
  [
    'OpenAI Responses, response.failed with an object as message',
    'openai-responses',
    [
      { type: 'response.output_text.delta', delta: '{"a": "kept' },
      { type: 'response.failed', response: { error: { code: HOSTILE, message: HOSTILE } } },
    ],
    { type: 'response_failed', message: 'The response failed' },
  ],
  [
    'Gemini, an object as message and status',
    'gemini',
    [
      { candidates: [{ content: { parts: [{ text: '{"a": "kept' }] }, index: 0 }] },
      { error: { code: 503, message: HOSTILE, status: HOSTILE } },
    ],
    { type: '503', message: 'Gemini error' },
  ],
];

describe('provider errors whose fields are not text', () => {
  for (const [name, format, events, expected] of cases) {
    it(`${name}: a ProviderError, the partial kept`, async () => {
      const snapshots: unknown[] = [];
      let error: unknown;
      try {
        for await (const s of streamPartial(z.object({ a: z.string() }), sse(events), { decode: { format } }))
          snapshots.push(s);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProviderError);
      expect({ type: (error as ProviderError).type, message: (error as Error).message }).toEqual(expected);
      expect(snapshots.at(-1)).toEqual({ a: 'kept' });
    });
  }

  it('a tool name that is not text (Anthropic): the missing call is named, not a TypeError', async () => {
    const ev = (e: Record<string, unknown>) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
    const body = [
      ev({ type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', content: [] } }),
      ev({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 't', name: HOSTILE, input: {} },
      }),
      ev({ type: 'content_block_stop', index: 0 }),
      ev({ type: 'message_delta', delta: { stop_reason: 'tool_use' } }),
      ev({ type: 'message_stop' }),
    ].join('');
    const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    const stream = streamPartial(z.object({ a: z.string() }), response, {
      decode: { format: 'anthropic', toolCall: 'extract' },
    });
    const error = await (async () => {
      for await (const _ of stream);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).type).toBe('tool_call_missing');
    expect((error as Error).message).toBe('The response has no tool call "extract": it called ""');
  });
});
