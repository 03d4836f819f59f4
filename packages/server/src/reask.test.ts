import { decode, PartialObjectStore, ValidationError } from '@partialkit/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type ChatMessage, reask } from './reask.ts';
import { toPartialResponse } from './response.ts';

const Person = z.object({ name: z.string(), age: z.number().int().min(0) });

/** A fake model call answering from a script, one answer per attempt, as OpenAI chat SSE. */
function scripted(answers: string[]) {
  const calls: ChatMessage[][] = [];
  const call = (messages: ChatMessage[], { attempt }: { attempt: number }) => {
    calls.push(messages);
    const text = answers[attempt - 1]!;
    const body = [...text]
      .map((ch) => `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(ch)}}}]}\n\n`)
      .join('');
    return new Response(`${body}data: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { call, calls };
}

describe('reask', () => {
  it('re-asks with the validation errors and streams the new attempt after a reset', async () => {
    const { call, calls } = scripted(['{"name":"Ada","age":-3}', '{"name":"Ada","age":36}']);
    const store = new PartialObjectStore({
      schema: Person,
      fetcher: () =>
        toPartialResponse(reask({ schema: Person, messages: [{ role: 'user', content: 'Ada, 36' }], call })),
      throttle: 0,
    });
    const attempts = new Set<number>();
    store.subscribe(() => attempts.add(store.getSnapshot().attempt));
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      attempt: 2,
      data: { name: 'Ada', age: 36 },
    });
    expect([...attempts]).toEqual([1, 2]);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual([
      { role: 'user', content: 'Ada, 36' },
      { role: 'assistant', content: '{"name":"Ada","age":-3}' },
      {
        role: 'user',
        content:
          'Your previous answer was not valid:\n- age: Too small: expected number to be >=0\nReply again with the corrected JSON only.',
      },
    ]);
  });

  it("decode format 'text' with a call that returns text deltas: re-asks and ends with the second answer", async () => {
    const answers = ['{"name":"Ada","age":-3}', '{"name":"Ada","age":36}'];
    const call = async function* (_messages: ChatMessage[], { attempt }: { attempt: number }) {
      const text = answers[attempt - 1]!;
      for (let i = 0; i < text.length; i += 5) yield text.slice(i, i + 5);
    };
    let final: unknown;
    let attempts = 0;
    for await (const event of decode(
      toPartialResponse(reask({ schema: Person, messages: [], call, decode: { format: 'text' } })),
    )) {
      if (event.type === 'reset') attempts = event.attempt;
      else final = (final ?? '') + event.text;
      if (event.type === 'reset') final = undefined;
    }
    expect([attempts, final]).toEqual([2, '{"name":"Ada","age":36}']);
  });

  it('never forwards text that breaks the JSON, and gives up after maxRetries', async () => {
    const { call, calls } = scripted(['{"name": nope}', '{"name":"x","age":-1}']);
    const events = [];
    let error: unknown;
    try {
      for await (const e of reask({ schema: Person, messages: [], call, maxRetries: 1 })) events.push(e);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(2);
    const firstAttempt = events.slice(
      0,
      events.findIndex((e) => e.type === 'reset'),
    );
    expect(firstAttempt.map((e) => (e.type === 'text' ? e.text : '')).join('')).toBe('{"name": n'); // 'n' may still become null; 'o' breaks it
    expect(calls[1]![0]).toEqual({ role: 'assistant', content: '{"name": n' });

    // Over the wire the failure is an error event, after the last attempt's text.
    const { call: call2 } = scripted(['{"name":"x","age":-1}']);
    const wire = toPartialResponse(reask({ schema: Person, messages: [], call: call2, maxRetries: 0 }));
    const kinds: string[] = [];
    try {
      for await (const e of decode(wire)) kinds.push(e.type);
    } catch (e) {
      kinds.push((e as Error).name);
    }
    expect(kinds.at(-1)).toBe('ProviderError');
  });

  it('a signal already aborted: the model is never called with a live signal, and nothing streams', async () => {
    const seen: boolean[] = [];
    const reason = new Error('the client left');
    const generator = reask({
      schema: Person,
      messages: [{ role: 'user', content: 'x' }],
      signal: AbortSignal.abort(reason),
      call: (_messages, { signal }) => {
        seen.push(signal.aborted);
        return (async function* () {
          yield '{"name":"Ada","age":36}';
        })();
      },
    });
    const texts: string[] = [];
    let error: unknown;
    try {
      for await (const event of generator) if (event.type === 'text') texts.push(event.text);
    } catch (e) {
      error = e;
    }
    expect(seen.every((aborted) => aborted)).toBe(true);
    expect(texts).toEqual([]);
    expect(error).toBe(reason);
  });
});
