import type { DecodeOptions, WireFormat } from '../decode/decode.ts';
import { dialectEvents, extracted } from '../decode/decode.ts';
import { type Detected, detectSSE } from '../decode/detect.ts';
import type { DecodedEvent } from '../decode/events.ts';
import { Peekable } from '../decode/peekable.ts';
import { DEFAULT_MAX_EVENT_SIZE, type SSEMessage, sseMessage } from '../decode/sse.ts';
import { PartialKitError, ProviderError } from '../errors.ts';
import { bound } from '../parser/create-partial-parser.ts';
import { openaiError } from './openai-chat.ts';

/**
 * Decodes the event objects of an official SDK stream (`openai`'s chat or responses stream,
 * `@anthropic-ai/sdk`'s message stream, `@google/genai` chunks), or of text deltas and partialkit
 * protocol events: the same readers as for the wire. A provider error the SDK's iterator throws
 * (its `APIError`) is a {@link ProviderError}, as the same bytes are on the wire. `format: 'text'`
 * takes text deltas (strings) only: each one is a piece of the JSON.
 */
export async function* decodeObjects(
  objects: AsyncIterable<unknown>,
  options: Omit<DecodeOptions, 'signal'> = {},
): AsyncGenerator<DecodedEvent, void, undefined> {
  // Before the source is read: a bad option must not leave it open.
  const maxEventSize = bound('maxEventSize', options.maxEventSize, DEFAULT_MAX_EVENT_SIZE);
  const messages = new Peekable(asMessages(objects));
  const requested = options.format ?? 'auto';
  // 'text' (the body is the JSON) has no SSE reader: here it is what text deltas are, each string a
  // piece of the text, as `auto` finds them.
  const detecting = requested === 'auto' || requested === 'partialkit' || requested === 'text';
  const format: Detected = detecting ? await detectSSE(messages) : requested;
  if (requested === 'text' && format !== 'partialkit') throw await notEvents(messages, requested);
  // On the wire, bare JSON data lines are pieces of text; an object is never a piece of text. Nor is
  // one that only looks like a provider's (a `type` key), which no provider reader here claimed.
  if (format === 'sse-data' || format === 'provider') throw await notEvents(messages, requested);
  // An iterable of text or protocol events simply ends; on the wire the protocol ends with `done`.
  const source = format === 'partialkit' ? ended(messages) : messages;
  yield* extracted(dialectEvents(format, source, options, maxEventSize), options.extractJson);
}

/**
 * The error for objects that are none of the events above (AI SDK's `partialObjectStream`, parsed
 * snapshots, bytes): concatenated as text they would make a 200 that ends well with the wrong value.
 * Releases the source.
 */
async function notEvents(messages: AsyncIterable<SSEMessage>, format: WireFormat): Promise<PartialKitError> {
  const it = messages[Symbol.asyncIterator]();
  const first = (await it.next()).value as SSEMessage | undefined;
  await it.return?.();
  const data = first?.data ?? '';
  const shown = data.length > 80 ? `${data.slice(0, 80)}…` : data;
  // Declared text, a provider's event objects are no text either; they need their own format.
  if (format === 'text')
    return new PartialKitError(
      `With format 'text', the source yields text deltas (strings), got objects (the first: ${shown}): ` +
        "pass the text deltas, or leave format on 'auto' for a provider's SDK stream",
    );
  return new PartialKitError(
    `These objects are neither text deltas, partialkit's protocol events nor a provider's events ` +
      `(the first: ${shown}): pass the text deltas ` +
      "(AI SDK: the streamText result itself, or its textStream), the provider's Response or its SDK stream",
  );
}

async function* ended(messages: AsyncIterable<SSEMessage>): AsyncGenerator<SSEMessage, void, undefined> {
  yield* messages;
  yield sseMessage('{}', 'done', undefined, 0);
}

const PROTOCOL_TYPES = new Set(['text', 'reset', 'error', 'done']);

/**
 * Each object as the SSE message it would have been on the wire. Strings and partialkit protocol
 * events (`{ type: 'text', text }`, `reset`, `error`, `done`, as `reask` yields) become messages of
 * partialkit's protocol; anything else is a provider event object.
 */
