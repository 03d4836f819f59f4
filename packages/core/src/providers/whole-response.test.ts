import { chunksOf, decodeSettled } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DecodeError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import './index.ts';

const answer = JSON.stringify({ name: 'Ada', year: 1843 });
// The bodies as the APIs send them without `stream: true` (OpenAI pretty-prints its JSON).
const WHOLE = {
  'openai-chat': JSON.stringify(
    {
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      object: 'chat.completion',
      created: 1741569952,
      model: 'gpt-4.1-2025-04-14',
      choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
    },
    null,
    2,
  ),
  openrouter: JSON.stringify({
    id: 'gen-1741569952-abc',
    provider: 'OpenAI',
    model: 'openai/gpt-4o',
    object: 'chat.completion',
    created: 1741569952,
    choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
  }),
  'openai-responses': JSON.stringify(
    {
      id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
      object: 'response',
      created_at: 1741476542,
      status: 'completed',
      output: [{ type: 'message', content: [{ type: 'output_text', text: answer }] }],
    },
    null,
    2,
  ),
  anthropic: JSON.stringify({
    id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: answer }],
    stop_reason: 'end_turn',
  }),
  gemini: JSON.stringify({
    candidates: [{ content: { parts: [{ text: answer }], role: 'model' }, finishReason: 'STOP' }],
    modelVersion: 'gemini-2.5-flash',
  }),
} as const;
const MESSAGES: Record<keyof typeof WHOLE, string> = {
  'openai-chat': 'an OpenAI chat completion in one piece, not a stream: request it with "stream": true',
  openrouter: 'an OpenAI chat completion in one piece, not a stream: request it with "stream": true',
  'openai-responses': 'an OpenAI response in one piece, not a stream: request it with "stream": true',
  anthropic: 'an Anthropic message in one piece, not a stream: request it with "stream": true',
  gemini:
    'a Gemini generateContent response in one piece, not a stream: request it with streamGenerateContent (with ?alt=sse)',
};
const json = (body: string, size = body.length) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of chunksOf(body, size)) controller.enqueue(new TextEncoder().encode(piece));
        controller.close();
      },
    }),
    { headers: { 'content-type': 'application/json; charset=utf-8' } },
  );

describe("a provider's answer asked for without streaming", () => {
  for (const [name, body] of Object.entries(WHOLE) as Array<[keyof typeof WHOLE, string]>) {
    it(`${name}: a DecodeError that says to stream it, before any text (format auto, and named)`, async () => {
      const formats = name === 'openrouter' ? ['auto', 'openai-chat'] : ['auto', name];
      for (const format of formats) {
        const { text, error } = await decodeSettled(json(body), { format: format as 'auto' });
        expect(text, format).toBe('');
        expect(error, format).toBeInstanceOf(DecodeError);
        expect((error as DecodeError).message, format).toBe(`The response is ${MESSAGES[name]}`);
        expect((error as DecodeError).snippet, format).toBe(body.trimStart().slice(0, 120));
      }
    });
  }

  it('not a wrong success through streamPartial with a loose schema: the error, and no snapshot', async () => {
    const snapshots: unknown[] = [];
    const run = async () => {
      for await (const s of streamPartial(
        z.looseObject({ id: z.string().optional() }),
        json(WHOLE['openai-chat']),
      ))
        snapshots.push(s);
    };
    await expect(run()).rejects.toBeInstanceOf(DecodeError);
    expect(snapshots).toEqual([]);
  });

  it("an app's own JSON with the same first keys, or such fields further in, is read as the answer", async () => {
    const own = [
      { id: 'chatcmpl-1', object: 'chair' },
      { id: 'msg_1', type: 'note', role: 'assistant' },
      { id: 'msg_001', type: 'message', text: 'hello', author: 'Ada' },
      { id: 7, note: 'audit', entry: { object: 'chat.completion', tokens: 3 } },
      { id: 'a', note: { x: 1 }, object: 'chat.completion' },
      { id: 'a', b: 1, c: 2, d: 3, e: 4, object: 'chat.completion' },
      { candidates: [{ name: 'Ada', content: 'cv' }] },
      { candidates: [] },
      { id: 1, object: 'response' },
    ];
    for (const value of own) {
      const body = JSON.stringify(value);
      const { text, error } = await decodeSettled(json(body), {});
      expect({ text, error }, body).toEqual({ text: body, error: undefined });
    }
  });

  it("format 'text' takes the body at its word: an envelope is the JSON asked for", async () => {
    const body = WHOLE['openai-chat'];
    const { text, error } = await decodeSettled(json(body), { format: 'text' });
    expect({ text, error }).toEqual({ text: body, error: undefined });
  });

  it('told however the body is chunked from 120 characters on (where its first chunk holds the marker)', async () => {
    for (const size of [120, 200, 1000]) {
      const { error } = await decodeSettled(json(WHOLE['openai-chat'], size), {});
      expect(error, `${size}`).toBeInstanceOf(DecodeError);
    }
  });

  it('a JSON answer streamed in 4-character chunks is read as before', async () => {
    const body = JSON.stringify({ id: 'chatcmpl-x', items: [1, 2, 3] });
    const { text, error } = await decodeSettled(json(body, 4), {});
    expect({ text, error }).toEqual({ text: body, error: undefined });
  });
});
