import {
  type ModelPart,
  mockModel,
  mockModelCalls,
  modelText,
  textParts,
  usage,
} from '@partialkit/test-utils/ai-sdk';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { chunksOf, everySplit } from '@partialkit/test-utils/harness';
import {
  createUIMessageStream,
  createUIMessageStreamResponse,
  Output,
  simulateReadableStream,
  stepCountIs,
  streamText,
  tool,
} from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import './index.ts';
import { type DecodeOptions, decode } from '../decode/decode.ts';
import type { DecodedEvent } from '../decode/events.ts';
import {
  DecodeError,
  PartialJSONError,
  ProviderError,
  RefusalError,
  TruncatedError,
  ValidationError,
} from '../errors.ts';
import { streamItems } from '../pipeline/stream-items.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { PartialItemsStore } from '../stream/partial-items-store.ts';
import { PartialObjectStore } from '../stream/partial-object-store.ts';

const TEXT = JSON.stringify(MEETING_RESULT, null, 2);

/** `streamText` with `Output.object` over the mock model, as an AI SDK route writes it. */
function objectRun(parts: ModelPart[], paced = false) {
  return streamText({
    model: mockModel(parts, paced),
    prompt: 'Extract the meeting.',
    output: Output.object({ schema: MeetingInfo }),
    onError: () => {}, // the test reads the error from the stream; AI SDK would also log it
  });
}

async function collect(source: Response, options: DecodeOptions = {}) {
  const events: DecodedEvent[] = [];
  let error: unknown;
  try {
    for await (const event of decode(source, options)) events.push(event);
  } catch (e) {
    error = e;
  }
  const text = events.map((e) => (e.type === 'text' ? e.text : '')).join('');
  return { events, text, error };
}

async function snapshotsOf(response: Response, schema: z.ZodType = MeetingInfo) {
  const snapshots: unknown[] = [];
  let error: unknown;
  try {
    for await (const value of streamPartial(schema, response)) snapshots.push(value);
  } catch (e) {
    error = e;
  }
  return { snapshots, error };
}

/** One SSE event of a UI message stream written by hand: a part, or raw data. */
const uiPart = (part: unknown) => `data: ${typeof part === 'string' ? part : JSON.stringify(part)}\n\n`;

/** A UI message stream response of these events (a new one per call: a body is read once). */
const uiStream = (events: string[]) => () =>
  new Response(events.join(''), {
    headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' },
  });

