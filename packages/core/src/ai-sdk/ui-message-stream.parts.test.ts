import {
  type ModelPart,
  mockModel,
  mockModelCalls,
  modelText,
  textParts,
  usage,
} from '@partialkit/test-utils/ai-sdk';
import { chunksOf } from '@partialkit/test-utils/harness';
import {
  createUIMessageStream,
  createUIMessageStreamResponse,
  Output,
  readUIMessageStream,
  stepCountIs,
  streamText,
  tool,
} from 'ai';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import './index.ts';
import { type DecodeOptions, decode } from '../decode/decode.ts';
import type { DecodedEvent } from '../decode/events.ts';
import { DecodeError, ProviderError, TruncatedError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { decodeObjects } from '../providers/decode-objects.ts';

const Person = z.object({ name: z.string(), n: z.number() });
const JSON_TEXT = '{"name":"Ada","n":3}';

async function collect(source: Response | AsyncIterable<unknown>, options: DecodeOptions = {}) {
  const events: DecodedEvent[] = [];
  let error: unknown;
  try {
    const decoded = source instanceof Response ? decode(source, options) : decodeObjects(source, options);
    for await (const event of decoded) events.push(event);
  } catch (e) {
    error = e;
  }
  const text = events.map((e) => (e.type === 'text' ? e.text : '')).join('');
  return { events, text, error };
}

const body = (parts: object[]) =>
  new Response(parts.map((p) => `data: ${JSON.stringify(p)}\n\n`).join(''), {
    headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' },
  });

const oneStep = (parts: object[], finish: object = { type: 'finish' }) =>
  body([{ type: 'start' }, { type: 'start-step' }, ...parts, { type: 'finish-step' }, finish]);

describe('AI SDK UI message stream: text parts that interleave (merged streams)', () => {
  it('each part whole, in the order the parts started, as AI SDK joins them: not spliced', async () => {
    const parts = [
      { type: 'text-start', id: 'a' },
      { type: 'text-delta', id: 'a', delta: '{"name":"A' },
      { type: 'text-start', id: 'b' },
      { type: 'text-delta', id: 'b', delta: 'Note: ' },
      { type: 'text-delta', id: 'a', delta: 'da","n":3}' },
      { type: 'text-delta', id: 'b', delta: 'fine.' },
      { type: 'text-end', id: 'b' },
      { type: 'text-end', id: 'a' },
    ];
    const { events, error } = await collect(oneStep(parts));
    expect(error).toBeUndefined();
    // Part a's deltas pass at once; b's wait for a's end.
    expect(events).toEqual([
      { type: 'text', text: '{"name":"A' },
      { type: 'text', text: 'da","n":3}' },
      { type: 'text', text: 'Note: ' },
      { type: 'text', text: 'fine.' },
    ]);
    let last: unknown;
    for await (const value of streamPartial(Person, oneStep(parts))) last = value;
    expect(last).toEqual({ name: 'Ada', n: 3 });
  });

  it('for every interleaving of two parts, the text is the first part then the second', async () => {
    const a = chunksOf(JSON_TEXT, 4);
    const b = chunksOf(' Summary: all good.', 5);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...a.map((_, i) => `a${i}`), ...b.map((_, i) => `b${i}`)], {
          minLength: a.length + b.length,
        }),
        fc.boolean(),
        async (order, endBFirst) => {
          // Each part's deltas keep their own order; which part's delta comes next is shuffled.
          let ia = 0;
          let ib = 0;
          const parts: object[] = [];
          const started = new Set<string>();
          for (const slot of order) {
            const id = slot[0] as 'a' | 'b';
            if (!started.has(id)) {
              started.add(id);
              parts.push({ type: 'text-start', id });
            }
            const delta = id === 'a' ? a[ia++] : b[ib++];
            parts.push({ type: 'text-delta', id, delta });
          }
          const ends = [
            { type: 'text-end', id: 'a' },
            { type: 'text-end', id: 'b' },
          ];
          parts.push(...(endBFirst ? ends.reverse() : ends));
          const first = (order[0] as string)[0];
          const expected = first === 'a' ? JSON_TEXT + b.join('') : b.join('') + JSON_TEXT;
          const { text, error } = await collect(oneStep(parts));
          expect(error).toBeUndefined();
          expect(text).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("two streamText runs merged into one response (writer.merge): the object, as the first run's output", async () => {
    const second = (): ModelPart[] =>
      textParts('Summary: all good.', 'stop', 3).map(
        (p) => ('id' in p ? { ...p, id: 't2' } : p) as ModelPart,
      );
    const response = () =>
      createUIMessageStreamResponse({
        stream: createUIMessageStream({
          execute: ({ writer }) => {
            writer.merge(
              streamText({
                model: mockModel(textParts(JSON_TEXT, 'stop', 3), true),
                prompt: 'x',
                output: Output.object({ schema: Person }),
              }).toUIMessageStream({ sendFinish: false }),
            );
            writer.merge(
              streamText({ model: mockModel(second(), true), prompt: 'y' }).toUIMessageStream({
                sendStart: false,
              }),
            );
          },
        }),
      });
    const { events, error } = await collect(response());
    expect(error).toBeUndefined();
    expect(events.some((e) => e.type === 'reset')).toBe(false);
    // What AI SDK's own reader makes of the same bytes: two text parts, each whole.
    const texts: string[] = [];
    const stream = createUIMessageStream({
      execute: ({ writer }) => {
        writer.merge(
          streamText({
            model: mockModel(textParts(JSON_TEXT, 'stop', 3), true),
            prompt: 'x',
          }).toUIMessageStream({
            sendFinish: false,
          }),
        );
        writer.merge(
          streamText({ model: mockModel(second(), true), prompt: 'y' }).toUIMessageStream({
            sendStart: false,
          }),
        );
      },
    });
    let message: { parts: Array<{ type: string; text?: string }> } | undefined;
    for await (const m of readUIMessageStream({ stream })) message = m;
    for (const p of message?.parts ?? []) if (p.type === 'text') texts.push(p.text ?? '');
    expect(texts).toEqual([JSON_TEXT, 'Summary: all good.']);
    expect(events.map((e) => (e.type === 'text' ? e.text : '')).join('')).toBe(texts.join(''));
    let last: unknown;
    for await (const value of streamPartial(Person, response())) last = value;
    expect(last).toEqual({ name: 'Ada', n: 3 });
  });

  it('the text of parts waiting behind an open one is bounded by maxEventSize', async () => {
    const parts = [
      { type: 'text-start', id: 'a' },
      { type: 'text-delta', id: 'a', delta: '{"name":"A' },
      ...Array.from({ length: 12 }, () => ({ type: 'text-delta', id: 'b', delta: 'y'.repeat(100) })),
      { type: 'text-end', id: 'a' },
    ];
    const { text, error } = await collect(oneStep(parts), { maxEventSize: 1000 });
    expect(text).toBe('{"name":"A');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({
      message:
        'The text of a part that started after another still open exceeded maxEventSize (1000 characters)',
      event: 15, // start, start-step, text-start, a's delta, then b's 11th delta
    });
  });
});

describe('AI SDK UI message stream: how a run ends', () => {
  const text = [
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: JSON_TEXT },
    { type: 'text-end', id: 't' },
  ];

  it("finishReason 'error' is a ProviderError, 'interrupted' a TruncatedError; both after the text", async () => {
    const failed = await collect(oneStep(text, { type: 'finish', finishReason: 'error' }));
    expect(failed.text).toBe(JSON_TEXT);
    expect(failed.error).toBeInstanceOf(ProviderError);
    expect(failed.error).toMatchObject({
      type: 'error',
      message: "The model stopped because of an error (finishReason 'error')",
    });
    const cut = await collect(oneStep(text, { type: 'finish', finishReason: 'interrupted' }));
    expect(cut.text).toBe(JSON_TEXT);
    expect(cut.error).toBeInstanceOf(TruncatedError);
    expect(cut.error).toMatchObject({ reason: 'incomplete' });
    // The real run, through the mock model.
    const real = streamText({
      model: mockModel(textParts(JSON_TEXT, 'error')),
      prompt: 'x',
      onError: () => {},
    });
    expect((await collect(real.toUIMessageStreamResponse())).error).toMatchObject({
      name: 'ProviderError',
      type: 'error',
    });
  });

  it("'stop', 'tool-calls', 'other' and no reason end well", async () => {
    for (const finishReason of ['stop', 'tool-calls', 'other', undefined]) {
      const { text: got, error } = await collect(oneStep(text, { type: 'finish', finishReason }));
      expect(error, String(finishReason)).toBeUndefined();
      expect(got).toBe(JSON_TEXT);
    }
  });

  it('a run with tool calls and no text, read without toolCall, is a tool_call_unread naming the option', async () => {
    const run = () =>
      streamText({
        model: mockModel([
          { type: 'stream-start', warnings: [] },
          { type: 'tool-input-start', id: 'c1', toolName: 'extract' },
          ...chunksOf(JSON_TEXT, 5).map(
            (delta): ModelPart => ({ type: 'tool-input-delta', id: 'c1', delta }),
          ),
          { type: 'tool-input-end', id: 'c1' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'extract', input: JSON_TEXT },
          { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage } as ModelPart,
        ]),
        prompt: 'x',
        tools: { extract: tool({ inputSchema: Person }) },
      }).toUIMessageStreamResponse();
    const { text: got, error } = await collect(run());
    expect(got).toBe('');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      type: 'tool_call_unread',
      message:
        'The response has no text: the model called "extract"; read a tool call\'s arguments with decode: { toolCall: "extract" }',
    });
    expect((await collect(run(), { toolCall: 'extract' })).text).toBe(JSON_TEXT);
    // A tool input that was not streamed (tool-input-available only) counts too.
    const whole = await collect(
      oneStep([{ type: 'tool-input-available', toolCallId: 'c1', toolName: 'lookup', input: { q: 1 } }]),
    );
    expect(whole.error).toMatchObject({ type: 'tool_call_unread' });
    // No text and no call: nothing to name, the parse stage says the JSON never came.
    expect((await collect(oneStep([]))).error).toBeUndefined();
  });

  it("streamText's fullStream is refused with what to pass instead, not read as an empty run", async () => {
    const result = streamText({ model: mockModel(textParts(JSON_TEXT)), prompt: 'x' });
    const { text: got, error } = await collect(result.fullStream);
    expect(got).toBe('');
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).message).toMatch(
      /^Event \d+: a part of streamText's fullStream \(text-delta\), not of the UI message stream: pass the streamText result itself, its toUIMessageStream\(\) or its textStream$/,
    );
    // Its UI message stream objects are read.
    const ui = streamText({ model: mockModel(textParts(JSON_TEXT)), prompt: 'x' }).toUIMessageStream();
    expect((await collect(ui)).text).toBe(JSON_TEXT);
  });
});

