import { type ModelPart, mockModel, textParts, usage } from '@partialkit/test-utils/ai-sdk';
import { chunksOf } from '@partialkit/test-utils/harness';
import { Output, simulateReadableStream, stepCountIs, streamText, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import './index.ts';
import { decode } from '../decode/decode.ts';
import type { DecodedEvent } from '../decode/events.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { streamItems } from '../pipeline/stream-items.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { PartialItemsStore } from '../stream/partial-items-store.ts';
import { PartialObjectStore } from '../stream/partial-object-store.ts';

const Venue = z.object({ city: z.string(), capacity: z.number() });
const ANSWER = '{"city":"Berlin","capacity":1200}';
const finish = (reason: string) =>
  ({ type: 'finish', finishReason: { unified: reason, raw: reason }, usage }) as ModelPart;
const modelText = (id: string, deltas: string[]): ModelPart[] => [
  { type: 'text-start', id },
  ...deltas.map((delta): ModelPart => ({ type: 'text-delta', id, delta })),
  { type: 'text-end', id },
];

function stepModel(steps: ModelPart[][]) {
  let step = 0;
  return new MockLanguageModelV4({
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: [{ type: 'stream-start', warnings: [] }, ...steps[step++]!],
        initialDelayInMs: null,
        chunkDelayInMs: null,
      }),
    }),
  });
}

const lookupCall: ModelPart[] = [
  { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"venue"}' },
  finish('tool-calls'),
];

function run(steps: ModelPart[][]) {
  return streamText({
    model: stepModel(steps),
    prompt: 'Where?',
    output: Output.object({ schema: Venue }),
    tools: {
      lookup: tool({ inputSchema: z.object({ q: z.string() }), execute: async () => ({ city: 'Berlin' }) }),
    },
    stopWhen: stepCountIs(4),
    onError: () => {},
  });
}

async function collect(source: Response) {
  const events: DecodedEvent[] = [];
  let error: unknown;
  try {
    for await (const e of decode(source)) events.push(e);
  } catch (e) {
    error = e;
  }
  return { events, error, text: events.map((e) => (e.type === 'text' ? e.text : '')).join('') };
}

async function lastOf(response: Response) {
  let last: unknown;
  let error: unknown;
  try {
    for await (const v of streamPartial(Venue, response)) last = v;
  } catch (e) {
    error = e;
  }
  return { last, error };
}