describe("AI SDK's UI message stream (toUIMessageStreamResponse)", () => {
  it('is detected from its header and decoded to the JSON text, with no reset', async () => {
    const response = objectRun(textParts(TEXT)).toUIMessageStreamResponse();
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    const { events, text, error } = await collect(response);
    expect(error).toBeUndefined();
    expect(text).toBe(TEXT);
    expect(events.every((e) => e.type === 'text')).toBe(true);
    expect(events.length).toBeGreaterThan(10);
  });

  it('is detected from its parts when the header is gone (a proxy, a recording)', async () => {
    const original = objectRun(textParts(TEXT)).toUIMessageStreamResponse();
    const bare = new Response(original.body, { headers: { 'content-type': 'text/event-stream' } });
    expect((await collect(bare)).text).toBe(TEXT);
    const named = objectRun(textParts(TEXT)).toUIMessageStreamResponse();
    const plain = new Response(named.body);
    expect((await collect(plain, { format: 'ai-sdk' })).text).toBe(TEXT);
  });

  it('streamPartial: exact final object, no half dates, emails or numbers', async () => {
    const { snapshots, error } = await snapshotsOf(
      objectRun(textParts(TEXT, 'stop', 4), true).toUIMessageStreamResponse(),
    );
    expect(error).toBeUndefined();
    expect(snapshots.at(-1)).toEqual(MEETING_RESULT);
    expect(snapshots.length).toBeGreaterThan(10);
    for (const s of snapshots as Array<Partial<typeof MEETING_RESULT>>) {
      if ('date' in s) expect(s.date).toBe(MEETING_RESULT.date);
      if ('budget' in s) expect(s.budget).toBe(MEETING_RESULT.budget);
      s.users?.forEach((u, i) => {
        if ('email' in u) expect(u.email).toBe(MEETING_RESULT.users[i]!.email);
      });
    }
  });

  it('the store: data is the validated object, attempt stays 1', async () => {
    const store = new PartialObjectStore({
      schema: MeetingInfo,
      fetcher: () => objectRun(textParts(TEXT)).toUIMessageStreamResponse(),
      throttle: 0,
    });
    const attempts = new Set<number>();
    store.subscribe(() => attempts.add(store.getSnapshot().attempt));
    await store.submit(undefined);
    expect(store.getSnapshot().status).toBe('success');
    expect(store.getSnapshot().data).toEqual(MEETING_RESULT);
    expect([...attempts]).toEqual([1]);
  });

  it('an error part is a ProviderError, after what came before it', async () => {
    const cut = TEXT.indexOf('"date"');
    const parts = textParts(TEXT.slice(0, cut)).slice(0, -2);
    parts.push({ type: 'error', error: new Error('overloaded') });
    const { snapshots, error } = await snapshotsOf(objectRun(parts).toUIMessageStreamResponse());
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toBe('An error occurred.'); // AI SDK masks it by default
    expect(snapshots.at(-1)).toEqual({ users: MEETING_RESULT.users });
    const shown = objectRun(parts).toUIMessageStreamResponse({ onError: (e) => (e as Error).message });
    expect((await collect(shown)).error).toMatchObject({ name: 'ProviderError', message: 'overloaded' });
  });

  it('finishReason length is a TruncatedError, content-filter a RefusalError', async () => {
    const half = TEXT.slice(0, 100);
    const length = await collect(objectRun(textParts(half, 'length')).toUIMessageStreamResponse());
    expect(length.text).toBe(half);
    expect(length.error).toBeInstanceOf(TruncatedError);
    expect((length.error as TruncatedError).reason).toBe('length');
    const filtered = await collect(objectRun(textParts('', 'content-filter')).toUIMessageStreamResponse());
    expect(filtered.error).toBeInstanceOf(RefusalError);
  });

  it('a stream that stops without finish ends truncated in the parse stage', async () => {
    const parts = textParts(TEXT.slice(0, 200)).slice(0, -1); // no finish part: the model just stopped
    const { error } = await snapshotsOf(objectRun(parts).toUIMessageStreamResponse());
    expect(error).toBeInstanceOf(TruncatedError);
  });

  it('toolCall reads a tool input by name or index (tool-input-delta)', async () => {
    const args = JSON.stringify(MEETING_RESULT);
    const call = (id: string, name: string, text: string): ModelPart[] => [
      { type: 'tool-input-start', id, toolName: name },
      ...chunksOf(text, 7).map((delta): ModelPart => ({ type: 'tool-input-delta', id, delta })),
      { type: 'tool-input-end', id },
      { type: 'tool-call', toolCallId: id, toolName: name, input: text },
    ];
    const run = () =>
      streamText({
        model: mockModel([
          { type: 'stream-start', warnings: [] },
          ...call('c0', 'lookup', '{"q":"venue"}'),
          ...call('c1', 'extract', args),
          { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage } as ModelPart,
        ]),
        prompt: 'Extract the meeting.',
        tools: {
          lookup: tool({ inputSchema: MeetingInfo.pick({ location: true }).partial() }),
          extract: tool({ inputSchema: MeetingInfo }),
        },
      }).toUIMessageStreamResponse();
    expect((await collect(run(), { toolCall: 'extract' })).text).toBe(args);
    expect((await collect(run(), { toolCall: 1 })).text).toBe(args);
    expect((await collect(run(), { toolCall: 0 })).text).toBe('{"q":"venue"}');
    // No text parts: the JSON is in the tool call, and the error names the option that reads it.
    expect(await collect(run())).toMatchObject({ text: '', error: { type: 'tool_call_unread' } });
    // A call the run does not hold is said so, with the calls it made: not an empty text to parse.
    const missing = await collect(run(), { toolCall: 'summarise' });
    expect(missing.text).toBe('');
    expect(missing.error).toBeInstanceOf(ProviderError);
    expect(missing.error).toMatchObject({
      type: 'tool_call_missing',
      message: 'The response has no tool call "summarise": it called "lookup", "extract"',
    });
  });

  it('tool_call_missing only for a run that ended (finish, [DONE]), naming a call AI SDK refused too', async () => {
    const sse = (...parts: object[]) =>
      new Response(parts.map((p) => `data: ${JSON.stringify(p)}\n\n`).join(''), {
        headers: { 'content-type': 'text/event-stream' },
      });
    const options = { format: 'ai-sdk', toolCall: 'extract' } as const;
    // Cut while the model was thinking: no finish, no [DONE]. The connection was lost, no call missing.
    const cut = sse({ type: 'start' }, { type: 'start-step' }, { type: 'reasoning-start', id: 'r' });
    expect(await collect(cut, options)).toMatchObject({
      text: '',
      error: {
        name: 'NetworkError',
        message:
          "The connection was lost: the stream ended before the provider's final event (finish, or '[DONE]')",
      },
    });
    const ended = sse({ type: 'start' }, { type: 'start-step' }, { type: 'finish-step' }, { type: 'finish' });
    expect((await collect(ended, options)).error).toMatchObject({
      type: 'tool_call_missing',
      message: 'The response has no tool call "extract": it called no tool',
    });
    // A provider that does not stream tool inputs: only the refusal of the call's input comes.
    const refused = sse(
      { type: 'start' },
      { type: 'start-step' },
      {
        type: 'tool-input-error',
        toolCallId: 'c1',
        toolName: 'lookup',
        input: { q: 1 },
        errorText: 'bad input',
      },
      { type: 'finish' },
    );
    expect((await collect(refused, options)).error).toMatchObject({
      message: 'The response has no tool call "extract": it called "lookup"',
    });
  });

  it('skips data-* parts the route writes around the model output', async () => {
    const stream = createUIMessageStream({
      execute: ({ writer }) => {
        writer.write({ type: 'data-status', data: { stage: 'extracting' } });
        writer.merge(objectRun(textParts(TEXT)).toUIMessageStream());
      },
    });
    const { text, error } = await collect(createUIMessageStreamResponse({ stream }));
    expect(error).toBeUndefined();
    expect(JSON.parse(text)).toEqual(MEETING_RESULT);
  });

  it('is detected with the header gone when the route writes a source or metadata first', async () => {
    for (const first of [
      { type: 'source-url', sourceId: 's1', url: 'https://example.com/agenda' },
      { type: 'message-metadata', messageMetadata: { model: 'mock' } },
    ] as const) {
      const stream = createUIMessageStream({
        execute: ({ writer }) => {
          writer.write(first);
          writer.merge(objectRun(textParts(TEXT)).toUIMessageStream());
        },
      });
      const response = createUIMessageStreamResponse({ stream });
      const bare = new Response(response.body, { headers: { 'content-type': 'text/event-stream' } });
      const { text, error } = await collect(bare);
      expect(error).toBeUndefined();
      expect(JSON.parse(text)).toEqual(MEETING_RESULT);
    }
  });
});