describe('AI SDK UI message stream: prose of a step that is not the last', () => {
  const step = (deltas: string[], tool?: boolean) => [
    { type: 'start-step' },
    { type: 'text-start', id: 't' },
    ...deltas.map((delta) => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    ...(tool
      ? [{ type: 'tool-input-available', toolCallId: 'c1', toolName: 'lookup', input: { q: 'v' } }]
      : []),
    { type: 'finish-step' },
  ];
  const run = (...steps: object[][]) => body([{ type: 'start' }, ...steps.flat(), { type: 'finish' }]);

  it('a narration before a tool call is not passed on when a step follows: only the last step, no reset', async () => {
    const { events, error } = await collect(
      run(step(['Let me ', 'look that up.'], true), step([JSON_TEXT])),
      {
        extractJson: false,
      },
    );
    expect(error).toBeUndefined();
    expect(events).toEqual([{ type: 'text', text: JSON_TEXT }]);
  });

  it('prose before the JSON of the same step is passed on with the JSON, as one text', async () => {
    const { events } = await collect(run(step(['Here it is: ', '{"name":', '"Ada","n":3}'])));
    expect(events).toEqual([
      { type: 'text', text: 'Here it is: {"name":' },
      { type: 'text', text: '"Ada","n":3}' },
    ]);
  });

  it('a last step of prose alone is passed on at the end: the parse stage says what it is', async () => {
    const { text: got, error } = await collect(run(step(['No JSON ', 'here.'])));
    expect(error).toBeUndefined();
    expect(got).toBe('No JSON here.');
  });

  it('prose longer than maxEventSize before any JSON is passed on, and the next step starts with a reset', async () => {
    const long = Array.from({ length: 12 }, () => 'y'.repeat(100));
    const { events, error } = await collect(run(step(long, true), step([JSON_TEXT])), { maxEventSize: 1000 });
    expect(error).toBeUndefined();
    // The eleventh delta passes the bound: all eleven go together, then the twelfth as it comes.
    expect(events.map((e) => e.type)).toEqual(['text', 'text', 'reset', 'text']);
    expect(events[0]).toEqual({ type: 'text', text: long.slice(0, 11).join('') });
    expect(events.at(-1)).toEqual({ type: 'text', text: JSON_TEXT });
  });
});

describe('AI SDK UI message stream: where a step begins', () => {
  const text = (id: string, deltas: string[]) => [
    { type: 'text-start', id },
    ...deltas.map((delta) => ({ type: 'text-delta', id, delta })),
    { type: 'text-end', id },
  ];
  const call = { type: 'tool-input-available', toolCallId: 'c1', toolName: 'lookup', input: { q: 'v' } };

  it('without finish-step parts, a start-step after the text ended is a next step: a reset, the last object', async () => {
    const parts = [
      { type: 'start' },
      { type: 'start-step' },
      ...text('a', ['{"name":"Old",', '"n":1}']),
      call,
      { type: 'start-step' },
      ...text('b', [JSON_TEXT]),
      { type: 'finish' },
    ];
    const { events, error } = await collect(body(parts));
    expect(error).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['text', 'text', 'reset', 'text']);
    let last: unknown;
    for await (const value of streamPartial(Person, body(parts))) last = value;
    expect(last).toEqual({ name: 'Ada', n: 3 });
  });

  it('a multi-step run merged with a slower run of prose: the last step’s object, as the run’s output', async () => {
    const Venue = z.object({ city: z.string(), capacity: z.number() });
    const answer = '{"city":"Berlin","capacity":1200}';
    const finish = (reason: string) =>
      ({ type: 'finish', finishReason: { unified: reason, raw: reason }, usage }) as ModelPart;
    const start: ModelPart = { type: 'stream-start', warnings: [] };
    const run = streamText({
      model: mockModelCalls(
        [
          [
            start,
            ...modelText('a', ['{"city":"unknown",', '"capacity":0}']),
            { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"venue"}' },
            finish('tool-calls'),
          ],
          [start, ...modelText('b', chunksOf(answer, 4)), finish('stop')],
        ],
        true,
      ),
      prompt: 'x',
      output: Output.object({ schema: Venue }),
      tools: {
        lookup: tool({ inputSchema: z.object({ q: z.string() }), execute: async () => ({ city: 'Berlin' }) }),
      },
      stopWhen: stepCountIs(3),
      onError: () => {},
    });
    const prose = streamText({
      model: mockModel(textParts('Summary: the venue was looked up and all is fine.', 'stop', 2), true),
      prompt: 'y',
    });
    const response = createUIMessageStreamResponse({
      stream: createUIMessageStream({
        execute: ({ writer }) => {
          writer.merge(run.toUIMessageStream({ sendFinish: false }));
          writer.merge(prose.toUIMessageStream({ sendStart: false }));
        },
      }),
    });
    let last: unknown;
    for await (const value of streamPartial(Venue, response)) last = value;
    expect(await run.output).toEqual({ city: 'Berlin', capacity: 1200 });
    expect(last).toEqual(await run.output);
  });

  it('a step whose text begins as a JSON number or string (JSON Lines of them) streams as it comes', async () => {
    for (const lines of [
      ['1\n', '2\n', '3\n'],
      ['"a"\n', '"b"\n', '"c"\n'],
    ]) {
      const { events } = await collect(oneStep(text('t', lines)));
      expect(events).toEqual(lines.map((t) => ({ type: 'text', text: t })));
    }
  });
});

