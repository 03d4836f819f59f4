import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode, type DecodedEvent, PartialObjectStore, ProviderError } from '@partialkit/core';
import { type ModelPart, usage } from '@partialkit/test-utils/ai-sdk';
import { chunksOf } from '@partialkit/test-utils/harness';
import { Output, simulateReadableStream, stepCountIs, streamText, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { toNodeHandler } from './node/node.ts';
import { type ChatMessage, reask } from './reask.ts';
import { toPartialResponse } from './response.ts';

const Venue = z.object({ city: z.string(), capacity: z.number().int().min(1) });
const finish = (reason: string) =>
  ({ type: 'finish', finishReason: { unified: reason, raw: reason }, usage }) as ModelPart;
const modelText = (id: string, text: string, size = 7): ModelPart[] => [
  { type: 'text-start', id },
  ...chunksOf(text, size).map((delta): ModelPart => ({ type: 'text-delta', id, delta })),
  { type: 'text-end', id },
];

/** A model whose stream sends `head` and then stays silent; records cancel and its abortSignal. */
function silentModel(head: ModelPart[]) {
  const seen = { calls: 0, cancelled: false, aborted: false };
  const model = new MockLanguageModelV4({
    doStream: async ({ abortSignal }) => {
      seen.calls++;
      abortSignal?.addEventListener('abort', () => {
        seen.aborted = true;
      });
      return {
        stream: new ReadableStream<ModelPart>({
          start(c) {
            c.enqueue({ type: 'stream-start', warnings: [] });
            for (const p of head) c.enqueue(p);
          },
          cancel() {
            seen.cancelled = true;
          },
        }),
      };
    },
  });
  return { model, seen };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: (request: Request) => Response): Promise<string> {
  server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/extract`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('zz-review: reask over AI SDK runs', () => {
  it('aborting reask’s signal mid-answer stops it with the abort, no re-ask of the model', {
    timeout: 5000,
  }, async () => {
    const reason = new Error('the client left');
    const controller = new AbortController();
    let calls = 0;
    const signalsAtCall: boolean[] = [];
    const call = (_m: ChatMessage[], { signal }: { signal: AbortSignal }) => {
      calls++;
      signalsAtCall.push(signal.aborted);
      const { model } = silentModel(modelText('t', '{"city":"Ber'));
      return streamText({
        model,
        prompt: 'x',
        output: Output.object({ schema: Venue }),
        abortSignal: signal,
        onError: () => {},
      });
    };
    const gen = reask({ schema: Venue, messages: [], call, signal: controller.signal });
    const events: unknown[] = [];
    let error: unknown;
    try {
      for await (const e of gen) {
        events.push(e);
        if (e.type === 'text' && e.text.includes('Ber')) controller.abort(reason);
      }
    } catch (e) {
      error = e;
    }
    expect(calls).toBe(1);
    expect(signalsAtCall).toEqual([false]);
    expect(events.filter((e) => (e as { type: string }).type === 'reset')).toEqual([]);
    expect(error).toBe(reason);
  });

  it('over the same abort with a plain text source, reask throws the reason (the behaviour to match)', {
    timeout: 5000,
  }, async () => {
    const reason = new Error('the client left');
    const controller = new AbortController();
    let calls = 0;
    const call = () => {
      calls++;
      return (async function* () {
        yield '{"city":"Ber';
        await new Promise(() => {});
      })();
    };
    let error: unknown;
    try {
      for await (const e of reask({ schema: Venue, messages: [], call, signal: controller.signal }))
        if (e.type === 'text') controller.abort(reason);
    } catch (e) {
      error = e;
    }
    expect(calls).toBe(1);
    expect(error).toBe(reason);
  });

  it('a validation failure in the last step of an AI SDK run is re-asked; attempts only grow', {
    timeout: 5000,
  }, async () => {
    const answers = ['{"city":"Berlin","capacity":0}', '{"city":"Berlin","capacity":1200}'];
    const call = (_m: ChatMessage[], { attempt, signal }: { attempt: number; signal: AbortSignal }) => {
      const steps: ModelPart[][] = [
        [
          ...modelText('a', '{"city":"x","capacity":5}'),
          { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"v"}' },
          finish('tool-calls'),
        ],
        [...modelText('b', answers[attempt - 1]!), finish('stop')],
      ];
      let step = 0;
      return streamText({
        model: new MockLanguageModelV4({
          doStream: async () => ({
            stream: simulateReadableStream({
              chunks: [{ type: 'stream-start', warnings: [] }, ...steps[step++]!],
              initialDelayInMs: null,
              chunkDelayInMs: null,
            }),
          }),
        }),
        prompt: 'x',
        output: Output.object({ schema: z.object({ city: z.string(), capacity: z.number() }) }),
        tools: { lookup: tool({ inputSchema: z.object({ q: z.string() }), execute: async () => 'ok' }) },
        stopWhen: stepCountIs(3),
        abortSignal: signal,
        onError: () => {},
      });
    };
    const store = new PartialObjectStore({
      schema: Venue,
      fetcher: () => toPartialResponse(reask({ schema: Venue, messages: [], call }), { heartbeatMs: 0 }),
      throttle: 0,
    });
    const attempts: number[] = [];
    store.subscribe(() => {
      const a = store.getSnapshot().attempt;
      if (attempts.at(-1) !== a) attempts.push(a);
    });
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({ status: 'success', data: { city: 'Berlin', capacity: 1200 } });
    expect(attempts).toEqual([1, 2, 3, 4]);
  });
});

describe('zz-review: toPartialResponse(streamText result) over HTTP', () => {
  it('a client that goes away aborts the model call (abortSignal: request.signal)', { timeout: 5000 }, async () => {
    const { model, seen } = silentModel(modelText('t', '{"city":"Ber'));
    const url = await serve((request) =>
      toPartialResponse(
        streamText({
          model,
          prompt: 'x',
          output: Output.object({ schema: Venue }),
          abortSignal: request.signal,
          onError: () => {},
        }),
        { signal: request.signal, heartbeatMs: 0 },
      ),
    );
    const client = new AbortController();
    const response = await fetch(url, { method: 'POST', body: '{}', signal: client.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let wire = '';
    while (!wire.includes('Ber')) wire += decoder.decode((await reader.read()).value);
    client.abort();
    for (let i = 0; i < 50 && !seen.aborted; i++) await sleep(20);
    expect(seen.aborted).toBe(true);
  });

  it('reask over HTTP: a client that goes away aborts the model call and makes no new one', {
    timeout: 5000,
  }, async () => {
    const all: ReturnType<typeof silentModel>['seen'][] = [];
    const url = await serve((request) =>
      toPartialResponse(
        reask({
          schema: Venue,
          messages: [],
          signal: request.signal,
          call: (_m, { signal }) => {
            const { model, seen } = silentModel(modelText('t', '{"city":"Ber'));
            all.push(seen);
            return streamText({
              model,
              prompt: 'x',
              output: Output.object({ schema: Venue }),
              abortSignal: signal,
              onError: () => {},
            });
          },
        }),
        { signal: request.signal, heartbeatMs: 0 },
      ),
    );
    const client = new AbortController();
    const response = await fetch(url, { method: 'POST', body: '{}', signal: client.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let wire = '';
    while (!wire.includes('Ber')) wire += decoder.decode((await reader.read()).value);
    client.abort();
    for (let i = 0; i < 50 && !all[0]?.aborted; i++) await sleep(20);
    await sleep(100);
    expect(all.map((s) => s.aborted)).toEqual([true]);
  });

  it('reask given request.signal (toPartialResponse without it): a client that goes away makes no new model call', {
    timeout: 5000,
  }, async () => {
    const all: ReturnType<typeof silentModel>['seen'][] = [];
    const url = await serve((request) =>
      toPartialResponse(
        reask({
          schema: Venue,
          messages: [],
          signal: request.signal,
          call: (_m, { signal }) => {
            const { model, seen } = silentModel(modelText('t', '{"city":"Ber'));
            all.push(seen);
            return streamText({
              model,
              prompt: 'x',
              output: Output.object({ schema: Venue }),
              abortSignal: signal,
              onError: () => {},
            });
          },
        }),
        { heartbeatMs: 0 },
      ),
    );
    const client = new AbortController();
    const response = await fetch(url, { method: 'POST', body: '{}', signal: client.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let wire = '';
    while (!wire.includes('Ber')) wire += decoder.decode((await reader.read()).value);
    client.abort();
    for (let i = 0; i < 50 && !all[0]?.aborted; i++) await sleep(20);
    await sleep(200);
    expect(all.length).toBe(1);
  });

  it('store.stop() on an unchanged toUIMessageStreamResponse() route aborts the model; state keeps the partial', {
    timeout: 5000,
  }, async () => {
    const { model, seen } = silentModel(modelText('t', '{"city":"Ber'));
    const url = await serve((request) =>
      streamText({
        model,
        prompt: 'x',
        output: Output.object({ schema: Venue }),
        abortSignal: request.signal,
        onError: () => {},
      }).toUIMessageStreamResponse(),
    );
    const store = new PartialObjectStore({ schema: Venue, fetcher: url, throttle: 0 });
    const done = store.submit({});
    for (let i = 0; i < 100 && store.getSnapshot().object === undefined; i++) await sleep(10);
    store.stop();
    await done;
    for (let i = 0; i < 50 && !seen.aborted; i++) await sleep(20);
    expect(seen.aborted).toBe(true);
    expect(store.getSnapshot()).toMatchObject({ status: 'aborted', object: { city: 'Ber' } });
  });

  it('finishReason length over toPartialResponse: TruncatedError on the client after the text', async () => {
    const result = streamText({
      model: new MockLanguageModelV4({
        doStream: async () => ({
          stream: simulateReadableStream({
            chunks: [{ type: 'stream-start', warnings: [] }, ...modelText('t', '{"city":"Ber'), finish('length')],
            initialDelayInMs: null,
            chunkDelayInMs: null,
          }),
        }),
      }),
      prompt: 'x',
      output: Output.object({ schema: Venue }),
      onError: () => {},
    });
    const events: DecodedEvent[] = [];
    let error: unknown;
    try {
      for await (const e of decode(toPartialResponse(result, { heartbeatMs: 0 }))) events.push(e);
    } catch (e) {
      error = e;
    }
    expect(events.map((e) => (e.type === 'text' ? e.text : '')).join('')).toBe('{"city":"Ber');
    expect(error).toMatchObject({ name: 'TruncatedError', reason: 'length' });
  });

  it('a model that fails before its stream (doStream throws): ProviderError, raw is the error', async () => {
    const failure = new Error('429 rate limited');
    const result = streamText({
      model: new MockLanguageModelV4({
        doStream: async () => {
          throw failure;
        },
      }),
      prompt: 'x',
      output: Output.object({ schema: Venue }),
      onError: () => {},
    });
    const seen: unknown[] = [];
    let error: unknown;
    try {
      for await (const _ of decode(
        toPartialResponse(result, { heartbeatMs: 0, onError: (e) => void seen.push(e) }),
      ));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect((seen[0] as ProviderError).raw).toBe(failure);
  });
});