describe("AI SDK's text stream (toTextStreamResponse)", () => {
  it('is read as text: the JSON itself', async () => {
    const response = objectRun(textParts(TEXT)).toTextStreamResponse();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await collect(response)).text).toBe(TEXT);
    const { snapshots, error } = await snapshotsOf(objectRun(textParts(TEXT)).toTextStreamResponse());
    expect(error).toBeUndefined();
    expect(snapshots.at(-1)).toEqual(MEETING_RESULT);
  });
});

const Venue = z.object({ city: z.string(), capacity: z.number() });
const ANSWER = '{"city":"Berlin","capacity":1200}';

/**
 * A run of two steps (tools with `stopWhen`): step 1 writes `first` (in those deltas, none for a
 * silent tool call) and calls a tool; step 2, after the tool's result, writes `answer`.
 */
function twoStepRun(first: string[], answer = ANSWER) {
  const finish = (reason: string) =>
    ({ type: 'finish', finishReason: { unified: reason, raw: reason }, usage }) as ModelPart;
  const start: ModelPart = { type: 'stream-start', warnings: [] };
  const model = mockModelCalls([
    [
      start,
      ...(first.length ? modelText('a', first) : []),
      { type: 'tool-input-start', id: 'c1', toolName: 'lookup' },
      { type: 'tool-input-delta', id: 'c1', delta: '{"q":"venue"}' },
      { type: 'tool-input-end', id: 'c1' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"venue"}' },
      finish('tool-calls'),
    ],
    [start, ...modelText('b', chunksOf(answer, 7)), finish('stop')],
  ]);
  return streamText({
    model,
    prompt: 'Where is the meeting?',
    output: Output.object({ schema: Venue }),
    tools: {
      lookup: tool({ inputSchema: z.object({ q: z.string() }), execute: async () => ({ city: 'Berlin' }) }),
    },
    stopWhen: stepCountIs(3),
    onError: () => {},
  });
}

