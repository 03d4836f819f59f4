import { HTTPError, NetworkError, PartialKitError } from '../errors.ts';
import { bound } from '../parser/create-partial-parser.ts';
import { reportCallbackError } from '../stream/report.ts';
import { type DecodeOptions, decode, extracted } from './decode.ts';
import type { DecodedEvent } from './events.ts';
import type { StreamSource } from './source.ts';

/** Response headers of a resumable stream (see `toResumableResponse` in `@partialkit/server`). */
export const STREAM_ID_HEADER = 'x-partialkit-stream-id';
export const RESUME_URL_HEADER = 'x-partialkit-resume';

export interface ReconnectOptions {
  /** Reconnects in a row before the stream fails with the last error (default 5). */
  maxAttempts?: number | undefined;
  /** The first delay (default 250 ms), doubled per attempt up to `maxDelayMs` (default 8 000 ms). */
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
}

/**
 * The reconnect settings with their defaults, or undefined for `false`; an invalid one throws an
 * `InvalidOptionError` (the stores check it before any request).
 */
export function reconnectSettings(reconnect: ReconnectOptions | false | undefined) {
  if (reconnect === false) return undefined;
  return {
    maxAttempts: bound('reconnect.maxAttempts', reconnect?.maxAttempts, 5),
    baseDelay: bound('reconnect.baseDelayMs', reconnect?.baseDelayMs, 250),
    maxDelay: bound('reconnect.maxDelayMs', reconnect?.maxDelayMs, 8000),
  };
}

export interface ResumableDecodeOptions extends DecodeOptions {
  /** Reconnect settings, or `false` to never reconnect. Only a resumable response is ever resumed. */
  reconnect?: ReconnectOptions | false | undefined;
  /** A reconnect starts (`attempt` 1, 2, …) or the stream is back (`attempt` 0). */
  onReconnect?: ((attempt: number) => void) | undefined;
  /**
   * Where the stream is resumed when the response does not say (no `x-partialkit-resume` header): the
   * URL a resume (GET) was fetched from, e.g. after a page reload. Never set it for the first request.
   */
  resumeUrl?: string | undefined;
  /** The stream is resumable: its id and the URL it is resumed and cancelled at. */
  onResumable?: ((stream: { id: string | undefined; url: string }) => void) | undefined;
  /**
   * What a reconnect requests the rest of the stream with (default: the global `fetch`): one that adds
   * the headers the resume URL needs, such as an `authorization`.
   */
  fetch?: FetchFunction | undefined;
}

/** The part of `fetch` the kit calls: a URL and a `RequestInit`. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Where a resumable response is resumed, or undefined when it is not resumable: a failed response (a
 * resume's 404 or 410 carries the header too) is not, nor a URL on another origin than the response's
 * (the `fetch` option's credentials would go there).
 */
export function resumeUrlOf(source: StreamSource): string | undefined {
  if (!(source instanceof Response) || !source.ok) return undefined;
  const url = source.headers.get(RESUME_URL_HEADER);
  if (!url) return undefined;
  // Relative to the response (a browser's fetch resolves a relative URL against the page itself).
  if (!source.url) return url;
  let resolved: URL;
  try {
    resolved = new URL(url, source.url);
  } catch (error) {
    // A server's misconfiguration, which must not cost the answer: the stream is read, not resumable.
    reportCallbackError(
      new PartialKitError(
        `The ${RESUME_URL_HEADER} header is no URL (${JSON.stringify(url.slice(0, 200))}): the stream cannot be resumed`,
        { cause: error },
      ),
    );
    return undefined;
  }
  return resolved.origin === new URL(source.url).origin ? resolved.href : undefined;
}

/** The URL a resume was fetched from, as the response resolved it (a relative one only works in a browser). */
function resumedAt(source: StreamSource, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return source instanceof Response && source.url ? source.url : url;
}

/** A failure worth a reconnect: the connection dropped, or the server is briefly unavailable. */
const transient = (error: unknown): boolean =>
  error instanceof NetworkError || (error instanceof HTTPError && error.status >= 500);

/**
 * The decode stage of a client that survives a dropped connection: when a resumable response (one
 * with the `x-partialkit-resume` header) is cut, it reconnects with bounded exponential backoff
 * (or the server's `retry:` interval) and `Last-Event-ID`, and goes on yielding events from exactly where
 * it stopped. Consumers (the parse stage) never know it happened. Abort through `signal` never reconnects.
 */
