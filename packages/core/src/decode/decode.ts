import { InvalidOptionError, PartialKitError } from '../errors.ts';
import { bound } from '../parser/create-partial-parser.ts';
import { deferred } from './deferred.ts';
import { AI_SDK_HEADER, type Detected, detectBody, detectSSE } from './detect.ts';
import type { AdapterOptions, DecodedEvent } from './events.ts';
import { bodyReader, checkDeclared, formatNames, providersLoaded, sseReader } from './formats.ts';
import { JsonExtractor } from './json-extractor.ts';
import { Peekable } from './peekable.ts';
import { protocol, sseData } from './protocol.ts';
import { assertOk, cancelUnread, type Reading, type StreamSource, textOf } from './source.ts';
import { DEFAULT_MAX_EVENT_SIZE, type SSEMessage, sseEvents } from './sse.ts';

/**
 * The wire format of a response. `'partialkit'` is partialkit's own SSE protocol (what
 * `toPartialResponse` sends); `'text'` is a body that is the JSON itself (also AI SDK's
 * `toTextStreamResponse()`); `'ai-sdk'` is AI SDK's UI message stream (`toUIMessageStreamResponse()`).
 * The provider formats need `import '@partialkit/core/providers'` somewhere in the program.
 */
export type WireFormat =
  | 'auto'
  | 'text'
  | 'partialkit'
  | 'ai-sdk'
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini';

export interface DecodeOptions extends AdapterOptions {
  /**
   * The wire format; `'auto'` (default) detects it from the content type and the first event. A
   * declared `text/event-stream` is SSE and a declared `text/plain` is text (mind that
   * `new Response(string)` declares `text/plain`); any other type, or none, is sniffed.
   */
  format?: WireFormat | undefined;
  /** Stops reading (and cancels the source) when aborted. */
  signal?: AbortSignal | undefined;
  /**
   * Pass on only the JSON value: drop a ```json fence or prose before the first `{`/`[`, and anything
   * after the value closes. Streaming, no waiting for the end. Default false.
   */
  extractJson?: boolean | undefined;
  /**
   * Largest SSE event accepted, in characters (default 16 Mi): a bound on memory for hostile streams.
   * A larger event is a `DecodeError`, however the stream is chunked. It bounds what a provider's
   * reader holds back too: a refusal's text, tool calls' arguments before their names come.
   */
  maxEventSize?: number | undefined;
  /** Called with the server's `retry:` interval (ms), the delay it asks a reconnecting client to wait. */
  onRetry?: ((ms: number) => void) | undefined;
}

function missingProviders(format: Detected): PartialKitError {
  // With the readers loaded, a name none of them has is mistyped (from JavaScript, or a config file).
  if (format !== 'ai-sdk' && format !== 'provider' && providersLoaded())
    return new InvalidOptionError('format', format, formatNames());
  const entry = format === 'ai-sdk' ? '@partialkit/core/ai-sdk' : '@partialkit/core/providers';
  const what =
    format === 'ai-sdk'
      ? "AI SDK's UI message stream"
      : // Without the readers, detection tells a provider's stream, not which: 'provider'.
        `a provider's stream${format === 'provider' ? '' : ` (${format})`}`;
  return new PartialKitError(
    `This response is ${what} and its reader is not loaded: add \`import '${entry}'\`, or send ` +
      "partialkit's protocol with `toPartialResponse`",
  );
}

/**
 * The decode stage: a response (or any byte or text stream) into events, JSON text deltas and `reset`
 * when the server starts a new attempt. Throws the typed errors (`HTTPError`, `ProviderError`,
 * `TruncatedError`, `RefusalError`, `DecodeError` for an event it cannot read) after yielding
 * everything received before them.
 */
export function decode(
  source: StreamSource,
  options: DecodeOptions = {},
): AsyncGenerator<DecodedEvent, void, undefined> {
  const { signal } = options;
  // Until a read takes the body, an abort or an early return() must cancel it here: a provider request
  // no one reads would otherwise stay open. Once the stages are made, the reader they start heeds the
  // signal itself. (A return() during setup releases the body when setup ends; to interrupt a read that
  // waits, abort the signal, as for any stage.)
  const reading: Reading = {};
  const unused = () => {
    signal?.removeEventListener('abort', unused);
    // A reader detection took (its read may wait on a silent upstream), else the body itself.
    reading.cancel?.();
    cancelUnread(source, signal);
  };
  // An abort event never comes for a signal aborted already: the source is released now.
  if (signal?.aborted) unused();
  else signal?.addEventListener('abort', unused, { once: true });
  return deferred(async () => {
    try {
      return (await decodedEvents(source, options, reading))[Symbol.asyncIterator]();
    } finally {
      signal?.removeEventListener('abort', unused);
    }
  }, unused);
}

async function decodedEvents(
  source: StreamSource,
  options: DecodeOptions,
  reading: Reading,
): Promise<AsyncIterable<DecodedEvent>> {
  if (source instanceof Response) await assertOk(source, options.signal);
  const contentType = source instanceof Response ? (source.headers.get('content-type') ?? '') : '';
  const body = new Peekable(textOf(source, options.signal, reading));
  try {
    return await dialectOf(source, body, contentType, options);
  } catch (error) {
    // Setup failed: cancel the rest of the body (read by detection, or not at all), so no request is
    // left open.
    await body[Symbol.asyncIterator]().return?.();
    cancelUnread(source);
    throw error;
  }
}