async function lastOf(response: Response) {
  let last: unknown;
  for await (const value of streamPartial(Venue, response)) last = value;
  return last;
}

describe('AI SDK UI message stream: a run of several steps (tools + stopWhen)', () => {
  it('the object is the last step’s, as result.output: a JSON draft of step 1 is replaced', async () => {
    const result = twoStepRun(['{"city":"unknown","capacity":0}']);
    const last = await lastOf(result.toUIMessageStreamResponse());
    expect(await result.output).toEqual({ city: 'Berlin', capacity: 1200 });
    expect(last).toEqual(await result.output);
  });

  it('the next step starts with a reset (attempt 2), so the store clears step 1’s partial', async () => {
    const { events, error } = await collect(
      twoStepRun(['{"city":"unknown",', '"capacity":0}']).toUIMessageStreamResponse(),
    );
    expect(error).toBeUndefined();
    const reset = events.findIndex((e) => e.type === 'reset');
    expect(events[reset]).toEqual({ type: 'reset', attempt: 2 });
    const text = (from: number, to?: number) =>
      events
        .slice(from, to)
        .map((e) => (e.type === 'text' ? e.text : ''))
        .join('');
    expect(text(0, reset)).toBe('{"city":"unknown","capacity":0}');
    expect(text(reset + 1)).toBe(ANSWER);
  });

  it('a step-1 narration that is not JSON ("Checking {venue} first.") does not fail the run', async () => {
    for (const first of [
      ['Checking {venue} first.'],
      ['Checking {', 'venue} first.'],
      ['See [the ', 'list].'],
    ]) {
      const result = twoStepRun(first);
      expect(await result.output).toEqual({ city: 'Berlin', capacity: 1200 });
      await expect(lastOf(result.toUIMessageStreamResponse())).resolves.toEqual({
        city: 'Berlin',
        capacity: 1200,
      });
    }
  });

  it('a last step that writes no text after a JSON draft of step 1: the tool calls are named, no truncation', async () => {
    for (const answer of ['', '\n  ']) {
      const run = () => twoStepRun(['{"city":"unknown","capacity":0}'], answer).toUIMessageStreamResponse();
      // Step 1's draft was passed on, then withdrawn when step 2 began.
      expect((await collect(run())).events).toContainEqual({ type: 'reset', attempt: 2 });
      const { error } = await snapshotsOf(run(), Venue);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ type: 'tool_call_unread' });
      expect((error as Error).message).toContain('the model called "lookup"');
    }
  });

  it('a step with only a tool call, or prose, starts no new attempt', async () => {
    for (const first of [[], ['Let me look that up.']]) {
      const store = new PartialObjectStore({
        schema: Venue,
        fetcher: () => twoStepRun(first).toUIMessageStreamResponse(),
        throttle: 0,
      });
      await store.submit(undefined);
      expect(store.getSnapshot()).toMatchObject({ status: 'success', attempt: 1 });
      expect(store.getSnapshot().data).toEqual({ city: 'Berlin', capacity: 1200 });
    }
  });

  it('the last step’s broken JSON still fails as a PartialJSONError where it broke, its whole text passed on', async () => {
    const deltas = ['{"city": ', '"Berlin",', ' capacity', ': 1200}'];
    const body = uiStream(
      [
        { type: 'start' },
        { type: 'start-step' },
        { type: 'text-start', id: 't' },
        ...deltas.map((delta) => ({ type: 'text-delta', id: 't', delta })),
        { type: 'text-end', id: 't' },
        { type: 'finish-step' },
        { type: 'finish' },
      ].map(uiPart),
    );
    const { text, error } = await collect(body());
    expect(error).toBeUndefined();
    expect(text).toBe(deltas.join(''));
    const { error: parsed } = await snapshotsOf(body());
    expect(parsed).toBeInstanceOf(PartialJSONError);
    expect((parsed as PartialJSONError).position).toBe(19);
    const run = twoStepRun([], '{"city": "Berlin", capacity: 1200}');
    await expect(lastOf(run.toUIMessageStreamResponse())).rejects.toBeInstanceOf(PartialJSONError);
  });
});

