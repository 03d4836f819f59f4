import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decode,
  encodeProtocolEvent,
  type HTTPError,
  PartialObjectStore,
  type ProtocolEvent,
  ProviderError,
} from '@partialkit/core';
import { fixtureBytes } from '@partialkit/test-utils/fixtures';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { toNodeHandler } from './node/node.ts';
import { reask } from './reask.ts';
import { toPartialResponse } from './response.ts';

async function readAll(response: Response): Promise<string> {
  return await response.text();
}

async function textOf(response: Response): Promise<string> {
  let out = '';
  for await (const e of decode(response)) if (e.type === 'text') out += e.text;
  return out;
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('toPartialResponse', () => {
  it('an iterable of objects that are no events (parsed snapshots) is an error event, never a 200 that ends well', async () => {
    async function* snapshots() {
      yield { title: 'a' };
      yield { title: 'ab', minutes: 3 };
    }
    const seen: unknown[] = [];
    const wire = await readAll(toPartialResponse(snapshots(), { onError: (e) => void seen.push(e) }));
    expect(wire).toBe(
      ': partialkit\n\nevent: error\ndata: {"type":"internal","message":"Internal error"}\n\n',
    );
    expect((seen[0] as Error).message).toMatch(/^These objects are neither text deltas/);
  });

  it("an exception of the app's own inside the parse (a refinement that threw) keeps its message on the server", async () => {
    const secret = 'postgres://admin:hunter2@db.internal:5432/prod';
    const schema = z.object({
      a: z.number().refine(() => {
        throw new Error(`connect failed: ${secret}`);
      }),
    });
    const seen: unknown[] = [];
    const wire = await readAll(
      toPartialResponse(reask({ schema, messages: [], maxRetries: 0, call: () => new Response('{"a":1}') }), {
        onError: (e) => void seen.push(e),
      }),
    );
    expect(wire).not.toContain('hunter2');
    // The class is kept, so the client throws a PartialJSONError as it would have.
    expect(wire).toContain(
      'data: {"type":"PartialJSONError","message":"The answer could not be processed at position 0"}',
    );
    expect(((seen[0] as Error).cause as Error).message).toBe(`connect failed: ${secret}`);
  });

  it('a response built and never read (the handler answered otherwise) keeps no heartbeat timer', async () => {
    // Counted by its calls: the process's other timers (other tests') come and go meanwhile.
    const intervals = vi.spyOn(globalThis, 'setInterval');
    const cleared = vi.spyOn(globalThis, 'clearInterval');
    try {
      async function* never() {
        yield '{';
      }
      const built = Array.from({ length: 5 }, () => toPartialResponse(never(), { heartbeatMs: 1000 }));
      await new Promise((r) => setTimeout(r, 20));
      expect(intervals).not.toHaveBeenCalled();
      // Read, it beats: the first read starts the timer, the end clears it.
      const reader = built[0]!.body!.getReader();
      await reader.read();
      await reader.read();
      expect(intervals).toHaveBeenCalledTimes(1);
      const timer = intervals.mock.results[0]!.value as unknown;
      await reader.cancel();
      expect(cleared).toHaveBeenCalledWith(timer);
    } finally {
      intervals.mockRestore();
      cleared.mockRestore();
    }
  });

  it('with no onError, an error the browser learns nothing or only the status of is logged on the server (and only those)', async () => {
    async function* snapshots() {
      yield { title: 'a' };
    }
    async function* refused() {
      yield '{"title": "a';
      throw new ProviderError('overloaded_error', 'Overloaded');
    }
    const logged: unknown[][] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const wire = await readAll(toPartialResponse(snapshots()));
      expect(wire).toContain('"type":"internal"');
      expect(logged).toHaveLength(1);
      expect(logged[0]![0]).toBe('partialkit: the stream failed (the browser was sent "internal"):');
      expect((logged[0]![1] as Error).message).toMatch(/^These objects are neither text deltas/);
      // What the browser is told itself is not logged again; with an onError, that is the log.
      expect(await readAll(toPartialResponse(refused()))).toContain('"type":"overloaded_error"');
      await readAll(toPartialResponse(snapshots(), { onError: () => undefined }));
      expect(logged).toHaveLength(1);
      // An upstream's HTTP error: the browser gets the status only, the server's log the whole error.
      const notFound = new Response('{"error":{"message":"The model `gpt-4o-mni` does not exist"}}', {
        status: 404,
      });
      expect(await readAll(toPartialResponse(notFound))).toContain('"type":"upstream_http_404"');
      expect(logged).toHaveLength(2);
      expect(logged[1]![0]).toBe('partialkit: the stream failed (the browser was sent "upstream_http_404"):');
      expect((logged[1]![1] as HTTPError).body).toContain('gpt-4o-mni');
    } finally {
      console.error = error;
    }
  });

  it('streams text deltas as SSE with the right headers and a done event', async () => {
    async function* deltas() {
      yield '{"a": "line\nbreak",';
      yield ' "b": [1, 2]}';
    }
    const response = toPartialResponse(deltas());
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const wire = await readAll(response);
    expect(wire).toBe(
      `: partialkit\n\n${encodeProtocolEvent({ type: 'text', text: '{"a": "line\nbreak",' })}${encodeProtocolEvent({ type: 'text', text: ' "b": [1, 2]}' })}event: done\ndata: {}\n\n`,
    );
  });

  it("decode format 'text' over text deltas sends them and done, as the default does", async () => {
    async function* deltas() {
      yield '{"title": "Hel';
      yield 'lo"}';
    }
    const seen: unknown[] = [];
    const wire = await readAll(
      toPartialResponse(deltas(), { decode: { format: 'text' }, onError: (e) => void seen.push(e) }),
    );
    expect(wire).toBe(
      `: partialkit\n\n${encodeProtocolEvent({ type: 'text', text: '{"title": "Hel' })}${encodeProtocolEvent({ type: 'text', text: 'lo"}' })}event: done\ndata: {}\n\n`,
    );
    expect(seen).toEqual([]);
  });

  it("proxying a partialkit stream sends none of the upstream's ids (they are another stream's offsets); an app's own are kept", async () => {
    const upstream = new Response(
      encodeProtocolEvent({ type: 'text', text: '{"a":', id: '5' }) +
        encodeProtocolEvent({ type: 'text', text: '1}', id: '7' }) +
        encodeProtocolEvent({ type: 'done', id: '7' }),
      { headers: { 'content-type': 'text/event-stream' } },
    );
    expect(await readAll(toPartialResponse(upstream, { heartbeatMs: 0 }))).toBe(
      `: partialkit\n\n${encodeProtocolEvent({ type: 'text', text: '{"a":' })}${encodeProtocolEvent({ type: 'text', text: '1}' })}${encodeProtocolEvent({ type: 'done' })}`,
    );
    async function* events(): AsyncGenerator<ProtocolEvent> {
      yield { type: 'text', text: '{}', id: '2' };
    }
    const own = toPartialResponse(events(), { heartbeatMs: 0 });
    expect(await readAll(own)).toContain('id: 2\ndata: "{}"');
  });

  it('re-encodes a provider Response (OpenAI tool call, parallel calls kept apart)', async () => {
    const upstream = new Response(fixtureBytes('openai-chat-tool-calls-parallel.sse'), {
      headers: { 'content-type': 'text/event-stream' },
    });
    const text = await textOf(toPartialResponse(upstream, { decode: { toolCall: 'get_stock_price' } }));
    expect(JSON.parse(text)).toEqual({ ticker: 'AAPL', exchange: 'NASDAQ' });
  });

  it('turns an upstream failure into an error event; the client keeps the partial', async () => {
    const upstream = new Response(fixtureBytes('groq-chat-error-event-midstream.sse'), {
      headers: { 'content-type': 'text/event-stream' },
    });
    const wire = await readAll(toPartialResponse(upstream));
    expect(wire).toContain(
      'event: error\ndata: {"type":"tool_use_failed","message":"Tool call validation failed',
    );
    expect(wire).not.toContain('event: done');

    async function* failing() {
      yield '{"title": "kept", "tags": ["a"';
      throw new ProviderError('overloaded_error', 'Overloaded');
    }
    const store = new PartialObjectStore({
      schema: z.object({ title: z.string(), tags: z.array(z.string()) }),
      fetcher: () => toPartialResponse(failing()),
      throttle: 0,
    });
    await store.submit(undefined);
    const state = store.getSnapshot();
    expect(state.status).toBe('error');
    expect(state.error).toBeInstanceOf(ProviderError);
    expect(state.error).toMatchObject({ type: 'overloaded_error', message: 'Overloaded' });
    expect(state.object).toEqual({ title: 'kept', tags: ['a'] });
  });

  it('sends keep-alive comments while the upstream is silent, and clears the timer at the end', async () => {
    const before = timers();
    async function* slow() {
      yield '[1,';
      await new Promise((r) => setTimeout(r, 120));
      yield '2]';
    }
    const wire = await readAll(toPartialResponse(slow(), { heartbeatMs: 25 }));
    expect(wire.match(/: keep-alive\n\n/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(wire.endsWith('event: done\ndata: {}\n\n')).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('queues no keep-alive comments for a client that stopped reading (one at most)', async () => {
    let go: () => void = () => {};
    async function* silent() {
      yield '[1,';
      await new Promise<void>((r) => {
        go = r;
      });
      yield '2]';
    }
    const reader = toPartialResponse(silent(), { heartbeatMs: 5 }).body!.getReader();
    const decoder = new TextDecoder();
    let wire = '';
    for (let i = 0; i < 3; i++) wire += decoder.decode((await reader.read()).value); // head, the delta, a read waiting
    await new Promise((r) => setTimeout(r, 150)); // ≈ 30 intervals, nobody reading
    go();
    for (let r = await reader.read(); !r.done; r = await reader.read()) wire += decoder.decode(r.value);
    expect(wire.match(/: keep-alive\n\n/g)?.length).toBeLessThanOrEqual(3);
    expect(wire.endsWith('event: done\ndata: {}\n\n')).toBe(true);
  });

  it('heartbeatMs 0, Infinity or past what a timer keeps sends no keep-alive comment and starts no timer', async () => {
    for (const heartbeatMs of [0, Number.POSITIVE_INFINITY, 2 ** 31, Number.NaN]) {
      const before = timers();
      let during = -1;
      async function* slow() {
        yield '[1,';
        await new Promise((r) => setTimeout(r, 30));
        during = timers();
        yield '2]';
      }
      const wire = await readAll(toPartialResponse(slow(), { heartbeatMs }));
      expect([heartbeatMs, wire.includes('keep-alive')]).toEqual([heartbeatMs, false]);
      expect(wire.endsWith('event: done\ndata: {}\n\n')).toBe(true);
      expect(during).toBeLessThanOrEqual(before);
    }
  });

  it('aborts the upstream within one chunk when the browser disconnects', async () => {
    let pulled = 0;
    let cancelled = false;
    const encoder = new TextEncoder();
    const upstream = () =>
      new Response(
        new ReadableStream<Uint8Array>(
          {
            async pull(c) {
              await new Promise((r) => setTimeout(r, 2));
              pulled++;
              c.enqueue(
                encoder.encode(`data: {"choices":[{"index":0,"delta":{"content":"[${pulled},"}}]}\n\n`),
              );
            },
            cancel() {
              cancelled = true;
            },
          },
          { highWaterMark: 0 },
        ),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    const before = timers();
    let atDisconnect = -1;
    const server = createServer(
      toNodeHandler((request) => {
        request.signal.addEventListener('abort', () => {
          atDisconnect = pulled;
        });
        return toPartialResponse(upstream(), { signal: request.signal });
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const client = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: client.signal });
    const reader = response.body!.getReader();
    let events = 0;
    let text = '';
    const decoder = new TextDecoder();
    while (events < 5) {
      const { value } = await reader.read();
      text += decoder.decode(value, { stream: true });
      events = (text.match(/^data: /gm) ?? []).length;
    }
    client.abort();
    await new Promise((r) => setTimeout(r, 150));
    expect(cancelled).toBe(true);
    expect(atDisconnect).toBeGreaterThanOrEqual(5);
    // At most the chunk already requested when the disconnect was seen is read after it.
    expect(pulled - atDisconnect).toBeLessThanOrEqual(1);
    const settled = pulled;
    await new Promise((r) => setTimeout(r, 50));
    expect(pulled).toBe(settled);
    await new Promise<void>((r) => server.close(() => r()));
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
