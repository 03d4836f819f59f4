import { HTTPError, NetworkError, PartialKitError } from '../errors.ts';

/** What the decoders accept: a fetch `Response`, a web stream, or any async iterable of bytes or text. */
export type StreamSource =
  | Response
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

const MAX_ERROR_BODY = 64 * 1024;

/** Throws {@link HTTPError} for a non-2xx response, with the body text the server sent. */
export async function assertOk(response: Response): Promise<void> {
  if (response.ok) return;
  let body = '';
  try {
    body = (await response.text()).slice(0, MAX_ERROR_BODY);
  } catch {
    // the body could not be read; the status still says what happened
  }
  throw new HTTPError(response.status, response.statusText, body);
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Text of a source, decoded as UTF-8 in streaming mode (a character split across chunks survives; a
 * leading BOM is dropped). Stops and cancels the underlying reader when `signal` aborts or the consumer
 * stops iterating, so the upstream request is released at once.
 */
export async function* textOf(source: StreamSource, signal?: AbortSignal): AsyncGenerator<string> {
  const stream = source instanceof Response ? source.body : source;
  if (!stream) return;
  if (!isReadableStream(stream) && !isIterable(stream)) {
    throw new PartialKitError(
      `Expected a Response, a ReadableStream or an (async) iterable of text or bytes, got ${describe(stream)}`,
    );
  }
  const decoder = new TextDecoder('utf-8');
  let first = true;
  const emit = (chunk: Uint8Array | string, end: boolean): string => {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: !end });
    if (first && text) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    return text;
  };
  if (signal?.aborted) throw abortError(signal);
  if (isReadableStream(stream)) {
    const reader = stream.getReader();
    const onAbort = () => {
      reader.cancel(abortError(signal!)).catch(() => {});
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      while (true) {
        let result: ReadableStreamReadResult<Uint8Array | string>;
        try {
          result = await reader.read();
        } catch (error) {
          if (signal?.aborted) throw abortError(signal);
          // undici and browsers fail a cut-off body with a bare TypeError ("terminated", "network error").
          throw error instanceof TypeError ? new NetworkError(error) : error;
        }
        const { done, value } = result;
        if (signal?.aborted) throw abortError(signal);
        if (done) break;
        const text = emit(value, false);
        if (text) yield text;
      }
      const rest = decoder.decode();
      if (rest) yield rest;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      reader.cancel().catch(() => {});
      reader.releaseLock();
    }
    return;
  }
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
    if (signal?.aborted) throw abortError(signal);
    const text = emit(chunk, false);
    if (text) yield text;
  }
  if (signal?.aborted) throw abortError(signal);
  const rest = decoder.decode();
  if (rest) yield rest;
}

function isIterable(s: unknown): boolean {
  return (
    typeof s === 'object' &&
    s !== null &&
    (typeof (s as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' ||
      typeof (s as Iterable<unknown>)[Symbol.iterator] === 'function')
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

function isReadableStream(s: unknown): s is ReadableStream<Uint8Array | string> {
  return typeof (s as ReadableStream).getReader === 'function';
}