describe('zz-review: AI SDK reader', () => {
  it('step-1 prose with a well-formed bracket ("see [1]") then the JSON step: the last step wins', async () => {
    const result = run([
      [...modelText('a', ['Checking the venue [1] first.']), ...lookupCall],
      [...modelText('b', chunksOf(ANSWER, 7)), finish('stop')],
    ]);
    expect(await result.output).toEqual({ city: 'Berlin', capacity: 1200 });
    expect(
      await lastOf(
        run([
          [...modelText('a', ['Checking the venue [1] first.']), ...lookupCall],
          [...modelText('b', chunksOf(ANSWER, 7)), finish('stop')],
        ]).toUIMessageStreamResponse(),
      ),
    ).toEqual({ last: { city: 'Berlin', capacity: 1200 }, error: undefined });
  });

  it('reasoning parts with braces are not the object text', async () => {
    const r = run([
      [
        { type: 'reasoning-start', id: 'r' },
        { type: 'reasoning-delta', id: 'r', delta: 'thinking {"city": "Paris"' },
        { type: 'reasoning-end', id: 'r' },
        ...modelText('b', chunksOf(ANSWER, 7)),
        finish('stop'),
      ],
    ]);
    expect(await lastOf(r.toUIMessageStreamResponse())).toEqual({
      last: { city: 'Berlin', capacity: 1200 },
      error: undefined,
    });
  });

  it('a last step with JSON then finish length: TruncatedError after the text', async () => {
    const r = run([
      [...modelText('a', ['{"city":"unknown","capacity":0}']), ...lookupCall],
      [...modelText('b', ['{"city":"Ber']), finish('length')],
    ]);
    const { text, error, events } = await collect(r.toUIMessageStreamResponse());
    expect(events.filter((e) => e.type === 'reset')).toEqual([{ type: 'reset', attempt: 2 }]);
    expect(text.endsWith('{"city":"Ber')).toBe(true);
    expect(error).toBeInstanceOf(TruncatedError);
  });

  it('content-filter after a step: RefusalError', async () => {
    const r = run([[...modelText('b', ['{"city":"Ber']), finish('content-filter')]]);
    const { text, error } = await collect(r.toUIMessageStreamResponse());
    expect(text).toBe('{"city":"Ber');
    expect(error).toBeInstanceOf(RefusalError);
  });

  it('an error part in step 2 after step 1 JSON: ProviderError, step 2 text before it kept', async () => {
    const r = run([
      [...modelText('a', ['{"city":"unknown","capacity":0}']), ...lookupCall],
      [...modelText('b', ['{"city":"Ber']), { type: 'error', error: new Error('overloaded') }],
    ]);
    const { text, error } = await collect(r.toUIMessageStreamResponse());
    expect(error).toBeInstanceOf(ProviderError);
    expect(text.endsWith('{"city":"Ber')).toBe(true);
  });

  it('the store over a 3-step run: attempt grows 1,2,3, data is the last step', async () => {
    const steps = () => [
      [...modelText('a', ['{"city":"a","capacity":1}']), ...lookupCall],
      [...modelText('b', ['{"city":"b","capacity":2}']), ...lookupCall],
      [...modelText('c', chunksOf(ANSWER, 5)), finish('stop')],
    ];
    const store = new PartialObjectStore({
      schema: Venue,
      fetcher: () => run(steps()).toUIMessageStreamResponse(),
      throttle: 0,
    });
    const attempts: number[] = [];
    store.subscribe(() => {
      const a = store.getSnapshot().attempt;
      if (attempts.at(-1) !== a) attempts.push(a);
    });
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      data: { city: 'Berlin', capacity: 1200 },
    });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('toolCall: an input AI SDK repaired (experimental_repairToolCall) is the one read, as the tool ran with it', {
    timeout: 5000,
  }, async () => {
    const streamed = '{"city":"Berlin","capacity":"1200"}';
    const repaired = '{"city":"Berlin","capacity":1200}';
    const ran: unknown[] = [];
    const result = streamText({
      model: stepModel([
        [
          { type: 'tool-input-start', id: 'c1', toolName: 'extract' },
          ...chunksOf(streamed, 7).map((delta): ModelPart => ({ type: 'tool-input-delta', id: 'c1', delta })),
          { type: 'tool-input-end', id: 'c1' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'extract', input: streamed },
          finish('tool-calls'),
        ],
      ]),
      prompt: 'Extract.',
      tools: {
        extract: tool({
          inputSchema: Venue,
          execute: async (input) => {
            ran.push(input);
            return 'saved';
          },
        }),
      },
      experimental_repairToolCall: async ({ toolCall }) => ({ ...toolCall, input: repaired }),
      onError: () => {},
    });
    const response = result.toUIMessageStreamResponse();
    await result.consumeStream();
    expect(ran).toEqual([{ city: 'Berlin', capacity: 1200 }]);
    let last: unknown;
    let error: unknown;
    try {
      for await (const v of streamPartial(Venue, response, { decode: { toolCall: 'extract' } })) last = v;
    } catch (e) {
      error = e;
    }
    expect(error).toBeUndefined();
    expect(last).toEqual({ city: 'Berlin', capacity: 1200 });
  });

  it('Output.array over a 2-step run: the items store ends with the last step’s elements, attempt 2', {
    timeout: 5000,
  }, async () => {
    const Item = z.object({ id: z.number() });
    const mk = () =>
      streamText({
        model: stepModel([
          [...modelText('a', ['{"elements":[{"id":9}', ']}']), ...lookupCall],
          [...modelText('b', chunksOf('{"elements":[{"id":1},{"id":2}]}', 5)), finish('stop')],
        ]),
        prompt: 'List.',
        output: Output.array({ element: Item }),
        tools: { lookup: tool({ inputSchema: z.object({ q: z.string() }), execute: async () => 'ok' }) },
        stopWhen: stepCountIs(3),
        onError: () => {},
      });
    const check = mk();
    expect(await check.output).toEqual([{ id: 1 }, { id: 2 }]);
    const store = new PartialItemsStore({
      schema: Item,
      fetcher: () => mk().toUIMessageStreamResponse(),
      throttle: 0,
    });
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      items: [{ id: 1 }, { id: 2 }],
      attempt: 2,
    });
  });

  it('JSON Lines: valid lines received after an invalid one are yielded before a provider error part', {
    timeout: 5000,
  }, async () => {
    const Item = z.object({ id: z.number() });
    const result = streamText({
      model: stepModel([
        [
          ...modelText('t', ['{"id": 0, oops}\n', '{"id":1}\n', '{"id":2}\n']),
          { type: 'error', error: new Error('overloaded') },
        ],
      ]),
      prompt: 'List as JSON Lines.',
      onError: () => {},
    });
    const stream = streamItems(Item, result.toUIMessageStreamResponse(), { shape: 'lines' });
    const items: unknown[] = [];
    let error: unknown;
    try {
      for await (const item of stream) items.push(item);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect(items).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('the same with an abort part (the run’s abortSignal): lines received before it are not lost', {
    timeout: 5000,
  }, async () => {
    const Item = z.object({ id: z.number() });
    const run = new AbortController();
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: new ReadableStream<ModelPart>({
          start(c) {
            c.enqueue({ type: 'stream-start', warnings: [] });
            for (const p of modelText('t', ['Note: see [the docs]\n', '{"id":1}\n', '{"id":2}\n']).slice(0, -1))
              c.enqueue(p);
            setTimeout(() => run.abort(), 20);
          },
        }),
      }),
    });
    const result = streamText({ model, prompt: 'List.', abortSignal: run.signal, onError: () => {} });
    const stream = streamItems(Item, result.toUIMessageStreamResponse(), { shape: 'lines' });
    const items: unknown[] = [];
    let error: unknown;
    try {
      for await (const item of stream) items.push(item);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'ProviderError', type: 'aborted' });
    expect(items).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
