import {
  NetworkError,
  PartialKitError,
  ProviderError,
  RefusalError,
  TruncatedError,
  type TruncationReason,
} from '../errors.ts';
import type { DecodedEvent } from './events.ts';
import { jsonData, type SSEMessage } from './sse.ts';

/**
 * partialkit's own SSE protocol (format `'partialkit'`), written by `@partialkit/server`:
 *
 * - `data: <JSON string>`: a text delta, JSON-encoded so newlines and CRs survive SSE framing.
 * - `event: error` + `data: {"type": string, "message": string}`: the stream failed. The kit's own
 *   verdicts keep their class: type `TruncatedError` with its `reason`, `RefusalError` with its `refusal`.
 * - `event: reset` + `data: {"attempt": number}`: a new attempt starts; discard the partial value.
 * - `event: done` + `data: {}`: the stream is complete.
 * - `: comment` lines are heartbeats and are ignored, as are events of any other type.
 *
 * A resumable stream gives every event an `id:`, the offset in the stream's text where the event ends;
 * a client that lost the connection asks for the rest with `Last-Event-ID`.
 */
export type ProtocolEvent = (
  | { type: 'text'; text: string }
  | { type: 'error'; error: ProtocolError }
  | { type: 'reset'; attempt: number }
  | { type: 'done' }
) & { id?: string | undefined };

/** What an `error` event tells: a type and a message, and what a `TruncatedError` or `RefusalError` needs. */
export interface ProtocolError {
  type: string;
  message: string;
  /** With type `TruncatedError`: why the output was cut off. */
  reason?: TruncationReason | undefined;
  /** With type `RefusalError`: the model's refusal. */
  refusal?: string | undefined;
}

/** An id SSE cannot carry: a line break ends its field, and a client ignores one with a NUL. */
const BAD_ID = /[\r\n\0]/;

/** Serialises one protocol event as SSE text; an `id` with a line break or a NUL is refused. */
export function encodeProtocolEvent(event: ProtocolEvent): string {
  if (event.id !== undefined && BAD_ID.test(event.id)) {
    throw new PartialKitError(
      `A protocol event's id cannot hold a line break or NUL: ${JSON.stringify(event.id)}`,
    );
  }
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  switch (event.type) {
    case 'text':
      return `${id}data: ${JSON.stringify(event.text)}\n\n`;
    case 'error':
      return `${id}event: error\ndata: ${JSON.stringify(event.error)}\n\n`;
    case 'reset':
      return `${id}event: reset\ndata: ${JSON.stringify({ attempt: event.attempt })}\n\n`;
    case 'done':
      return `${id}event: done\ndata: {}\n\n`;
  }
}

/**
 * Decodes the protocol above. Every stream of it ends with `done` or `error`, so a body that stops
 * before either was cut off on the way: a {@link NetworkError} (a resumable stream is then resumed).
 */
export async function* protocol(
  events: AsyncIterable<SSEMessage>,
): AsyncGenerator<DecodedEvent, void, undefined> {
  let attempt = 1;
  let any = false;
  for await (const event of events) {
    any = true;
    if (event.unterminated) break; // the body ended inside this event: it was cut
    switch (event.event ?? 'message') {
      case 'error':
        throw errorOf(event);
      case 'reset': {
        const e = jsonData(event) as { attempt?: unknown } | undefined;
        attempt = typeof e?.attempt === 'number' && Number.isSafeInteger(e.attempt) ? e.attempt : attempt + 1;
        yield event.id === undefined ? { type: 'reset', attempt } : { type: 'reset', attempt, id: event.id };
        break;
      }
      case 'done':
        return;
      case 'message': {
        const data = jsonData(event);
        const t = typeof data === 'string' ? data : event.data;
        if (t)
          yield event.id === undefined ? { type: 'text', text: t } : { type: 'text', text: t, id: event.id };
      }
      // Another type (a proxy's `event: ping`, a later version's): not text, so ignored, as an
      // EventSource ignores a type it has no listener for.
    }
  }
  throw new NetworkError(new Error(`the stream ended before ${any ? 'its done event' : 'any event'}`));
}

const REASONS: readonly unknown[] = [
  'length',
  'max_tokens',
  'incomplete',
  'eof',
] satisfies TruncationReason[];

/**
 * An `event: error`: whatever its data holds, a JSON string or raw text is the message. A truncation or
 * a refusal the server found is thrown as the same class it would be here.
 */
function errorOf(event: SSEMessage): ProviderError | TruncatedError | RefusalError {
  const e = jsonData(event);
  const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
  const message = typeof o.message === 'string' ? o.message : typeof e === 'string' ? e : event.data;
  if (o.type === 'TruncatedError' && REASONS.includes(o.reason)) {
    return new TruncatedError(o.reason as TruncationReason, message);
  }
  if (o.type === 'RefusalError' && typeof o.refusal === 'string') return new RefusalError(o.refusal);
  return new ProviderError(typeof o.type === 'string' ? o.type : 'error', message, e ?? event.data);
}

/**
 * SSE whose `data:` lines are raw JSON text (a common hand-rolled server); `event: error` fails it, and
 * so does a first event that is an error object (`{"type": "error", …}`, `{"error": …}`) no reader
 * claimed: a stream that begins with its failure is no answer.
 */
export async function* sseData(
  events: AsyncIterable<SSEMessage>,
): AsyncGenerator<DecodedEvent, void, undefined> {
  let first = true;
  for await (const event of events) {
    // A heartbeat (`event: ping` from a proxy or an SSE library) is not text of the answer.
    if (event.event === 'ping') continue;
    if (event.event === 'error' || (first && isErrorObject(jsonData(event)))) throw errorOf(event);
    first = false;
    // `[DONE]`, OpenAI's end marker, which such servers copy, is not JSON text.
    if (event.data && event.data !== '[DONE]') yield { type: 'text', text: event.data };
  }
}

function isErrorObject(data: unknown): boolean {
  return (
    typeof data === 'object' &&
    data !== null &&
    ((data as { type?: unknown }).type === 'error' || 'error' in data)
  );
}
