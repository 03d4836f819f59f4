import { type ModelPart, mockModel, textParts, usage } from '@partialkit/test-utils/ai-sdk';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { chunksOf } from '@partialkit/test-utils/harness';
import { createUIMessageStream, createUIMessageStreamResponse, Output, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import './index.ts';
import { type DecodeOptions, decode } from '../decode/decode.ts';
import type { DecodedEvent } from '../decode/events.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
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

async function snapshotsOf(response: Response) {
  const snapshots: unknown[] = [];
  let error: unknown;
  try {
    for await (const value of streamPartial(MeetingInfo, response)) snapshots.push(value);
  } catch (e) {
    error = e;
  }
  return { snapshots, error };
}

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
    expect((await collect(run())).text).toBe(''); // no text parts: the JSON is in the tool call
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