export function decodeResumable(
  source: StreamSource,
  options: ResumableDecodeOptions = {},
): AsyncGenerator<DecodedEvent, void, undefined> {
  // Not resumable: the decode stage itself (its `return()` rules included), with no generator around it,
  // since each stage costs promise hops per event. Only the header is looked at here: its URL is read
  // (and may be malformed) once the stream is read.
  if (
    options.resumeUrl === undefined &&
    !(source instanceof Response && source.headers.has(RESUME_URL_HEADER))
  ) {
    const { reconnect, onReconnect, onResumable, resumeUrl, fetch: _fetch, ...decodeOptions } = options;
    return decode(source, decodeOptions);
  }
  return resumable(source, options);
}

async function* resumable(
  source: StreamSource,
  options: ResumableDecodeOptions,
): AsyncGenerator<DecodedEvent, void, undefined> {
  // One extractor over the whole stream: a resumed piece continues the JSON, it does not start it.
  yield* extracted(resumed(source, options), options.extractJson);
}

async function* resumed(
  source: StreamSource,
  options: ResumableDecodeOptions,
): AsyncGenerator<DecodedEvent, void, undefined> {
  const {
    reconnect,
    onReconnect,
    onResumable,
    resumeUrl,
    fetch: request = fetch,
    extractJson: _extract,
    ...decodeOptions
  } = options;
  const settings = reconnectSettings(reconnect);
  const url = resumeUrlOf(source) ?? resumedAt(source, resumeUrl);
  if (url && source instanceof Response && source.ok)
    onResumable?.({ id: source.headers.get(STREAM_ID_HEADER) ?? undefined, url });
  let retryHint: number | undefined;
  const withRetry: DecodeOptions = {
    ...decodeOptions,
    onRetry: (ms) => {
      retryHint = ms;
      decodeOptions.onRetry?.(ms);
    },
  };
  let lastId: string | undefined;
  /**
   * The last reset passed on, while no text followed it: a reset's id is the offset of the text before
   * it, so a resume from there sends it again (the server cannot tell one from the other), with any
   * reset before it at that offset (a re-ask that failed before any text): attempts only grow.
   */
  let lastReset: { id: string | undefined; attempt: number } | undefined;
  let attempt = 0;
  // The source to read next: the first response, then each reconnect's (requested inside the `try`, so a
  // failed request counts as an attempt like a failed read).
  let current: StreamSource | undefined = source;
  while (true) {
    try {
      if (current === undefined) {
        const response = await reopen(request, url!, lastId, options.signal);
        // Back once the server answers: a quiet stream (a model thinking) is not still reconnecting.
        if (response.ok) onReconnect?.(0);
        current = response;
      }
      for await (const event of decode(current, withRetry)) {
        if (event.type === 'reset') {
          if (lastReset && event.id === lastReset.id && event.attempt <= lastReset.attempt) continue;
          lastReset = { id: event.id, attempt: event.attempt };
        } else lastReset = undefined;
        if (event.id !== undefined) lastId = event.id;
        // Reconnects in a row end with progress, not with an answer that drops again at once.
        attempt = 0;
        yield event;
      }
      return;
    } catch (error) {
      const signal = options.signal;
      if (signal?.aborted || !url || !settings || !transient(error)) throw error;
      if (attempt >= settings.maxAttempts) throw error;
      attempt++;
      onReconnect?.(attempt);
      // The server's `retry:` hint, within the client's bound (a hint past a timer's range would fire at once).
      const delay = Math.min(settings.maxDelay, retryHint ?? settings.baseDelay * 2 ** (attempt - 1));
      await sleep(delay, signal);
      current = undefined;
    }
  }
}

/** Asks for the rest of the stream; fetch's bare `TypeError` is a `NetworkError`, retried like a cut. */
async function reopen(
  request: FetchFunction,
  url: string,
  lastId: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Response> {
  try {
    return await request(url, {
      headers: { accept: 'text/event-stream', ...(lastId !== undefined && { 'last-event-id': lastId }) },
      ...(signal && { signal }),
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    throw error instanceof TypeError ? new NetworkError(error) : error;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new PartialKitError('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
