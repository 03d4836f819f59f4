import type { DecodeOptions } from '../decode/decode.ts';
import { dialectEvents, extracted } from '../decode/decode.ts';
import { type Detected, detectSSE } from '../decode/detect.ts';
import type { DecodedEvent } from '../decode/events.ts';
import { Peekable } from '../decode/peekable.ts';
import { type SSEMessage, sseMessage } from '../decode/sse.ts';

/**
 * Decodes the event objects of an official SDK stream (`openai`'s chat or responses stream,
 * `@anthropic-ai/sdk`'s message stream, `@google/genai` chunks), or of text deltas and partialkit
 * protocol events: the same readers as for the wire.
 */
export async function* decodeObjects(
  objects: AsyncIterable<unknown>,
  options: Omit<DecodeOptions, 'signal'> = {},
): AsyncGenerator<DecodedEvent> {
  const messages = new Peekable(asMessages(objects));
  const requested = options.format ?? 'auto';
  const format: Detected =
    requested === 'auto' || requested === 'partialkit' ? await detectSSE(messages) : requested;
  // An iterable of text or protocol events simply ends; on the wire the protocol ends with `done`.
  const source = format === 'partialkit' ? ended(messages) : messages;
  yield* extracted(dialectEvents(format, source, options), options.extractJson);
}

async function* ended(messages: AsyncIterable<SSEMessage>): AsyncGenerator<SSEMessage> {
  yield* messages;
  yield sseMessage('{}', 'done', undefined, 0);
}

const PROTOCOL_TYPES = new Set(['text', 'reset', 'error', 'done']);

/**
 * Each object as the SSE message it would have been on the wire. Strings and partialkit protocol
 * events (`{ type: 'text', text }`, `reset`, `error`, `done`, as `reask` yields) become messages of
 * partialkit's protocol; anything else is a provider event object.
 */
async function* asMessages(objects: AsyncIterable<unknown>): AsyncGenerator<SSEMessage> {
  // The first object tells what the stream is: text and partialkit events, or provider events (whose
  // own objects can look like protocol events, e.g. Anthropic's `{ type: 'error', error }`).
  let protocolStream: boolean | undefined;
  let number = 0;
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