async function dialectOf(
  source: StreamSource,
  body: Peekable<string>,
  contentType: string,
  options: DecodeOptions,
): Promise<AsyncIterable<DecodedEvent>> {
  const requested = options.format ?? 'auto';
  const maxEventSize = bound('maxEventSize', options.maxEventSize, DEFAULT_MAX_EVENT_SIZE);
  const aiSdkHeader = source instanceof Response && source.headers.has(AI_SDK_HEADER);
  let framing: Detected | 'sse' | 'text';
  if (requested === 'auto') framing = aiSdkHeader ? 'ai-sdk' : await detectBody(body, contentType);
  else {
    // Gemini streams either SSE (`alt=sse`) or one JSON array, and a JSON body under a provider's
    // format may be its whole response (asked for without `stream: true`): the body tells. A declared
    // 'text' is the JSON, whatever it looks like.
    const sniffed =
      requested === 'gemini' || (requested !== 'text' && /json/i.test(contentType))
        ? await detectBody(body, contentType)
        : undefined;
    framing = requested === 'gemini' && sniffed === 'gemini-array' ? 'gemini-array' : requested;
  }
  let events: AsyncIterable<DecodedEvent>;
  if (framing === 'text') events = plainText(body);
  else if (framing === 'gemini-array') {
    const reader = bodyReader(framing);
    if (!reader) throw missingProviders(framing);
    events = reader(body, options, maxEventSize);
  } else {
    const sse = new Peekable(sseEvents(body, maxEventSize, options.onRetry));
    // A declared format's reader is looked up before a byte is read: without it, the body is released.
    if (framing === 'sse') events = dialectEvents(await detectSSE(sse), sse, options, maxEventSize);
    else {
      events = dialectEvents(framing, sse, options, maxEventSize);
      await checkDeclared(framing, sse);
    }
  }
  return extracted(events, options.extractJson);
}

/** The events of an SSE stream in a known dialect. */
export function dialectEvents(
  dialect: Detected,
  sse: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
  maxEventSize: number,
): AsyncIterable<DecodedEvent> {
  if (dialect === 'partialkit') return protocol(sse);
  if (dialect === 'sse-data') return sseData(sse);
  const reader = sseReader(dialect);
  if (!reader) throw missingProviders(dialect);
  return reader(sse, options, maxEventSize);
}

/** Applies `extractJson`: only the JSON value of each attempt's text passes. */
export function extracted(
  events: AsyncIterable<DecodedEvent>,
  extract: boolean | undefined,
): AsyncIterable<DecodedEvent> {
  // Without extraction, no stage at all: each stage costs a promise hop per event.
  return extract ? extractedJson(events) : events;
}

/** A mapped iterator, not a generator: a generator stage adds a promise hop per event. */
function extractedJson(events: AsyncIterable<DecodedEvent>): AsyncIterable<DecodedEvent> {
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<DecodedEvent> => {
      const it = events[Symbol.asyncIterator]();
      const extractor = new JsonExtractor();
      const next = (): Promise<IteratorResult<DecodedEvent>> => it.next().then(take);
      const take = (
        r: IteratorResult<DecodedEvent>,
      ): IteratorResult<DecodedEvent> | Promise<IteratorResult<DecodedEvent>> => {
        if (r.done) return r;
        const event = r.value;
        if (event.type === 'reset') {
          extractor.reset();
          return r;
        }
        const t = extractor.push(event.text);
        // Nothing of this event is JSON (prose, a fence, what follows the value): read on.
        if (!t) return next();
        return t === event.text ? r : { done: false, value: { ...event, text: t } };
      };
      return {
        next,
        return: async (): Promise<IteratorResult<DecodedEvent>> => {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** Text chunks as events: a mapped iterator, no generator (and so no extra promise hop) per chunk. */
function plainText(body: AsyncIterable<string>): AsyncIterable<DecodedEvent> {
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<DecodedEvent> => {
      const it = body[Symbol.asyncIterator]();
      return {
        next: () => it.next().then(textEvent),
        return: async (): Promise<IteratorResult<DecodedEvent>> => {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

function textEvent(r: IteratorResult<string>): IteratorResult<DecodedEvent> {
  return r.done ? r : { done: false, value: { type: 'text', text: r.value } };
}

/**
 * The JSON text deltas of a response, in order. By default the message content (of choice 0); with
 * `toolCall`, that tool call's arguments. A `reset` from the server (a re-ask) cannot be expressed as
 * text: it throws; use {@link decode} to follow re-asks.
 */
export async function* decodeText(
  source: StreamSource,
  options: DecodeOptions = {},
): AsyncGenerator<string, void, undefined> {
  for await (const event of decode(source, options)) {
    if (event.type === 'reset') {
      throw new PartialKitError(`The server started attempt ${event.attempt}; use decode to follow re-asks`);
    }
    yield event.text;
  }
}
