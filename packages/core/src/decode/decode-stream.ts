import { PartialKitError } from '../errors.ts';
import { anthropic } from './anthropic.ts';
import type { AdapterOptions, DecodedEvent } from './events.ts';
import { JsonExtractor } from './fence.ts';
import { gemini, geminiArray } from './gemini.ts';
import { openaiChat } from './openai-chat.ts';
import { openaiResponses } from './openai-responses.ts';
import { protocol, rawData } from './protocol.ts';
import { assertOk, Peekable, type StreamSource, textOf } from './source.ts';
import { jsonData, type SSEMessage, sseEvents } from './sse.ts';

export type WireFormat =
  | 'auto'
  | 'text'
  | 'sse'
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini';

export interface DecodeOptions extends AdapterOptions {
  /** The wire format; `'auto'` (default) detects it from the content type and the first event. */
  format?: WireFormat | undefined;
  /** Stops reading (and cancels the source) when aborted. */
  signal?: AbortSignal | undefined;
  /**
   * Pass on only the JSON value: drop a ```json fence or prose before the first `{`/`[`, and anything
   * after the value closes. Streaming, no waiting for the end. Default false.
   */
  extractJson?: boolean | undefined;
  /** Largest SSE event accepted, in characters (default 16 Mi): a bound on memory for hostile streams. */
  maxEventSize?: number | undefined;
}

const ANTHROPIC_EVENTS = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
]);
const GEMINI_KEYS = new Set(['candidates', 'usageMetadata', 'promptFeedback', 'modelVersion', 'error']);

const SSE_FIELDS = ['data:', 'event:', 'id:', 'retry:'];

type Detected = Exclude<WireFormat, 'auto'> | 'gemini-array' | 'sse-raw';

/** Which SSE dialect an event belongs to, or undefined if it does not tell. */
function dialectOf(event: SSEMessage): Detected | undefined {
  const data = jsonData(event) as Record<string, unknown> | string | undefined;
  const type =
    typeof data === 'object' && data !== null && typeof data.type === 'string' ? data.type : undefined;
  const name = event.event ?? type;
  if (name && ANTHROPIC_EVENTS.has(name)) return 'anthropic';
  if (name?.startsWith('response.')) return 'openai-responses';
  if (event.data.trim() === '[DONE]') return 'openai-chat';
  if (typeof data === 'string' || name === 'reset' || name === 'done') return 'sse';
  if (typeof data !== 'object' || data === null) return event.data.trim() ? 'sse-raw' : undefined;
  if ('choices' in data || data.object === 'chat.completion.chunk') return 'openai-chat';
  if ('candidates' in data || 'promptFeedback' in data) return 'gemini';
  if (type === 'error') return 'sequence_number' in data ? 'openai-responses' : 'anthropic';
  if ('error' in data) return 'openai-chat';
  if (name === 'error') return 'sse';
  return 'sse-raw';
}

async function detectSSE(events: Peekable<SSEMessage>): Promise<Detected> {
  for (let i = 0; i < 50; i++) {
    const event = await events.pull();
    if (!event) break;
    const dialect = dialectOf(event);
    if (dialect) return dialect;
  }
  return 'sse';
}

