import { describe, expect, it } from 'vitest';
import { decode } from '../decode/decode.ts';
import { RefusalError, TruncatedError } from '../errors.ts';
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