describe('AI SDK UI message stream: JSON Lines (streamItems)', () => {
  const Item = z.object({ id: z.number() });

  /** A streamText run (no output setting) whose model writes these text deltas, then stops. */
  function linesRun(deltas: string[]) {
    const parts: ModelPart[] = [
      { type: 'stream-start', warnings: [] },
      ...modelText('t', deltas),
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage } as ModelPart,
    ];
    return streamText({ model: mockModel(parts, true), prompt: 'List the items as JSON Lines.' });
  }

  async function itemsOf(response: Response) {
    const stream = streamItems(Item, response, { shape: 'lines' });
    const items: unknown[] = [];
    let error: unknown;
    try {
      for await (const item of stream) items.push(item);
    } catch (e) {
      error = e;
    }
    return { items, error, issues: stream.issues.map((i) => [i.index, i.issues[0]?.code]) };
  }

  const EXPECTED = { items: [{ id: 1 }, { id: 2 }], error: undefined, issues: [[0, 'invalid_json']] };

  // The step's JSON breaks at the first line (for one value, the end of it), so StepText holds the rest
  // of the step; the run ends with it, and the lines after that are items, as over the text stream.
  for (const [name, deltas] of [
    ['prose with a bracket before the lines', ['Note: see [the docs]\n', '{"id":1}\n', '{"id":2}\n']],
    ['an invalid line among valid ones', ['{"id": 0, oops}\n', '{"id":1}\n', '{"id":2}\n']],
  ] as const) {
    it(`${name}: the same items and issue as toTextStreamResponse()`, async () => {
      expect(await itemsOf(linesRun([...deltas]).toTextStreamResponse())).toEqual(EXPECTED);
      expect(await itemsOf(linesRun([...deltas]).toUIMessageStreamResponse())).toEqual(EXPECTED);
    });
  }

  it('the lines after the one the step broke at arrive, however the text is split into deltas', async () => {
    for (const text of [
      'Note: see [the docs]\n{"id":1}\n{"id":2}\n',
      '{"id": 0, oops}\n{"id":1}\n{"id":2}\n',
    ]) {
      for (const deltas of everySplit(text)) {
        const body = uiStream(
          [
            { type: 'start' },
            { type: 'start-step' },
            { type: 'text-start', id: 't' },
            ...deltas.filter(Boolean).map((delta) => ({ type: 'text-delta', id: 't', delta })),
            { type: 'text-end', id: 't' },
            { type: 'finish-step' },
            { type: 'finish' },
          ].map(uiPart),
        );
        expect((await collect(body())).text, JSON.stringify(deltas)).toBe(text);
        expect(await itemsOf(body()), JSON.stringify(deltas)).toEqual(EXPECTED);
      }
    }
  });

  it('a step that broke and is followed by another is not the output: no item of it, no reset', async () => {
    const step = (deltas: string[]) => [
      { type: 'start-step' },
      { type: 'text-start', id: 't' },
      ...deltas.map((delta) => ({ type: 'text-delta', id: 't', delta })),
      { type: 'text-end', id: 't' },
      { type: 'finish-step' },
    ];
    const body = uiStream(
      [
        { type: 'start' },
        ...step(['Checking {"venue": first.\n', '{"id":9}\n']),
        ...step(['{"id":1}\n', '{"id":2}\n']),
        { type: 'finish' },
      ].map(uiPart),
    );
    const { events } = await collect(body());
    expect(events).toEqual([
      { type: 'text', text: '{"id":1}\n' },
      { type: 'text', text: '{"id":2}\n' },
    ]);
    expect(await itemsOf(body())).toEqual({ items: [{ id: 1 }, { id: 2 }], error: undefined, issues: [] });
  });
});

