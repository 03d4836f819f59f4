import { HTTPError } from '../errors.ts';

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
        const { done, value } = await reader.read();
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

function isReadableStream(s: unknown): s is ReadableStream<Uint8Array | string> {
  return typeof (s as ReadableStream).getReader === 'function';
}

/** Reads ahead a few items of an iterator without losing them. */
export class Peekable<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private readonly it: AsyncIterator<T>;
  private ended = false;

  constructor(source: AsyncIterable<T>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Reads one more item into the buffer; returns it, or undefined at the end. */
  async pull(): Promise<T | undefined> {
    if (this.ended) return undefined;
    const r = await this.it.next();
    if (r.done) {
      this.ended = true;
      return undefined;
    }
    this.buffered.push(r.value);
    return r.value;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      while (this.buffered.length) yield this.buffered.shift()!;
      while (!this.ended) {
        const r = await this.it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await this.it.return?.();
    }
  }
}