/** Looks at the first characters of the body: SSE, a Gemini JSON array, or plain JSON text. */
async function detectBody(
  body: Peekable<string>,
  contentType: string,
): Promise<'sse' | 'gemini-array' | 'text'> {
  if (contentType.includes('text/event-stream')) return 'sse';
  let head = '';
  while (head.length < 4096) {
    const chunk = await body.pull();
    if (chunk === undefined) break;
    head += chunk;
    const trimmed = head.trimStart();
    if (!trimmed) continue;
    if (/^(data|event|id|retry)?:/.test(trimmed)) return 'sse';
    const key = /^\[\s*\{\s*"(\w+)"/.exec(trimmed);
    if (key) return GEMINI_KEYS.has(key[1]!) ? 'gemini-array' : 'text';
    const undecided = /^\[\s*(\{\s*("\w*)?)?$/.test(trimmed) || SSE_FIELDS.some((f) => f.startsWith(trimmed));
    if (!undecided) return 'text';
  }
  return 'text';
}

/**
 * Decodes a response into events: JSON text deltas, and `reset` when the server starts a new attempt.
 * Throws the typed errors (`HTTPError`, `ProviderError`, `TruncatedError`, `RefusalError`) after
 * yielding everything received before them.
 */
export async function* decodeEvents(
  source: StreamSource,
  options: DecodeOptions = {},
): AsyncGenerator<DecodedEvent> {
  if (source instanceof Response) await assertOk(source);
  const contentType = source instanceof Response ? (source.headers.get('content-type') ?? '') : '';
  const body = new Peekable(textOf(source, options.signal));
  const requested = options.format ?? 'auto';
  let format: Detected = requested === 'auto' ? await detectBody(body, contentType) : requested;
  let events: AsyncIterable<DecodedEvent>;
  if (format === 'text') events = plainText(body);
  else if (format === 'gemini-array') events = geminiArray(body, options);
  else {
    const sse = new Peekable(sseEvents(body, options.maxEventSize));
    if (format === 'sse' && requested !== 'sse') format = await detectSSE(sse);
    events = adapter(format, sse, options);
  }
  yield* extracted(events, options.extractJson);
}

/**
 * Decodes the event objects of an official SDK stream (`openai`'s chat or responses stream,
 * `@anthropic-ai/sdk`'s message stream, `@google/genai` chunks): the same adapters as for the wire.
 */
export async function* decodeObjects(
  objects: AsyncIterable<unknown>,
  options: Omit<DecodeOptions, 'signal'> = {},
): AsyncGenerator<DecodedEvent> {
  const messages = new Peekable(asMessages(objects));
  const requested = options.format ?? 'auto';
  const format: Detected =
    requested === 'auto' || requested === 'sse' ? await detectSSE(messages) : requested;
  yield* extracted(adapter(format, messages, options), options.extractJson);
}

async function* asMessages(objects: AsyncIterable<unknown>): AsyncGenerator<SSEMessage> {
  for await (const o of objects) {
    const type = (o as { type?: unknown } | null)?.type;
    yield { data: JSON.stringify(o), event: typeof type === 'string' ? type : undefined };
  }
}

async function* extracted(
  events: AsyncIterable<DecodedEvent>,
  extract: boolean | undefined,
): AsyncGenerator<DecodedEvent> {
  if (!extract) {
    yield* events;
    return;
  }
  const extractor = new JsonExtractor();
  for await (const event of events) {
    if (event.type === 'reset') {
      extractor.reset();
      yield event;
    } else {
      const t = extractor.push(event.text);
      if (t) yield { type: 'text', text: t };
    }
  }
}

function adapter(
  format: Detected,
  sse: AsyncIterable<SSEMessage>,
  options: DecodeOptions,
): AsyncIterable<DecodedEvent> {
  switch (format) {
    case 'openai-chat':
      return openaiChat(sse, options);
    case 'openai-responses':
      return openaiResponses(sse, options);
    case 'anthropic':
      return anthropic(sse, options);
    case 'gemini':
      return gemini(sse, options);
    case 'sse-raw':
      return rawData(sse);
    default:
      return protocol(sse);
  }
}

async function* plainText(body: AsyncIterable<string>): AsyncGenerator<DecodedEvent> {
  for await (const t of body) yield { type: 'text', text: t };
}

/**
 * The JSON text deltas of a response, in order. By default the message content (of choice 0); with
 * `toolCall`, that tool call's arguments. A `reset` from the server (a re-ask) cannot be expressed as
 * text: it throws; use {@link decodeEvents} to follow re-asks.
 */
export async function* decodeStream(
  source: StreamSource,
  options: DecodeOptions = {},
): AsyncGenerator<string> {
  for await (const event of decodeEvents(source, options)) {
    if (event.type === 'reset') {
      throw new PartialKitError(
        `The server started attempt ${event.attempt}; use decodeEvents to follow re-asks`,
      );
    }
    yield event.text;
  }
}