describe('AI SDK UI message stream: items after a step that wrote other JSON', () => {
  it('the step of a JSON object without the list is replaced by the last step: its items, no error', async () => {
    const step = (text: string) => [
      { type: 'start-step' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: text },
      { type: 'text-end', id: 't' },
      { type: 'finish-step' },
    ];
    const body = uiStream(
      [
        { type: 'start' },
        ...step('{"status":"searching"}'),
        ...step('[{"id":1},{"id":2}]'),
        { type: 'finish' },
        '[DONE]',
      ].map(uiPart),
    );
    const items: unknown[] = [];
    for await (const item of streamItems(z.object({ id: z.number() }), body())) items.push(item);
    expect(items).toEqual([{ id: 1 }, { id: 2 }]);
    const store = new PartialItemsStore({ schema: z.object({ id: z.number() }), fetcher: body, throttle: 0 });
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      items: [{ id: 1 }, { id: 2 }],
      attempt: 2,
    });
  });
});

describe('AI SDK UI message stream: a body cut before finish and [DONE]', () => {
  const Item = z.object({ id: z.number() });
  const head = [{ type: 'start' }, { type: 'start-step' }, { type: 'text-start', id: 't' }];
  const deltas = (...texts: string[]) => texts.map((delta) => ({ type: 'text-delta', id: 't', delta }));
  const lost = {
    name: 'NetworkError',
    message:
      "The connection was lost: the stream ended before the provider's final event (finish, or '[DONE]')",
  };

  it('JSON Lines cut at a line end: the items before the cut, then a NetworkError', async () => {
    for (const tail of [[], [{ type: 'text-end', id: 't' }, { type: 'finish-step' }]]) {
      const body = uiStream([...head, ...deltas('{"id":1}\n', '{"id":2}\n'), ...tail].map(uiPart));
      const stream = streamItems(Item, body(), { shape: 'lines' });
      const items: unknown[] = [];
      await expect(
        (async () => {
          for await (const item of stream) items.push(item);
        })(),
      ).rejects.toMatchObject(lost);
      expect(items).toEqual([{ id: 1 }, { id: 2 }]);
    }
  });

  it('a whole value cut before finish is no success: a NetworkError, the value still shown', async () => {
    const body = uiStream([...head, ...deltas('{"id":', '1}')].map(uiPart));
    const { snapshots, error } = await snapshotsOf(body(), Item);
    expect(error).toMatchObject(lost);
    expect(snapshots.at(-1)).toEqual({ id: 1 });
    // with its finish part (and no [DONE]), or its [DONE] alone, it ended
    const finished = uiStream([...head, ...deltas('{"id":1}'), { type: 'finish' }].map(uiPart));
    expect((await snapshotsOf(finished(), Item)).error).toBeUndefined();
  });
});

