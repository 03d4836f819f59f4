import {
  type DecodedEvent,
  type DecodeOptions,
  decodeEvents,
  decodeObjects,
  encodeProtocolEvent,
  type ProtocolEvent,
} from '@partialkit/core';

/** A stream object of the official `openai` or `@anthropic-ai/sdk` clients: async-iterable, with an abort controller. */
export interface SDKStream {
  controller: AbortController;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
}

/**
 * What can be streamed to the browser: JSON text deltas, partialkit protocol events (e.g. from
 * `reask`), a provider's `Response`, or an SDK stream object.
 */
export type PartialSource =
  | AsyncIterable<string>
  | AsyncIterable<ProtocolEvent>
  | Response
  | SDKStream
  | AsyncIterable<unknown>;

export interface PartialResponseInit extends Omit<DecodeOptions, 'signal'> {
  /** The incoming request's signal: when the browser goes away, the upstream request is aborted. */
  signal?: AbortSignal | undefined;
  /** Interval of the keep-alive comment, so proxies keep the connection (default 15 000 ms). */
  heartbeatMs?: number;
  status?: number;
  headers?: HeadersInit;
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

function isSDKStream(source: unknown): source is SDKStream {
  return (
    typeof source === 'object' &&
    source !== null &&
    (source as SDKStream).controller instanceof AbortController &&
    typeof (source as SDKStream)[Symbol.asyncIterator] === 'function'
  );
}

const PROTOCOL_TYPES = new Set(['text', 'reset', 'error', 'done']);

function isProtocolEvent(value: unknown): value is ProtocolEvent {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === 'string' && PROTOCOL_TYPES.has(type) && Object.keys(value as object).length <= 3;
}

function fromDecoded(event: DecodedEvent): ProtocolEvent {
  return event.type === 'text'
    ? { type: 'text', text: event.text }
    : { type: 'reset', attempt: event.attempt };
}

/** Normalises any source into protocol events (text, reset, error); `signal` aborts the upstream request. */
export async function* protocolEvents(
  source: PartialSource,
  init: PartialResponseInit,
  signal: AbortSignal,
): AsyncGenerator<ProtocolEvent> {
  const { signal: _s, heartbeatMs: _h, status: _st, headers: _hd, ...decode } = init;
  if (source instanceof Response) {
    for await (const e of decodeEvents(source, { ...decode, signal })) yield fromDecoded(e);
    return;
  }
  if (isSDKStream(source)) {
    const abort = () => source.controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      for await (const e of decodeObjects(source, decode)) yield fromDecoded(e);
    } finally {
      signal.removeEventListener('abort', abort);
    }
    return;
  }
  const it = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest: AsyncIterable<unknown> = {
    [Symbol.asyncIterator]: () => ({
      next: () => it.next(),
      return: async (v?: unknown) => (await it.return?.(v)) ?? { done: true, value: undefined },
    }),
  };
  if (typeof first.value === 'string' || isProtocolEvent(first.value)) {
    const asEvent = (v: unknown): ProtocolEvent =>
      typeof v === 'string' ? { type: 'text', text: v } : (v as ProtocolEvent);
    yield asEvent(first.value);
    for await (const v of rest) {
      if (signal.aborted) return;
      yield asEvent(v);
    }
    return;
  }
  // Provider event objects without a controller (e.g. Gemini SDK chunks).
  async function* all() {
    yield first.value;
    yield* rest;
  }
  for await (const e of decodeObjects(all(), decode)) yield fromDecoded(e);
}

function errorEvent(error: unknown): ProtocolEvent {
  const e = error as { type?: unknown; name?: unknown; message?: unknown; status?: unknown };
  const type = typeof e?.type === 'string' ? e.type : typeof e?.name === 'string' ? e.name : 'error';
  return {
    type: 'error',
    error: { type, message: typeof e?.message === 'string' ? e.message : String(error) },
  };
}

/**
 * A web-standard `text/event-stream` `Response` in partialkit's SSE protocol: text deltas, an `error`
 * event (never a 200 that silently stops), a `done` event, and a keep-alive comment every 15 s.
 * The upstream is read only as fast as the client reads (pull-based), and aborted within one chunk
 * when the client disconnects or `init.signal` aborts.
 */
export function toPartialResponse(source: PartialSource, init: PartialResponseInit = {}): Response {
  const upstream = new AbortController();
  const events = protocolEvents(source, init, upstream.signal);
  const encoder = new TextEncoder();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let finished = false;
  const finish = () => {
    finished = true;
    clearInterval(heartbeat);
    init.signal?.removeEventListener('abort', onAbort);
  };
  const onAbort = () => {
    upstream.abort(init.signal?.reason);
    finish();
    void events.return(undefined);
  };
  init.signal?.addEventListener('abort', onAbort, { once: true });

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (init.signal?.aborted) {
          onAbort();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(': partialkit\n\n'));
        heartbeat = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(': keep-alive\n\n'));
          } catch {
            clearInterval(heartbeat);
          }
        }, init.heartbeatMs ?? 15_000);
      },
      async pull(controller) {
        if (finished) return;
        try {
          const next = await events.next();
          if (finished) return;
          if (next.done || next.value.type === 'done') {
            controller.enqueue(encoder.encode(encodeProtocolEvent({ type: 'done' })));
            finish();
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(encodeProtocolEvent(next.value)));
          if (next.value.type === 'error') {
            finish();
            controller.close();
          }
        } catch (error) {
          if (finished) return;
          if (!upstream.signal.aborted)
            controller.enqueue(encoder.encode(encodeProtocolEvent(errorEvent(error))));
          finish();
          controller.close();
        }
      },
      cancel(reason) {
        upstream.abort(reason);
        finish();
        void events.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
  const headers = new Headers(SSE_HEADERS);
  for (const [k, v] of new Headers(init.headers)) headers.set(k, v);
  return new Response(body, { status: init.status ?? 200, headers });
}
