import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode, PartialObjectStore, ProviderError, streamPartial } from '@partialkit/core';
import { type ModelPart, mockModel, textParts, usage } from '@partialkit/test-utils/ai-sdk';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { APICallError, Output, simulateReadableStream, stepCountIs, streamText, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { toNodeHandler } from './node/node.ts';
import { reask } from './reask.ts';
import { toPartialResponse } from './response.ts';

const TEXT = JSON.stringify(MEETING_RESULT);

function objectRun(model: MockLanguageModelV4, abortSignal?: AbortSignal) {
  return streamText({
    model,
    prompt: 'Extract the meeting.',
    output: Output.object({ schema: MeetingInfo }),
    onError: () => {},
    ...(abortSignal && { abortSignal }),
  });
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** An HTTP server on 127.0.0.1 answering every POST with `handler`'s response. */
async function serve(handler: () => Response): Promise<string> {
  server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/extract`;
}

describe('an unchanged AI SDK route, read over HTTP', () => {
  it('toUIMessageStreamResponse(): the store POSTs to the URL and gets the exact object', async () => {
    const url = await serve(() => objectRun(mockModel(textParts(TEXT), true)).toUIMessageStreamResponse());
    const store = new PartialObjectStore({ schema: MeetingInfo, fetcher: url, throttle: 0 });
    const seen: unknown[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().object));
    await store.submit({ text: 'the meeting notes' });
    const state = store.getSnapshot();
    expect(state.error).toBeUndefined();
    expect(state.status).toBe('success');
    expect(state.data).toEqual(MEETING_RESULT);
    expect(state.attempt).toBe(1);
    expect(seen.filter((o) => o !== undefined).length).toBeGreaterThan(3);
  });

  it('toTextStreamResponse(): read as text, the same object', async () => {
    const url = await serve(() => objectRun(mockModel(textParts(TEXT))).toTextStreamResponse());
    const store = new PartialObjectStore({ schema: MeetingInfo, fetcher: url, throttle: 0 });
    await store.submit({});
    expect(store.getSnapshot().data).toEqual(MEETING_RESULT);
  });
});

describe('toPartialResponse(streamText result)', () => {
  it("re-encodes the result in partialkit's protocol: exact final object", async () => {
    const response = toPartialResponse(objectRun(mockModel(textParts(TEXT))));
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    let last: unknown;
    for await (const value of streamPartial(MeetingInfo, response)) last = value;
    expect(last).toEqual(MEETING_RESULT);
  });

  it('also reads the UI message parts themselves (result.toUIMessageStream())', async () => {
    const parts = objectRun(mockModel(textParts(TEXT))).toUIMessageStream();
    let last: unknown;
    for await (const value of streamPartial(MeetingInfo, toPartialResponse(parts))) last = value;
    expect(last).toEqual(MEETING_RESULT);
  });

  it('an error of the model reaches the client as a ProviderError', async () => {
    const parts: ModelPart[] = [
      ...textParts(TEXT.slice(0, 50)).slice(0, -2),
      { type: 'error', error: 'boom' },
    ];
    const response = toPartialResponse(objectRun(mockModel(parts)));
    let text = '';
    const error = await (async () => {
      for await (const e of decode(response)) if (e.type === 'text') text += e.text;
    })().catch((e: unknown) => e);
    expect(text).toBe(TEXT.slice(0, 50));
    expect(error).toBeInstanceOf(ProviderError);
  });

  it('a run of several steps (tools + stopWhen): the browser ends with the last step’s object', async () => {
    const Venue = z.object({ city: z.string(), capacity: z.number() });
    const steps: ModelPart[][] = [
      [
        { type: 'stream-start', warnings: [] },
        ...textParts('{"city": "unknown", "capacity": 0}').slice(1, -1),
        { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"venue"}' },
        { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage } as ModelPart,
      ],
      textParts('{"city": "Berlin", "capacity": 1200}'),
    ];
    let step = 0;
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: simulateReadableStream({
          chunks: steps[step++]!,
          initialDelayInMs: null,
          chunkDelayInMs: null,
        }),
      }),
    });
    const result = streamText({
      model,
      prompt: 'Where is the meeting?',
      output: Output.object({ schema: Venue }),
      tools: {
        lookup: tool({ inputSchema: z.object({ q: z.string() }), execute: async () => ({ city: 'Berlin' }) }),
      },
      stopWhen: stepCountIs(3),
      onError: () => {},
    });
    let last: unknown;
    for await (const value of streamPartial(Venue, toPartialResponse(result))) last = value;
    expect(last).toEqual({ city: 'Berlin', capacity: 1200 });
    expect(last).toEqual(await result.output);
  });

  it('a run aborted by its abortSignal ends with an error event of type aborted, not done', async () => {
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        // The first delta, then a slow model.
        stream: new ReadableStream<ModelPart>({
          start(c) {
            c.enqueue({ type: 'stream-start', warnings: [] });
            c.enqueue({ type: 'text-start', id: 't1' });
            c.enqueue({ type: 'text-delta', id: 't1', delta: '{"items": ["a", "b"' });
          },
        }),
      }),
    });
    const run = new AbortController();
    const result = streamText({
      model,
      prompt: 'List.',
      output: Output.object({ schema: z.object({ items: z.array(z.string()) }) }),
      abortSignal: run.signal,
      onError: () => {},
    });
    const reader = toPartialResponse(result, { heartbeatMs: 0 }).body!.getReader();
    const decoder = new TextDecoder();
    let wire = '';
    while (!wire.includes('items')) wire += decoder.decode((await reader.read()).value);
    run.abort(); // e.g. AbortSignal.timeout(…) on the route
    for (let next = await reader.read(); !next.done; next = await reader.read())
      wire += decoder.decode(next.value);
    const last = wire.trim().split('\n\n').at(-1)!;
    expect(last).toMatch(/^event: error\ndata: \{"type":"aborted"/);
  });

  it('a client that goes away cancels the UI message stream, while the model is silent', async () => {
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        // The model sends the first delta, then waits (a slow provider).
        stream: new ReadableStream<ModelPart>({
          start(c) {
            c.enqueue({ type: 'stream-start', warnings: [] });
            c.enqueue({ type: 'text-start', id: 't1' });
            c.enqueue({ type: 'text-delta', id: 't1', delta: '{"users": [' });
          },
        }),
      }),
    });
    const result = objectRun(model);
    let cancelled: unknown;
    // The real result, its UI message stream observed for the cancel toPartialResponse sends.
    const observed = {
      textStream: result.textStream,
      toUIMessageStream: () => {
        const reader = result.toUIMessageStream().getReader();
        return new ReadableStream<unknown>({
          async pull(c) {
            const next = await reader.read();
            if (next.done) c.close();
            else c.enqueue(next.value);
          },
          cancel(reason) {
            cancelled = reason ?? 'cancelled';
            return reader.cancel(reason);
          },
        });
      },
    };
    const response = toPartialResponse(observed);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let wire = '';
    while (!wire.includes('users')) wire += decoder.decode((await reader.read()).value);
    expect(cancelled).toBeUndefined();
    await reader.cancel(new Error('gone'));
    expect(cancelled).toEqual(new Error('gone'));
  });
});

describe('reask over a streamText result: an abort of its signal', () => {
  it('ends the run with the abort reason: the reader cancelled by the abort is not a truncated answer to re-ask', async () => {
    const reason = new Error('the client left');
    const controller = new AbortController();
    const signals: boolean[] = [];
    let modelAborted = false;
    const call = (_messages: unknown, { signal }: { signal: AbortSignal }) => {
      signals.push(signal.aborted);
      // The model sends a first delta, then is silent.
      const model = new MockLanguageModelV4({
        doStream: async ({ abortSignal }) => {
          abortSignal?.addEventListener('abort', () => {
            modelAborted = true;
          });
          return {
            stream: new ReadableStream<ModelPart>({
              start(c) {
                c.enqueue({ type: 'stream-start', warnings: [] });
                c.enqueue({ type: 'text-start', id: 't1' });
                c.enqueue({ type: 'text-delta', id: 't1', delta: '{"users": [' });
              },
            }),
          };
        },
      });
      return objectRun(model, signal);
    };
    const types: string[] = [];
    let error: unknown;
    try {
      for await (const e of reask({ schema: MeetingInfo, messages: [], call, signal: controller.signal })) {
        types.push(e.type);
        if (e.type === 'text') controller.abort(reason);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBe(reason);
    expect(signals).toEqual([false]); // one model call: no re-ask
    expect(types).toEqual(['text']);
    expect(modelAborted).toBe(true);
  });
});

/** A run whose model streams the start of a list, then fails with `failure`. */
function failingRun(failure: unknown) {
  const parts: ModelPart[] = [...textParts('{"items": ["a"').slice(0, -2), { type: 'error', error: failure }];
  return streamText({
    model: mockModel(parts),
    prompt: 'List.',
    output: Output.object({ schema: z.object({ items: z.array(z.string()) }) }),
    onError: () => {},
  });
}

describe("toPartialResponse(streamText result): the model's error", () => {
  it('an HTTP error of the API reaches onError as the raw of a ProviderError; the browser sees its status only', {
    timeout: 5000,
  }, async () => {
    const failure = Object.assign(new Error('Rate limit reached for gpt-4o'), { statusCode: 429 });
    const result = failingRun(failure);
    const seen: unknown[] = [];
    const response = toPartialResponse(result, {
      heartbeatMs: 0,
      onError: (error) => void seen.push(error),
    });
    let text = '';
    const error = await (async () => {
      for await (const e of decode(response)) if (e.type === 'text') text += e.text;
    })().catch((e: unknown) => e);
    expect(text).toBe('{"items": ["a"');
    expect(error).toBeInstanceOf(ProviderError);
    expect({ type: (error as ProviderError).type, message: (error as ProviderError).message }).toEqual({
      type: 'upstream_http_429',
      message: 'The upstream answered HTTP 429',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(ProviderError);
    expect((seen[0] as ProviderError).raw).toBe(failure);
  });
});

describe("toPartialResponse(streamText result): what the browser learns of the model's error", () => {
  const cases: Array<[string, unknown, { type: string; message: string }]> = [
    [
      "an error the provider sent in its stream (Anthropic's)",
      { type: 'overloaded_error', message: 'Overloaded' },
      { type: 'overloaded_error', message: 'Overloaded' },
    ],
    [
      'one nested as OpenAI writes it',
      { error: { code: 'server_error', message: 'The server had an error' } },
      { type: 'server_error', message: 'The server had an error' },
    ],
    [
      "an exception (its message may hold a secret): AI SDK's masked text",
      new Error('connect ECONNREFUSED postgres://admin:pw@db'),
      { type: 'error', message: 'An error occurred.' },
    ],
  ];
  for (const [name, failure, expected] of cases) {
    it(name, { timeout: 5000 }, async () => {
      const result = failingRun(failure);
      const error = await (async () => {
        for await (const _ of decode(toPartialResponse(result, { heartbeatMs: 0 })));
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect({ type: (error as ProviderError).type, message: (error as Error).message }).toEqual(expected);
    });
  }

  it('an HTTP error AI SDK retried (its RetryError): the status of the last one', {
    timeout: 5000,
  }, async () => {
    const overloaded = () =>
      new APICallError({
        message: 'Rate limit reached for gpt-4o (key sk-…)',
        url: 'https://api.example/v1',
        requestBodyValues: {},
        statusCode: 429,
        isRetryable: true,
      });
    const model = new MockLanguageModelV4({
      doStream: async () => {
        throw overloaded();
      },
    });
    const result = streamText({
      model,
      prompt: 'List.',
      maxRetries: 1,
      output: Output.object({ schema: z.object({ items: z.array(z.string()) }) }),
      onError: () => {},
    });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const _ of decode(
        toPartialResponse(result, { heartbeatMs: 0, onError: (e) => void seen.push(e) }),
      ));
    })().catch((e: unknown) => e);
    expect({ type: (error as ProviderError).type, message: (error as Error).message }).toEqual({
      type: 'upstream_http_429',
      message: 'The upstream answered HTTP 429',
    });
    expect(((seen[0] as ProviderError).raw as Error).name).toBe('AI_RetryError');
  });
});