describe('AI SDK UI message stream: an aborted run', () => {
  it('the abort part is a ProviderError of type aborted, after the text before it', async () => {
    const body = uiStream(
      [
        { type: 'start' },
        { type: 'start-step' },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: '{"items": ["a"' },
        { type: 'abort', reason: 'timeout' },
      ].map(uiPart),
    );
    const { text, error } = await collect(body());
    expect(text).toBe('{"items": ["a"');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'aborted', message: 'timeout' });
  });

  it('without a reason, the message says the run was aborted', async () => {
    const { error } = await collect(uiStream([uiPart({ type: 'start' }), uiPart({ type: 'abort' })])());
    expect(error).toMatchObject({
      name: 'ProviderError',
      type: 'aborted',
      message: 'The AI SDK run was aborted',
    });
  });
});

describe('AI SDK UI message stream: events the reader cannot read', () => {
  const delta = (d: unknown) => uiPart({ type: 'text-delta', id: 't', delta: d });
  const head = [{ type: 'start' }, { type: 'start-step' }, { type: 'text-start', id: 't' }].map(uiPart);
  const tail = [{ type: 'text-end', id: 't' }, { type: 'finish-step' }, { type: 'finish' }, '[DONE]'].map(
    uiPart,
  );

  it('an event whose data is not JSON is a DecodeError naming it, after the text before it', async () => {
    const broken = uiPart('{"type":"text-delta","id":"t","delta":"x');
    const { text, error } = await collect(
      uiStream([...head, delta('{"name": "Ad'), broken, delta('a"}'), ...tail])(),
    );
    expect(text).toBe('{"name": "Ad'); // not '{"name": "Ada"}': a valid but wrong value
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).event).toBe(5);
  });

  it('a text-delta whose delta is not a string is a DecodeError naming the field', async () => {
    const { error } = await collect(uiStream([...head, delta('{"n": '), delta(42), delta('}'), ...tail])());
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toBe('Event 5: delta is a number (42), expected a string');
  });

  it('a tool-input-delta of the chosen call whose inputTextDelta is not a string too', async () => {
    const body = uiStream(
      [
        { type: 'start' },
        { type: 'tool-input-start', toolCallId: 'c', toolName: 'f' },
        { type: 'tool-input-delta', toolCallId: 'c', inputTextDelta: { q: 1 } },
      ].map(uiPart),
    );
    const { error } = await collect(body(), { toolCall: 'f' });
    expect((error as Error).message).toBe(
      'Event 3: inputTextDelta is an object ({"q":1}), expected a string',
    );
  });
});

const RetriedVenue = z.object({ city: z.string(), capacity: z.number() });
const finishPart = (reason: string) =>
  ({ type: 'finish', finishReason: { unified: reason, raw: reason }, usage }) as ModelPart;
const stepText = (id: string, text: string): ModelPart[] => [
  { type: 'text-start', id },
  ...chunksOf(text, 7).map((delta): ModelPart => ({ type: 'text-delta', id, delta })),
  { type: 'text-end', id },
];
const toolCallParts = (id: string, name: string, input: string): ModelPart[] => [
  { type: 'tool-input-start', id, toolName: name },
  ...chunksOf(input, 7).map((delta): ModelPart => ({ type: 'tool-input-delta', id, delta })),
  { type: 'tool-input-end', id },
  { type: 'tool-call', toolCallId: id, toolName: name, input },
];

/** A model that answers each step from `steps` in turn. */
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

