import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decode } from '../decode/decode.ts';
import { NetworkError, RefusalError, TruncatedError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import './index.ts';

const ev = (o: Record<string, unknown>) => `event: ${o.type}\ndata: ${JSON.stringify(o)}\n\n`;

/** A Responses stream that writes `delta`, then ends `incomplete` for `reason`. */
function incomplete(delta: string, reason: string, refusal?: string): string {
  return [
    ev({ type: 'response.created', sequence_number: 0, response: { id: 'r', status: 'in_progress' } }),
    ev({
      type: 'response.output_item.added',
      sequence_number: 1,
      output_index: 0,
      item: { id: 'm', type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    }),
    ev({
      type: 'response.output_text.delta',
      sequence_number: 2,
      item_id: 'm',
      output_index: 0,
      content_index: 0,
      delta,
    }),
    refusal === undefined
      ? ''
      : ev({ type: 'response.refusal.delta', sequence_number: 3, output_index: 0, delta: refusal }),
    ev({
      type: 'response.incomplete',
      sequence_number: 4,
      response: { id: 'r', status: 'incomplete', incomplete_details: { reason } },
    }),
  ].join('');
}

async function run(body: string) {
  let text = '';
  let error: unknown;
  try {
    for await (const e of decode(new Response(body, { headers: { 'content-type': 'text/event-stream' } })))
      if (e.type === 'text') text += e.text;
  } catch (e) {
    error = e;
  }
  return { text, error };
}

describe('OpenAI Responses: response.incomplete', () => {
  it('stopped by the content filter is a RefusalError (as for Chat Completions), after the text', async () => {
    const { text, error } = await run(incomplete('{"summary": "The', 'content_filter'));
    expect(text).toBe('{"summary": "The');
    expect(error).toBeInstanceOf(RefusalError);
    expect((error as RefusalError).refusal).toBe('The response was stopped by the content filter');
  });

  it('a refusal streamed before the content filter stop is the RefusalError’s text', async () => {
    const { error } = await run(incomplete('', 'content_filter', 'I cannot help with that.'));
    expect((error as RefusalError).refusal).toBe('I cannot help with that.');
  });

  it('max_output_tokens is still a TruncatedError (max_tokens)', async () => {
    const { error } = await run(incomplete('{"summary": "The', 'max_output_tokens'));
    expect(error).toBeInstanceOf(TruncatedError);
    expect((error as TruncatedError).reason).toBe('max_tokens');
  });
});

const message = (output_index: number, id: string, phase?: string) =>
  ev({
    type: 'response.output_item.added',
    sequence_number: 0,
    output_index,
    item: {
      id,
      type: 'message',
      status: 'in_progress',
      content: [],
      role: 'assistant',
      ...(phase && { phase }),
    },
  });
const textDelta = (output_index: number, id: string, delta: string) =>
  ev({
    type: 'response.output_text.delta',
    sequence_number: 0,
    item_id: id,
    output_index,
    content_index: 0,
    delta,
  });
const COMPLETED = ev({
  type: 'response.completed',
  sequence_number: 9,
  response: { id: 'r', status: 'completed' },
});

/** All the events of a body, the resets too. */
async function events(body: string) {
  const out: unknown[] = [];
  let error: unknown;
  try {
    for await (const e of decode(new Response(body, { headers: { 'content-type': 'text/event-stream' } })))
      out.push(e);
  } catch (e) {
    error = e;
  }
  return { events: out, error };
}

describe('OpenAI Responses: several message items', () => {
  it("a commentary message (phase: 'commentary') is skipped: the text is the final answer's", async () => {
    const body =
      message(0, 'c', 'commentary') +
      textDelta(0, 'c', 'Let me look that up.') +
      message(1, 'f', 'final_answer') +
      textDelta(1, 'f', '{"a":') +
      textDelta(1, 'f', '1}') +
      COMPLETED;
    expect(await run(body)).toEqual({ text: '{"a":1}', error: undefined });
    expect((await events(body)).events).toEqual([
      { type: 'text', text: '{"a":' },
      { type: 'text', text: '1}' },
    ]);
  });

  it('text that moves to a new message item after text was passed on starts over with a reset', async () => {
    const body =
      message(0, 'm1') +
      textDelta(0, 'm1', 'Checking.') +
      message(2, 'm2') +
      textDelta(2, 'm2', '{"a":') +
      textDelta(2, 'm2', '1}') +
      COMPLETED;
    expect(await events(body)).toEqual({
      events: [
        { type: 'text', text: 'Checking.' },
        { type: 'reset', attempt: 2 },
        { type: 'text', text: '{"a":' },
        { type: 'text', text: '1}' },
      ],
      error: undefined,
    });
    const values: unknown[] = [];
    for await (const v of streamPartial(
      z.object({ a: z.number() }),
      new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    ))
      values.push(v);
    expect(values.at(-1)).toEqual({ a: 1 });
  });
});

describe('OpenAI Responses: a stream that ends before its final event', () => {
  it('without response.completed, incomplete or failed is a NetworkError, after the text', async () => {
    const { text, error } = await run(message(0, 'm') + textDelta(0, 'm', '{"a":1}'));
    expect(text).toBe('{"a":1}');
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/ended before the provider's final event/);
  });

  it('response.completed ends it well', async () => {
    expect(await run(message(0, 'm') + textDelta(0, 'm', '{}') + COMPLETED)).toEqual({
      text: '{}',
      error: undefined,
    });
  });
});

describe('openai-responses: a refusal is bounded by maxEventSize', () => {
  it('a refusal longer than maxEventSize is a DecodeError naming it, not a string without end', async () => {
    const refusal = ev({
      type: 'response.refusal.delta',
      sequence_number: 3,
      output_index: 0,
      delta: 'x'.repeat(600),
    });
    const body = incomplete('', 'content_filter').replace(
      /(event: response\.incomplete)/,
      `${refusal}${refusal}$1`,
    );
    const read = async (maxEventSize: number) => {
      try {
        for await (const _ of decode(
          new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
          { maxEventSize },
        ));
      } catch (error) {
        return error;
      }
    };
    expect(await read(1000)).toMatchObject({
      name: 'DecodeError',
      message: 'The refusal exceeded maxEventSize (1000 characters)',
      event: 5,
    });
    expect(await read(1200)).toMatchObject({ name: 'RefusalError', refusal: 'x'.repeat(1200) });
  });
});
