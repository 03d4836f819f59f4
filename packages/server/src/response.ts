import '@partialkit/core/ai-sdk';
import {
  type DecodedEvent,
  type DecodeOptions,
  decode,
  encodeProtocolEvent,
  HTTPError,
  PartialJSONError,
  PartialKitError,
  type ProtocolError,
  type ProtocolEvent,
  ProviderError,
  RefusalError,
  TruncatedError,
  ValidationError,
} from '@partialkit/core';
import { decodeObjects } from '@partialkit/core/providers';
import { isStreamTextResult, type StreamTextResultLike, uiMessageParts } from './ai-sdk-result.ts';

/** A stream object of the official `openai` or `@anthropic-ai/sdk` clients: async-iterable, with an abort controller. */
export interface SDKStream {
  controller: AbortController;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
}

/**
 * What can be streamed to the browser: JSON text deltas, partialkit protocol events (e.g. from
 * `reask`), a provider's `Response`, an SDK stream object, an AI SDK `streamText` result, or provider
 * event objects (the chunks an SDK stream yields, AI SDK UI message parts). Objects, not `unknown`: an
 * iterable of numbers or of `undefined` is refused by the type checker, not halfway through a stream.
 */
export type PartialSource =
  | AsyncIterable<string>
  | AsyncIterable<ProtocolEvent>
  | Response
  | SDKStream
  | StreamTextResultLike
  | AsyncIterable<object>;

export interface PartialResponseInit {
  /** How to read the upstream (format, tool call, `extractJson`…). */
  decode?: Omit<DecodeOptions, 'signal'> | undefined;
  /** The incoming request's signal: when the browser goes away, the upstream request is aborted. */
  signal?: AbortSignal | undefined;
  /**
   * Interval of the keep-alive comment, so proxies keep the connection (default 15 000 ms). 0 sends none,
   * as does `Infinity` or anything past what a timer keeps (2^31 − 1 ms).
   */
  heartbeatMs?: number | undefined;
  status?: number | undefined;
  /** What `new Headers(…)` takes (spelt so, as `HeadersInit` is a DOM-lib name @types/node lacks). */
  headers?: ConstructorParameters<typeof Headers>[0] | undefined;
  /**
   * Decides what the browser learns of a failure, and is the place to log it. Return `{ type, message }`
   * to send that in the `error` event, or `undefined` to send the default: errors the provider sent
   * (`ProviderError`: its type and message) and the kit's own verdicts on the output (`TruncatedError`
   * and `RefusalError`, which the client throws as the same classes; `ValidationError` and
   * `PartialJSONError`, a `ProviderError` of that type there) pass through; an upstream `HTTPError` is sent
   * as type `upstream_http_<status>` without its body; anything else (your own code's exceptions, a
   * dropped upstream connection) as `{ type: 'internal', message: 'Internal error' }`, and logged with
   * `console.error` when there is no `onError`. If `onError` throws, the default is sent.
   */
  onError?: ((error: unknown) => { type: string; message: string } | undefined) | undefined;
}

/** The longest delay a timer keeps (2^31 − 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
 * controller), an AI SDK `streamText` result (its UI message stream, cancelled when the client goes), or
 * an iterable of text deltas, protocol events or provider event objects.
 */
export function eventsOf(
  source: PartialSource,
  options: Omit<DecodeOptions, 'signal'> | undefined,
  signal: AbortSignal,
): AsyncIterable<DecodedEvent> {
  if (source instanceof Response) return decode(source, { ...options, signal });
  if (isStreamTextResult(source))
    return decodeObjects(uiMessageParts(source, signal), { format: 'ai-sdk', ...options });
  const abort = isSDKStream(source) ? () => source.controller.abort() : undefined;
  return decodeObjects(releasedOnAbort(source as AsyncIterable<unknown>, signal, abort), options);
}

function iteratorOf<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (typeof (source as AsyncIterable<T>)?.[Symbol.asyncIterator] === 'function') {
    return (source as AsyncIterable<T>)[Symbol.asyncIterator]();
  }
  if (typeof (source as Iterable<T>)?.[Symbol.iterator] === 'function') {
    return (async function* () {
      yield* source as Iterable<T>;
    })();
  }
  throw new PartialKitError(
    `toPartialResponse expects a Response, an SDK stream or an (async) iterable, got ${source === null ? 'null' : typeof source}`,
  );
}

/**
 * The source, returned the moment `signal` aborts rather than when the decode stages next reach a
 * `yield` (an event may be several upstream chunks away, or never come). A generator busy in an `await`
 * runs its `finally` at its next `yield`: within one chunk. A pending `next()` rejects with the reason.
 * `abort` also runs then (an SDK stream's controller). Once the source ended, the signal holds nothing
 * of it: `reask` shares one signal across all its attempts.
 */