async function lastValueOf(response: Response, options = {}) {
  let last: unknown;
  let error: unknown;
  try {
    for await (const value of streamPartial(RetriedVenue, response, options)) last = value;
  } catch (e) {
    error = e;
  }
  return { last, error };
}

describe('AI SDK toolCall in a run of several steps', () => {
  it('an invalid tool input that AI SDK sends back to the model (tool-input-error) is replaced by the next call', {
    timeout: 5000,
  }, async () => {
    const run = () =>
      streamText({
        model: stepModel([
          [
            ...toolCallParts('c1', 'extract', '{"city":"Berlin","capacity":"many"}'),
            finishPart('tool-calls'),
          ],
          [...toolCallParts('c2', 'extract', '{"city":"Berlin","capacity":1200}'), finishPart('tool-calls')],
          [...stepText('t', 'Done.'), finishPart('stop')],
        ]),
        prompt: 'Extract the venue.',
        tools: { extract: tool({ inputSchema: RetriedVenue, execute: async () => 'saved' }) },
        stopWhen: stepCountIs(5),
        onError: () => {},
      });
    const result = run();
    const response = result.toUIMessageStreamResponse();
    const parts: string[] = [];
    const types = await (async () => {
      const text = await run().toUIMessageStreamResponse().text();
      for (const m of text.matchAll(/"type":"([a-z-]+)"/g)) parts.push(m[1]!);
      return parts;
    })();
    expect(types).toContain('tool-input-error'); // AI SDK rejected the first input and re-asked itself
    // Only the second, valid call ran: it is the run's extraction.
    const ran = (await result.steps).flatMap((s) => s.toolResults.map((r) => [r.toolCallId, r.input]));
    expect(ran).toEqual([['c2', { city: 'Berlin', capacity: 1200 }]]);
    expect(await lastValueOf(response, { decode: { toolCall: 'extract' } })).toEqual({
      last: { city: 'Berlin', capacity: 1200 },
      error: undefined,
    });
  });

  it('a refused input with no next call (one step) stays, and fails validation as itself', {
    timeout: 5000,
  }, async () => {
    const result = streamText({
      model: stepModel([
        [...toolCallParts('c1', 'extract', '{"city":"Berlin","capacity":"many"}'), finishPart('tool-calls')],
      ]),
      prompt: 'Extract the venue.',
      tools: { extract: tool({ inputSchema: RetriedVenue, execute: async () => 'saved' }) },
      onError: () => {},
    });
    const { last, error } = await lastValueOf(result.toUIMessageStreamResponse(), {
      decode: { toolCall: 'extract' },
    });
    // What the model sent is kept; its capacity, a string for a number, is never shown.
    expect(last).toEqual({ city: 'Berlin' });
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).value).toEqual({ city: 'Berlin', capacity: 'many' });
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([['capacity']]);
  });
});

describe("AI SDK's UI message stream: a step's held text is bounded by maxEventSize", () => {
  it('a step whose JSON broke holds at most maxEventSize characters: past it a DecodeError, not memory without end', async () => {
    const body = uiStream(
      [
        { type: 'start' },
        { type: 'start-step' },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Checking {"venue": first.' },
        ...Array.from({ length: 20 }, () => ({ type: 'text-delta', id: 't', delta: 'y'.repeat(100) })),
        { type: 'text-end', id: 't' },
        { type: 'finish-step' },
        { type: 'finish' },
      ].map(uiPart),
    );
    const { text, error } = await collect(body(), { maxEventSize: 1000 });
    expect(text).toBe('');
    expect(error).toMatchObject({
      name: 'DecodeError',
      message: "A step's text held after its JSON broke exceeded maxEventSize (1000 characters)",
      event: 14, // start, start-step, text-start, the broken delta, then 10 deltas of 100
    });
    // Under the default the whole step is passed on at the end, as the run's last step.
    expect((await collect(body())).text).toBe(`Checking {"venue": first.${'y'.repeat(2000)}`);
  });
});
