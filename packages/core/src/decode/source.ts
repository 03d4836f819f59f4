import { HTTPError, NetworkError, PartialKitError } from '../errors.ts';

/**
 * What the decoders accept: a fetch `Response`, a web stream, or any (async) iterable of bytes or text.
 * Not a string, though one is an iterable of its characters: a string where a source is expected is
 * most likely a URL or a body read too early, and is refused at run time too.
 */
export type StreamSource =
  | Response
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | (Iterable<Uint8Array | string> & object);

/** How much of an error body is kept, in characters; the rest is cancelled unread. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Throws {@link HTTPError} for a non-2xx response, with the start of the body the server sent (at most
 * 64 Ki characters; the rest is cancelled, so a huge or endless error body costs nothing). An abort of
 * `signal` while the body is read rejects with the abort reason.
 */
export async function assertOk(response: Response, signal?: AbortSignal): Promise<void> {
  if (response.ok) return;
  if (signal?.aborted) throw cancelUnread(response, signal);
  let body = '';
  try {
    // Leaving the loop early cancels the rest of the body.
    for await (const text of textOf(response, signal)) {
      body += text;
      if (body.length >= MAX_ERROR_BODY) break;
    }
  } catch {
    // Unless aborted, a body that breaks off still leaves the status and what came to tell the story.
    if (signal?.aborted) throw abortError(signal);
  }
  throw new HTTPError(response.status, response.statusText, bounded(body));
}

/** The body's first `MAX_ERROR_BODY` characters, never ending in half a surrogate pair. */
function bounded(body: string): string {
  if (body.length <= MAX_ERROR_BODY) return body;
  const last = body.charCodeAt(MAX_ERROR_BODY - 1);
  return body.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_ERROR_BODY - 1 : MAX_ERROR_BODY);
}

/**
 * Cancels a source nothing has read yet (a `Response`'s body, a web stream), so the request behind it
 * is released; a source already being read is left to its reader. Returns the abort error, to throw.
 */
export function cancelUnread(source: StreamSource, signal?: AbortSignal): unknown {
  const stream = source instanceof Response ? source.body : source;
  const reason = signal && abortError(signal);
  if (stream && isReadableStream(stream) && !stream.locked) stream.cancel(reason).catch(() => {});
  return reason;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** UTF-8 decoding of a source's chunks in streaming mode, a leading BOM dropped. */
interface TextDecoding {
  emit(chunk: Uint8Array | string): string;
  /**
   * The end of the bytes: what the decoder still held, which is only the start of a character the
   * body was cut inside: dropped, as a character never sent (it would show as U+FFFD).
   */
  rest(): string;
}

function textDecoding(): TextDecoding {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  return {
    emit(chunk) {
      // The types say text or bytes; a hostile or buggy source may yield anything.
      const raw: unknown = chunk;
      if (typeof raw !== 'string' && !ArrayBuffer.isView(raw) && !(raw instanceof ArrayBuffer)) {
        throw new PartialKitError(`Expected text or bytes from the source, got ${describe(chunk)}`);
      }
      let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (first && text) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      return text;
    },
    rest: () => decoder.decode().replace(/\uFFFD/g, ''),
  };
}

/**
 * Text of a source, decoded as UTF-8 in streaming mode (a character split across chunks survives; a
 * leading BOM is dropped). Stops and cancels the underlying reader when `signal` aborts or the consumer
 * stops iterating, so the upstream request is released at once. An async iterable is read by one
 * generator (see `iterate`), not two: each stage costs a promise hop per chunk.
 */
export function textOf(
  source: StreamSource,
  signal?: AbortSignal,
  reading?: Reading,
): AsyncGenerator<string> {
  // (An abort cancels the body, which counts as used: the abort is the error then.)
  if (source instanceof Response && source.bodyUsed && !signal?.aborted) {
    return refuse(
      'The Response body was already read (bodyUsed): give each reader its own (`response.clone()`)',
    );
  }
  const stream = source instanceof Response ? source.body : source;
  if (stream && !isReadableStream(stream) && isIterable(stream) && Symbol.asyncIterator in stream) {
    return iterate(stream as AsyncIterable<Uint8Array | string>, signal, textDecoding());
  }
  if (stream && isReadableStream(stream) && stream.locked && !signal?.aborted) {
    return refuse('The ReadableStream is locked: another reader holds it (`tee()` it to read it twice)');
  }
  return textOfOther(stream, signal, reading);
}

/** Fails at the first read, as a stream that cannot be read at all. */
// biome-ignore lint/correctness/useYield: it only throws
async function* refuse(message: string): AsyncGenerator<string> {
  throw new PartialKitError(message);
}

/** Where `textOf` puts a way to cancel the web stream it reads, for an owner that has no signal to abort. */
export interface Reading {
  cancel?: (() => void) | undefined;
}

async function* textOfOther(
  stream: ReadableStream<Uint8Array | string> | StreamSource | null,
  signal: AbortSignal | undefined,
  reading: Reading | undefined,
): AsyncGenerator<string> {
  if (!stream) return;
  if (!isReadableStream(stream) && !isIterable(stream)) {
    throw new PartialKitError(
      `Expected a Response, a ReadableStream or an (async) iterable of text or bytes, got ${describe(stream)}`,
    );
  }
  const decoding = textDecoding();
  if (signal?.aborted) throw cancelUnread(stream, signal);
  if (isReadableStream(stream)) {
    const reader = stream.getReader();
    const onAbort = () => {
      reader.cancel(abortError(signal!)).catch(() => {});
    };
    // A pending read then ends as if the body had: the loop below finishes and releases the lock.
    if (reading) reading.cancel = () => reader.cancel().catch(() => {});
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
        const text = decoding.emit(value);
        if (text) yield text;
      }
      const rest = decoding.rest();
      if (rest) yield rest;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      reader.cancel().catch(() => {});
      reader.releaseLock();
    }
    return;
  }
  // A synchronous iterable cannot stall: only its chunks need checking for an abort between them.
  for (const chunk of stream as Iterable<Uint8Array | string>) {
    if (signal?.aborted) throw abortError(signal);
    const text = decoding.emit(chunk);
    if (text) yield text;
  }
  if (signal?.aborted) throw abortError(signal);
  const rest = decoding.rest();
  if (rest) yield rest;
}