async function* asMessages(objects: AsyncIterable<unknown>): AsyncGenerator<SSEMessage, void, undefined> {
  // The first object tells what the stream is: text and partialkit events, or provider events (whose
  // own objects can look like protocol events, e.g. Anthropic's `{ type: 'error', error }`).
  let protocolStream: boolean | undefined;
  let number = 0;
  try {
    for await (const o of objects) {
      number++;
      protocolStream ??= typeof o === 'string' || isProtocolEvent(o);
      if (protocolStream && typeof o === 'string') {
        yield sseMessage(JSON.stringify(o), undefined, undefined, number);
        continue;
      }
      if (protocolStream && isProtocolEvent(o)) {
        yield protocolMessage(o as Record<string, unknown>, number);
        continue;
      }
      const type = (o as { type?: unknown } | null)?.type;
      // JSON.stringify gives undefined for undefined or a function: no payload, like an empty event.
      const data = JSON.stringify(o) ?? '';
      yield sseMessage(data, typeof type === 'string' ? type : undefined, undefined, number);
    }
  } catch (error) {
    // The SDKs throw a provider's error event from their iterator instead of yielding it.
    throw sdkProviderError(error) ?? error;
  }
}

/**
 * The `APIError` of the `openai` and `@anthropic-ai/sdk` clients (both generated by Stainless), by its
 * shape, not its class: the kit imports neither SDK. `error` is the provider's error body: OpenAI's
 * `{ message, type, code }`, Anthropic's `{ type: 'error', error: { type, message } }`, or the data
 * as text when it was not JSON.
 */
interface SdkApiError extends Error {
  readonly status: number | undefined;
  readonly headers: unknown;
  readonly error: unknown;
}

function isSdkApiError(value: unknown): value is SdkApiError {
  return (
    value instanceof Error &&
    'status' in value &&
    'headers' in value &&
    'error' in value &&
    (typeof value.status === 'number' || value.status === undefined)
  );
}

/**
 * The {@link ProviderError} of an SDK `APIError` that carries the provider's error body, with the
 * provider's type and message (as {@link openaiError} reads them off the wire) and the SDK's error as
 * `cause`. Undefined for anything else, the SDKs' connection and abort errors included (no body).
 */
function sdkProviderError(error: unknown): ProviderError | undefined {
  const typed =
    isSdkApiError(error) && error.error !== undefined && error.error !== null
      ? openaiError(error.error)
      : isGenaiApiError(error)
        ? genaiError(error)
        : undefined;
  if (!typed) return undefined;
  // ProviderError takes no ErrorOptions: defined as `new Error(message, { cause })` defines it.
  Object.defineProperty(typed, 'cause', { value: error, writable: true, configurable: true });
  return typed;
}

/**
 * `@google/genai`'s `ApiError`, which has only `name`, `message` and `status` (the error's HTTP code).
 * For an error chunk mid-stream (and a non-2xx answer) the message ends with the provider's error body:
 * `got status: UNAVAILABLE. {"error":{"code":503,"message":…,"status":"UNAVAILABLE"}}`.
 */
function isGenaiApiError(value: unknown): value is Error & { readonly status: number } {
  return (
    value instanceof Error &&
    value.name === 'ApiError' &&
    'status' in value &&
    typeof value.status === 'number'
  );
}

/**
 * The {@link ProviderError} of a `@google/genai` `ApiError`: with the type and message of the error body
 * in its message, as the Gemini reader reads them off the wire, else its status and message.
 */
function genaiError(error: Error & { readonly status: number }): ProviderError {
  const at = error.message.indexOf('{');
  let body: { error?: { code?: unknown; message?: unknown; status?: unknown } } | undefined;
  if (at >= 0) {
    try {
      body = JSON.parse(error.message.slice(at));
    } catch {}
  }
  const e = body?.error;
  if (typeof e !== 'object' || e === null)
    return new ProviderError(String(error.status), error.message, error);
  const type = typeof e.status === 'string' ? e.status : String(e.code ?? error.status);
  return new ProviderError(type, typeof e.message === 'string' ? e.message : error.message, body);
}

function isProtocolEvent(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  if (typeof o.type !== 'string' || !PROTOCOL_TYPES.has(o.type)) return false;
  switch (o.type) {
    case 'text':
      return typeof o.text === 'string';
    case 'reset':
      return typeof o.attempt === 'number';
    case 'error':
      return typeof o.error === 'object' && o.error !== null;
    default:
      return Object.keys(o).every((k) => k === 'type' || k === 'id');
  }
}

function protocolMessage(o: Record<string, unknown>, number: number): SSEMessage {
  const id = typeof o.id === 'string' ? o.id : undefined;
  switch (o.type) {
    case 'text':
      return sseMessage(JSON.stringify(o.text), undefined, id, number);
    case 'reset':
      return sseMessage(JSON.stringify({ attempt: o.attempt }), 'reset', id, number);
    case 'error':
      return sseMessage(JSON.stringify(o.error), 'error', id, number);
    default:
      return sseMessage('{}', 'done', id, number);
  }
}
