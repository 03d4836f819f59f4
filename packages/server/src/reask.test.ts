import { getEventListeners } from 'node:events';
import {
  decode,
  InvalidOptionError,
  PartialJSONError,
  PartialObjectStore,
  type ProtocolEvent,
  ValidationError,
} from '@partialkit/core';
import { type ModelPart, mockModelCalls, modelText, usage } from '@partialkit/test-utils/ai-sdk';
import { chunksOf } from '@partialkit/test-utils/harness';
import { Output, stepCountIs, streamText, tool } from 'ai';
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
    // The model is shown its whole answer, not the text up to where it broke.
    expect(calls[1]![0]).toEqual({ role: 'assistant', content: '{"name": nope}' });

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

  it('forwards only the JSON of an answer in prose, and re-asks an answer with none, saying so', async () => {
    const { call, calls } = scripted([
      'Sorry, I only know [people] by name.',
      'Here is Ada [1]:\n```json\n{"name":"Ada","age":36}\n```\nAnything else?',
    ]);
    const events: ProtocolEvent[] = [];
    for await (const e of reask({ schema: Person, messages: [], call })) events.push(e);
    expect(events.filter((e) => e.type === 'reset')).toEqual([{ type: 'reset', attempt: 2 }]);
    expect(events.map((e) => (e.type === 'text' ? e.text : '')).join('')).toBe('{"name":"Ada","age":36}');
    // The model sees its whole answer, and why it was refused.
    expect(calls[1]).toEqual([
      { role: 'assistant', content: 'Sorry, I only know [people] by name.' },
      {
        role: 'user',
        content:
          'Your previous answer was not valid:\n- No JSON object in the text (it begins "Sorry, I only know ' +
          '[people] by name.")\nReply again with the corrected JSON only.',
      },
    ]);
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

const Venue = z.object({ city: z.string(), capacity: z.number().int().min(1) });

const finish = (reason: string) =>
  ({ type: 'finish', finishReason: { unified: reason, raw: reason }, usage }) as ModelPart;

/** An AI SDK agent run: step 1 writes a JSON draft and calls a tool, step 2 writes `answer`. */
function agentRun(draft: string, answer: string, signal: AbortSignal) {
  const start: ModelPart = { type: 'stream-start', warnings: [] };
  const model = mockModelCalls([
    [
      start,
      ...modelText('a', chunksOf(draft, 7)),
      { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"venue"}' },
      finish('tool-calls'),
    ],
    [start, ...modelText('b', chunksOf(answer, 7)), finish('stop')],
  ]);
  return streamText({
    model,
    prompt: 'Where is the meeting?',
    output: Output.object({ schema: z.object({ city: z.string(), capacity: z.number() }) }),
    tools: {
      lookup: tool({ inputSchema: z.object({ q: z.string() }), execute: async () => ({ city: 'Berlin' }) }),
    },
    stopWhen: stepCountIs(3),
    abortSignal: signal,
    onError: () => {},
  });
}

describe('reask over AI SDK multi-step runs: attempt numbering', () => {
  it('the attempts the client sees only grow, and a re-ask is a new attempt number', {
    timeout: 5000,
  }, async () => {
    const answers = ['{"city":"Berlin","capacity":0}', '{"city":"Berlin","capacity":1200}'];
    const call = (_m: ChatMessage[], { signal, attempt }: { signal: AbortSignal; attempt: number }) =>
      agentRun('{"city":"unknown","capacity":5}', answers[attempt - 1]!, signal);
    const resets: number[] = [];
    for await (const e of decode(
      toPartialResponse(reask({ schema: Venue, messages: [], call }), { heartbeatMs: 0 }),
    ))
      if (e.type === 'reset') resets.push(e.attempt);
    // attempt 1: step 2 replaces step 1 (reset 2); the re-ask: 3; its step 2: 4.
    expect(resets).toEqual([2, 3, 4]);
  });
});

/** A fake model call answering from a script, one answer per attempt, as OpenAI chat SSE in `size`-char deltas. */
function scriptedIn(answers: string[], size: number) {
  const calls: ChatMessage[][] = [];
  const signals: AbortSignal[] = [];
  const call = (messages: ChatMessage[], { attempt, signal }: { attempt: number; signal: AbortSignal }) => {
    calls.push(messages);
    signals.push(signal);
    if (calls.length > 20) throw new Error('runaway: more than 20 model calls');
    const text = answers[Math.min(attempt, answers.length) - 1]!;
    const body = chunksOf(text, size)
      .map((ch) => `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(ch)}}}]}\n\n`)
      .join('');
    return new Response(`${body}data: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { call, calls, signals };
}

describe('reask: options', () => {
  it('maxRetries must be a whole number >= 0 or Infinity (NaN would retry without bound)', () => {
    const { call } = scripted(['{"name":"Ada","age":-1}']);
    for (const maxRetries of [Number.NaN, -1, 1.5])
      expect(() => reask({ schema: Person, messages: [], call, maxRetries })).toThrow(InvalidOptionError);
    expect(() => reask({ schema: Person, messages: [], call, maxRetries: Infinity })).not.toThrow();
  });

  /** The error a run ends with, or undefined. */
  const failureOf = async (gen: AsyncIterable<unknown>) => {
    try {
      for await (const _ of gen);
    } catch (error) {
      return error;
    }
    return undefined;
  };
  const textOf = (events: ProtocolEvent[]) => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

  it('maxLength bounds each answer: a longer one fails its attempt at the bound and is re-asked', async () => {
    const long = JSON.stringify({ name: 'x'.repeat(10_000), age: 1 });
    const { call, calls } = scriptedIn([long, '{"name":"Ada","age":36}'], 16);
    const events: ProtocolEvent[] = [];
    for await (const e of reask({ schema: Person, messages: [], call, maxLength: 100 })) events.push(e);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at(-1)!.content).toContain('maxLength');
    const reset = events.findIndex((e) => e.type === 'reset');
    expect(textOf(events.slice(0, reset)).length).toBeLessThanOrEqual(100);
    expect(textOf(events.slice(reset))).toBe('{"name":"Ada","age":36}');
    const last = scriptedIn([long], 16);
    const error = await failureOf(
      reask({ schema: Person, messages: [], call: last.call, maxLength: 100, maxRetries: 0 }),
    );
    expect(error).toBeInstanceOf(PartialJSONError);
    expect(error).toMatchObject({ position: 100 });
  });

  it('maxLength bounds the answer sent back too: an endless preamble is kept to maxLength + 64 Ki characters', async () => {
    const prose = 'as I said, '.repeat(1000); // 11 000 characters a delta, no JSON in any
    const sent: number[][] = [];
    const call = async function* (messages: readonly { content: string }[]) {
      sent.push(messages.map((m) => m.content.length));
      if (sent.length === 2) {
        yield '{"name":"Ada","age":36}';
        return;
      }
      for (let i = 0; i < 40; i++) yield prose;
    };
    const events: ProtocolEvent[] = [];
    for await (const e of reask({ schema: Person, messages: [], call, maxLength: 1000, maxRetries: 1 }))
      events.push(e);
    expect(sent).toHaveLength(2);
    // The assistant turn: the first 1 000 + 65 536 characters of the 440 000 the model wrote.
    expect(sent[1]![0]).toBe(1000 + 64 * 1024);
    expect(textOf(events)).toBe('{"name":"Ada","age":36}');
  });

  it('maxDepth reaches the parser: 1 200 levels pass with 2 000, and fail at the default 1 000', async () => {
    const Deep = z.object({ v: z.unknown() });
    const answer = `{"v":${'['.repeat(1200)}${']'.repeat(1200)}}`;
    const deep = scriptedIn([answer], 64);
    const events: ProtocolEvent[] = [];
    for await (const e of reask({
      schema: Deep,
      messages: [],
      call: deep.call,
      maxRetries: 0,
      maxDepth: 2000,
    }))
      events.push(e);
    expect(textOf(events)).toBe(answer);
    const refused = scriptedIn([answer], 64);
    const error = await failureOf(reask({ schema: Deep, messages: [], call: refused.call, maxRetries: 0 }));
    expect(error).toBeInstanceOf(PartialJSONError);
  });

  it("an exception of the app's own (a refinement that threw) is not re-asked, nor sent to the model", async () => {
    const Checked = z.object({
      a: z.number().refine(() => {
        throw new Error('connect failed: postgres://admin:hunter2@db.internal/prod');
      }),
    });
    const { call, calls } = scriptedIn(['{"a":1}', '{"a":2}'], 4);
    const error = await failureOf(reask({ schema: Checked, messages: [], call, maxRetries: 2 }));
    expect(error).toBeInstanceOf(PartialJSONError);
    expect(calls).toHaveLength(1);
    expect(JSON.stringify(calls)).not.toContain('hunter2');
  });

  it('an invalid maxDepth or maxLength is an InvalidOptionError before the model is called', async () => {
    for (const bad of [{ maxDepth: Number.NaN }, { maxLength: -1 }]) {
      const { call, calls } = scriptedIn(['{"name":"Ada","age":36}'], 16);
      const error = await failureOf(reask({ schema: Person, messages: [], call, ...bad }));
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(calls).toHaveLength(0);
    }
  });
});

async function drainAll(gen: AsyncIterable<unknown>): Promise<void> {
  try {
    for await (const _ of gen);
  } catch {}
}

describe('reask: the feedback conversation', () => {
  it('the assistant turn is the answer the model gave, not the text before the delta where it broke', {
    timeout: 5000,
  }, async () => {
    const bad = '{"name":"Ada","age":thirty}';
    const { call, calls } = scriptedIn([bad, '{"name":"Ada","age":30}'], 7); // deltas: {"name" | :"Ada", | "age":t | hirty}
    await drainAll(reask({ schema: Person, messages: [{ role: 'user', content: 'Ada, thirty' }], call }));
    expect(calls).toHaveLength(2);
    expect(calls[1]![1]).toEqual({ role: 'assistant', content: bad });
  });

  it('an upstream error while the rest of a broken answer is read still re-asks', {
    timeout: 5000,
  }, async () => {
    const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
    const done = 'data: [DONE]\n\n';
    const answers = [
      // the JSON breaks at `n`, then the answer runs into the token limit (a TruncatedError at its end)
      [
        chunk({ choices: [{ index: 0, delta: { content: '{"name": nope' } }] }),
        chunk({ choices: [{ index: 0, delta: { content: ', "and on' }, finish_reason: 'length' }] }),
        done,
      ].join(''),
      [chunk({ choices: [{ index: 0, delta: { content: '{"name":"Ada","age":30}' } }] }), done].join(''),
    ];
    const calls: ChatMessage[][] = [];
    const call = (messages: ChatMessage[], { attempt }: { attempt: number }) => {
      calls.push(messages);
      return new Response(answers[attempt - 1]!, { headers: { 'content-type': 'text/event-stream' } });
    };
    let last: unknown;
    for await (const e of reask({ schema: Person, messages: [], call })) if (e.type === 'text') last = e.text;
    expect(calls).toHaveLength(2);
    expect(calls[1]![0]).toEqual({ role: 'assistant', content: '{"name": nope, "and on' });
    expect(last).toBe('{"name":"Ada","age":30}');
  });

  it('the last attempt is not read on after its JSON broke: the error comes at once', {
    timeout: 5000,
  }, async () => {
    let cancelled = false;
    const call = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(
              new TextEncoder().encode(
                `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: '{"name": nope' } }] })}\n\n`,
              ),
            ); // then silence: the model would go on for minutes
          },
          cancel() {
            cancelled = true;
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    const started = Date.now();
    const error = await (async () => {
      for await (const _ of reask({ schema: Person, messages: [], call, maxRetries: 0 }));
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialJSONError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(cancelled).toBe(true);
  });
});

describe('reask over many attempts', () => {
  it('does not keep an abort listener (and the finished attempt it holds) per attempt on the shared signal', async () => {
    const counts: number[] = [];
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const events = reask({
        schema: z.object({ a: z.string() }),
        messages: [{ role: 'user', content: 'x' }],
        maxRetries: 15,
        call: (_messages, { signal }) => {
          counts.push(getEventListeners(signal, 'abort').length);
          return (async function* () {
            yield '{"a":1}'; // never valid: re-asked every time
          })();
        },
      });
      await expect(
        (async () => {
          for await (const _ of events) {
          }
        })(),
      ).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('warning', onWarning);
    }
    expect(counts).toHaveLength(16);
    // A finished attempt leaves nothing on the shared signal (it held one listener each: 0, 1, … 15).
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});

describe('reask: what reaches the client when an attempt breaks', () => {
  /** OpenAI chat SSE with one delta per chunk, as a provider with large deltas sends it. */
  const sse = (chunks: string[]) =>
    new Response(
      `${chunks.map((c) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: c } }] })}\n\n`).join('')}data: [DONE]\n\n`,
      { headers: { 'content-type': 'text/event-stream' } },
    );

  it('the last attempt: the client gets the part of the breaking delta the parser took, so it ends with the same partial', async () => {
    // One delta holds the rest of the answer and ends in a stray `]`: the JSON up to it is good.
    const store = new PartialObjectStore({
      schema: Person,
      fetcher: () =>
        toPartialResponse(
          reask({
            schema: Person,
            messages: [],
            maxRetries: 0,
            call: () => sse(['{"name":"Ada"', ',"age":36,"x":]}']),
          }),
        ),
      throttle: 0,
    });
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({ status: 'error', object: { name: 'Ada', age: 36 } });
    expect(store.getSnapshot().error).toMatchObject({ name: 'ProviderError' });
  });

  it('a refinement that throws ends the run at once, the upstream released, though attempts are left', async () => {
    const Buggy = z.object({
      items: z.array(
        z.object({ n: z.number() }).refine(() => {
          throw new RangeError('bug in refinement');
        }),
      ),
    });
    let cancelled = false;
    const call = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            const delta = { choices: [{ index: 0, delta: { content: '{"items":[{"n":1},' } }] };
            c.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(delta)}\n\n`)); // then nothing for long
          },
          cancel() {
            cancelled = true;
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    let error: unknown;
    try {
      for await (const _ of reask({ schema: Buggy, messages: [], call })) {
        // read on
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    expect(cancelled).toBe(true);
  }, 3000);

  it("an upstream's SSE ids (another partialkit service's offsets) are not sent as this response's", async () => {
    const upstream = () =>
      new Response(
        'id: 9\ndata: "{\\"name\\":"\n\nid: 15\ndata: "\\"Ada\\", \\"age\\": 1}"\n\nevent: done\ndata: {}\n\n',
        {
          headers: { 'content-type': 'text/event-stream' },
        },
      );
    const wire = await toPartialResponse(
      reask({ schema: Person, messages: [], call: upstream, decode: { format: 'partialkit' } }),
      { heartbeatMs: 0 },
    ).text();
    expect(wire).toContain('event: done');
    expect(wire).not.toMatch(/^id: /m);
  });
});