/**
 * An async iterable's text, raced against `signal`: a source that never yields (a stalled upstream)
 * still rejects at the abort, and its `return()` is called so its cleanup runs when it next can.
 */
async function* iterate(
  iterable: AsyncIterable<Uint8Array | string>,
  signal: AbortSignal | undefined,
  decoding: TextDecoding,
): AsyncGenerator<string> {
  if (signal?.aborted) throw abortError(signal);
  const it = iterable[Symbol.asyncIterator]();
  // One listener for the whole stream, rejecting whichever next() is pending: a listener (or a
  // Promise.race reaction on one shared promise) per chunk would pile up over a long stream.
  let reject: ((reason: unknown) => void) | undefined;
  let finished = false;
  /** Calls the source's return() once; one that throws or rejects is the source's problem, not the reader's. */
  let returned: Promise<unknown> | undefined;
  const release = () => {
    returned ??= (async () => it.return?.())().catch(() => {});
    return returned;
  };
  // With no read pending (the consumer holds a chunk's text, or left), nothing would see the abort
  // until the next pull: the source is released now, as a web stream's reader is cancelled.
  const onAbort = () => (reject ? reject(abortError(signal!)) : void release());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      if (signal?.aborted) throw abortError(signal);
      let result: IteratorResult<Uint8Array | string>;
      try {
        result = await (signal
          ? new Promise<IteratorResult<Uint8Array | string>>((res, rej) => {
              reject = rej;
              it.next().then(res, rej);
            })
          : it.next());
        reject = undefined;
      } catch (error) {
        reject = undefined;
        // A next() that threw ended the iterator; one that is still pending (abort) did not.
        if (!signal?.aborted) finished = true;
        throw signal?.aborted ? abortError(signal) : error;
      }
      if (result.done) {
        finished = true;
        break;
      }
      const text = decoding.emit(result.value);
      if (text) yield text;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      const done = release();
      // After an abort it is not awaited: a generator suspended in an await finishes its return() only
      // when it resumes. Otherwise the source is at a yield, and its cleanup is awaited as for-await does.
      if (!signal?.aborted) await done;
    }
  }
  if (signal?.aborted) throw abortError(signal);
  const rest = decoding.rest();
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