describe('AI SDK UI message stream: reset-step (a retried step)', () => {
  it("withdraws the step's text so far: a reset, then the retried attempt's", async () => {
    const parts = [
      { type: 'start' },
      { type: 'start-step' },
      { type: 'text-start', id: 't1' },
      { type: 'text-delta', id: 't1', delta: '{"name":"Ol' },
      { type: 'reset-step' },
      { type: 'text-start', id: 't2' },
      { type: 'text-delta', id: 't2', delta: JSON_TEXT },
      { type: 'text-end', id: 't2' },
      { type: 'finish-step' },
      { type: 'finish' },
    ];
    const { events, error } = await collect(body(parts));
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: 'text', text: '{"name":"Ol' },
      { type: 'reset', attempt: 2 },
      { type: 'text', text: JSON_TEXT },
    ]);
    let last: unknown;
    for await (const value of streamPartial(Person, body(parts))) last = value;
    expect(last).toEqual({ name: 'Ada', n: 3 });
  });

  it('withdraws a tool call of the step: toolCall reads the retried call, by name or index', async () => {
    const parts = [
      { type: 'start' },
      { type: 'start-step' },
      { type: 'tool-input-start', toolCallId: 'c1', toolName: 'extract' },
      { type: 'tool-input-delta', toolCallId: 'c1', inputTextDelta: '{"name":"Ol' },
      { type: 'reset-step' },
      { type: 'tool-input-start', toolCallId: 'c2', toolName: 'extract' },
      { type: 'tool-input-delta', toolCallId: 'c2', inputTextDelta: JSON_TEXT },
      { type: 'tool-input-available', toolCallId: 'c2', toolName: 'extract', input: JSON.parse(JSON_TEXT) },
      { type: 'finish-step' },
      { type: 'finish' },
    ];
    for (const toolCall of ['extract', 0] as const) {
      const { events, error } = await collect(body(parts), { toolCall });
      expect(error, String(toolCall)).toBeUndefined();
      expect(events, String(toolCall)).toEqual([
        { type: 'text', text: '{"name":"Ol' },
        { type: 'reset', attempt: 2 },
        { type: 'text', text: JSON_TEXT },
      ]);
    }
    // A reset-step of a step that showed nothing yields no reset.
    const quiet = await collect(
      body([{ type: 'start' }, { type: 'start-step' }, { type: 'reset-step' }, ...parts.slice(5)]),
      {
        toolCall: 'extract',
      },
    );
    expect(quiet.events).toEqual([{ type: 'text', text: JSON_TEXT }]);
  });
});

describe('AI SDK UI message stream: one answer over several text parts', () => {
  it('a value that goes on in a later part (a citation between them) is read whole, as result.output', async () => {
    const Fact = z.object({ summary: z.string(), year: z.number() });
    const run = () =>
      streamText({
        model: mockModelCalls([
          [
            { type: 'stream-start', warnings: [] },
            ...modelText('0', ['{"summary":"The tower was built ']),
            { type: 'source', sourceType: 'url', id: 's1', url: 'https://example.com' },
            ...modelText('1', ['in 1889","year":1889}']),
            { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage } as ModelPart,
          ],
        ]),
        prompt: 'x',
        output: Output.object({ schema: Fact }),
      });
    const result = run();
    let last: unknown;
    for await (const value of streamPartial(Fact, result.toUIMessageStreamResponse({ sendSources: true })))
      last = value;
    expect(last).toEqual(await result.output);
    expect(last).toEqual({ summary: 'The tower was built in 1889', year: 1889 });
  });
});