function releasedOnAbort<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  abort?: () => void,
): AsyncIterable<T> {
  let it: AsyncIterator<T> | undefined;
  const iterator = () => {
    it ??= iteratorOf(source);
    return it;
  };
  const release = () => {
    abort?.();
    // Not yet started: the iterator is taken only to be returned (a generator's body then never runs).
    void Promise.resolve()
      .then(() => iterator().return?.())
      .catch(() => {});
  };
  const ended = () => signal.removeEventListener('abort', release);
  if (signal.aborted) release();
  else signal.addEventListener('abort', release, { once: true });
  return {
    [Symbol.asyncIterator]: () => ({
      // A listener per call rather than a race against one long-lived promise, which would keep a
      // reaction for every chunk of the stream.
      next: () =>
        new Promise<IteratorResult<T>>((resolve, reject) => {
          if (signal.aborted) {
            reject(signal.reason);
            return;
          }
          const onAbort = () => reject(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
          iterator()
            .next()
            .then(
              (result) => {
                if (result.done) ended();
                resolve(result);
              },
              (error: unknown) => {
                ended();
                reject(error);
              },
            )
            .finally(() => signal.removeEventListener('abort', onAbort));
        }),
      return: async (value?: unknown) => {
        ended();
        await iterator().return?.();
        return { done: true, value: value as T };
      },
    }),
  };
}

const INTERNAL = { type: 'internal', message: 'Internal error' };

/** What the browser may see of a failure by default (see `PartialResponseInit.onError`). */
function exposedError(error: unknown): ProtocolError {
  if (error instanceof ProviderError) return { type: error.type, message: error.message };
  // With what the client needs to throw the same class.
  if (error instanceof TruncatedError)
    return { type: error.name, message: error.message, reason: error.reason };
  if (error instanceof RefusalError)
    return { type: error.name, message: error.message, refusal: error.refusal };
  // One with a cause is an exception of the app's own (a refinement that threw) or of the runtime: its
  // message may hold a connection string. The class is kept, so the client throws the same.
  if (error instanceof PartialJSONError && error.cause !== undefined)
    return { type: error.name, message: `The answer could not be processed at position ${error.position}` };
  if (error instanceof ValidationError || error instanceof PartialJSONError) {
    return { type: error.name, message: error.message };
  }
  // The body may hold a key, an internal URL or a stack trace: the status says enough.
  if (error instanceof HTTPError) {
    return { type: `upstream_http_${error.status}`, message: `The upstream answered HTTP ${error.status}` };
  }
  return INTERNAL;
}

/** The `error` event a failure becomes, by `onError` or the default exposure. */
export function errorEvent(error: unknown, onError: PartialResponseInit['onError']): ProtocolEvent {
  let chosen: { type: string; message: string } | undefined;
  try {
    chosen = onError?.(error);
  } catch {
    // a failing hook must not decide what leaks: fall back to the default
  }
  if (typeof chosen?.type === 'string' && typeof chosen.message === 'string') {
    return { type: 'error', error: { type: chosen.type, message: chosen.message } };
  }
  const exposed = exposedError(error);
  // The browser learns nothing of these (an upstream's body may hold a key): with no `onError` to log
  // them, the server's log says what they were: a mistyped model or a bad key shows up somewhere.
  if (!onError && (exposed === INTERNAL || error instanceof HTTPError))
    console.error(`partialkit: the stream failed (the browser was sent "${exposed.type}"):`, error);
  return { type: 'error', error: exposed };
}

/**
 * Thrown by a source to end the response with no end event, as a dropped connection ends it, so that a
 * resumable client reconnects: a resume store that stopped following the log (its process shutting
 * down, Redis lost) while the stream goes on elsewhere.
 */
export class StreamCut extends Error {}

const ABORTED: ProtocolEvent = {
  type: 'error',
  error: { type: 'aborted', message: 'The server aborted the stream' },
};

/**
 * A web-standard `text/event-stream` `Response` in partialkit's SSE protocol: text deltas, an `error`
 * event (never a 200 that silently stops), a `done` event, and a keep-alive comment every 15 s.
 * The upstream is read only as fast as the client reads (pull-based), and released within one chunk
 * when the client disconnects or `init.signal` aborts; an abort through `init.signal` ends the body
 * with an `error` event of type `aborted`. What a failure shows the browser is decided by
 * `init.onError` (by default, only what the provider sent: see {@link PartialResponseInit.onError}).
 */
export function toPartialResponse(source: PartialSource, init: PartialResponseInit = {}): Response {
  const upstream = new AbortController();
  const events = eventsOf(source, init.decode, upstream.signal)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const every = init.heartbeatMs ?? 15_000;
  // 0, or an interval no timer can keep (not a number, past 2^31 − 1 ms, which setInterval turns into
  // 1 ms), is off: never a comment per millisecond. Cleared once the heartbeat starts.
  let beats = every > 0 && every <= MAX_TIMER_MS;
  let finished = false;
  let body: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** Settles a pending `pull` when the stream is aborted while the upstream is silent. */
  let interrupt: (() => void) | undefined;

  // An upstream's SSE ids (a proxied partialkit stream's offsets) mean nothing to this response's client;
  // the ids of protocol events the app yields itself (a resumable stream's) are its own.
  const ownIds = !(source instanceof Response);
  const send = (event: ProtocolEvent) =>
    body?.enqueue(
      encoder.encode(
        encodeProtocolEvent(ownIds || event.id === undefined ? event : { ...event, id: undefined }),
      ),
    );
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
      },
      async pull(controller) {
        if (finished) return;
        // From the first read: a response built and never sent (the handler answered otherwise) keeps
        // no timer.
        if (beats) {
          beats = false;
          heartbeat = setInterval(() => {
            // A client that has not read what is queued yet needs no more bytes: none pile up.
            if ((controller.desiredSize ?? 0) < 0) return;
            try {
              controller.enqueue(encoder.encode(': keep-alive\n\n'));
            } catch {
              clearInterval(heartbeat);
            }
          }, every);
        }
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
          // A cut, not an end: the client resumes (see StreamCut).
          if (!(error instanceof StreamCut)) send(errorEvent(error, init.onError));
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
