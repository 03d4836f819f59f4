import {
  type DecodedEvent,
  type DecodeOptions,
  decode,
  encodeProtocolEvent,
  type ProtocolEvent,
} from '@partialkit/core';
import { decodeObjects } from '@partialkit/core/providers';

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

export interface PartialResponseInit {
  /** How to read the upstream (format, tool call, `extractJson`…). */
  decode?: Omit<DecodeOptions, 'signal'>;
  /** The incoming request's signal: when the browser goes away, the upstream request is aborted. */
  signal?: AbortSignal | undefined;
  /** Interval of the keep-alive comment, so proxies keep the connection (default 15 000 ms). */
  heartbeatMs?: number;
  status?: number;
  /** What `new Headers(…)` takes (spelt so, as `HeadersInit` is a DOM-lib name @types/node lacks). */
  headers?: ConstructorParameters<typeof Headers>[0];
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

/**
 * The decode stage for any server-side source: a provider `Response`, an SDK stream (aborted through its
 * controller), or an iterable of text deltas, protocol events or provider event objects.
 */
export function eventsOf(
  source: PartialSource,
  options: Omit<DecodeOptions, 'signal'> | undefined,
  signal: AbortSignal,
): AsyncIterable<DecodedEvent> {
  if (source instanceof Response) return decode(source, { ...options, signal });
  if (isSDKStream(source)) {
    if (signal.aborted) source.controller.abort();
    else signal.addEventListener('abort', () => source.controller.abort(), { once: true });
  }
  return decodeObjects(source as AsyncIterable<unknown>, options);
}

function errorEvent(error: unknown): ProtocolEvent {
  const e = error as { type?: unknown; name?: unknown; message?: unknown; status?: unknown };
  const type = typeof e?.type === 'string' ? e.type : typeof e?.name === 'string' ? e.name : 'error';
  return {
    type: 'error',
    error: { type, message: typeof e?.message === 'string' ? e.message : String(error) },
  };
}

const ABORTED: ProtocolEvent = {
  type: 'error',
  error: { type: 'aborted', message: 'The server aborted the stream' },
};

/**
 * A web-standard `text/event-stream` `Response` in partialkit's SSE protocol: text deltas, an `error`
 * event (never a 200 that silently stops), a `done` event, and a keep-alive comment every 15 s.
 * The upstream is read only as fast as the client reads (pull-based), and released within one chunk
 * when the client disconnects or `init.signal` aborts; an abort through `init.signal` ends the body
 * with an `error` event of type `aborted`.
 */
export function toPartialResponse(source: PartialSource, init: PartialResponseInit = {}): Response {
  const upstream = new AbortController();
  const events = eventsOf(source, init.decode, upstream.signal)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let finished = false;
  let body: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** Settles a pending `pull` when the stream is aborted while the upstream is silent. */
  let interrupt: (() => void) | undefined;

  const send = (event: ProtocolEvent) => body?.enqueue(encoder.encode(encodeProtocolEvent(event)));
  const finish = (reason?: unknown) => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    init.signal?.removeEventListener('abort', onAbort);
    upstream.abort(reason);
    // Returning the iterator runs the upstream's `finally` (a pending read is released by the abort).
    void Promise.resolve(events.return?.()).catch(() => {});
    interrupt?.();
  };
  const onAbort = () => {
    if (finished) return;
    try {
      send(ABORTED);
      body?.close();
    } catch {
      // the client is already gone
    }
    finish(init.signal?.reason);
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        body = controller;
        if (init.signal?.aborted) {
          onAbort();
          return;
        }
        init.signal?.addEventListener('abort', onAbort, { once: true });
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
          const interrupted = new Promise<undefined>((resolve) => {
            interrupt = () => resolve(undefined);
          });
          const next = await Promise.race([events.next(), interrupted]);
          interrupt = undefined;
          if (finished || next === undefined) return;
          if (next.done) {
            send({ type: 'done' });
            controller.close();
            finish();
            return;
          }
          send(next.value);
        } catch (error) {
          if (finished) return;
          send(errorEvent(error));
          controller.close();
          finish(error);
        }
      },
      cancel(reason) {
        finish(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const headers = new Headers(SSE_HEADERS);
  for (const [k, v] of new Headers(init.headers)) headers.set(k, v);
  return new Response(stream, { status: init.status ?? 200, headers });
}
