import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { DecodeError } from '../errors.ts';
import { reportCallbackError } from '../stream/report.ts';

/** One server-sent event, numbered so that an error can name it. */
export interface SSEMessage extends EventSourceMessage {
  /** The event's number in the stream, counting from 1. */
  readonly number: number;
  /** The stream ended inside this event (no blank line closed it). */
  readonly unterminated: boolean;
}

/** An SSE message; every one is made here, so all have one shape and the readers' loads stay monomorphic. */
export function sseMessage(
  data: string,
  event: string | undefined,
  id: string | undefined,
  number: number,
  unterminated = false,
): SSEMessage {
  return { id, event, data, number, unterminated };
}

const CR = 0x0d;
const LF = 0x0a;

/** Largest SSE event accepted by default: 16 Mi characters. */
export const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

/** What a reader holds back (a refusal, a tool call's arguments before its name) outgrew `maxEventSize`. */
export const heldTooLong = (what: string, maxEventSize: number, event: number, held: string): DecodeError =>
  new DecodeError(`${what} exceeded maxEventSize (${maxEventSize} characters)`, event, snippetOf(held));

/**
 * Server-sent events of a text stream, parsed by `eventsource-parser` (CR, LF and CRLF line ends,
 * comments, multi-line `data:`, fields split across chunks). An event larger than `maxEventSize` is a
 * {@link DecodeError}, after the events before it, however the stream is chunked.
 */
export async function* sseEvents(
  text: AsyncIterable<string>,
  maxEventSize = DEFAULT_MAX_EVENT_SIZE,
  onRetry?: (ms: number) => void,
): AsyncGenerator<SSEMessage, void, undefined> {
  // Swapped for a fresh array at each chunk: taking events with shift() is quadratic in a large chunk.
  let queue: SSEMessage[] = [];
  let count = 0;
  let ended = false;
  let failure: DecodeError | undefined;
  /** The first line that is no SSE field, while no event came (an error page served as SSE). */
  let stray: string | undefined;
  const tooLarge = (data: string) =>
    new DecodeError(
      `SSE event ${count + 1} exceeded maxEventSize (${maxEventSize} characters)`,
      count + 1,
      snippetOf(data),
    );
  const parser = createParser({
    onEvent: ({ id, event, data }) => {
      if (failure) return;
      // eventsource-parser bounds only what it holds between chunks; an event whole in one chunk is
      // measured here.
      if (data.length + (event?.length ?? 0) + (id?.length ?? 0) > maxEventSize) {
        failure = tooLarge(data);
        return;
      }
      count++;
      queue.push(sseMessage(data, event, id, count, ended));
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') failure ??= tooLarge('');
      else if (error.type === 'unknown-field' && count === 0) stray ??= error.line ?? error.field ?? '';
    },
    // It counts a pending line with its field name (`event: `, `data: `, a CR): room for those, so that
    // the bound is the one measured above, however the stream is chunked.
    maxBufferSize: maxEventSize + 8,
    // A user callback: one that throws must not stop the parser inside a chunk (events after it lost).
    ...(onRetry && {
      onRetry: (ms: number) => {
        try {
          onRetry(ms);
        } catch (error) {
          reportCallbackError(error);
        }
      },
    }),
  });
  // A chunk that ends in CR: the parser would hold the CR as half of a CRLF, and with it the event it
  // closes until a later line end (a silent upstream, a connection that drops, a line past the bound
  // first). It is fed as a whole line end, CRLF, and the LF that may begin the next chunk is dropped.
  let afterCR = false;
  for await (let chunk of text) {
    if (afterCR && chunk) {
      if (chunk.charCodeAt(0) === LF) chunk = chunk.slice(1);
      afterCR = false;
    }
    if (chunk.charCodeAt(chunk.length - 1) === CR) {
      afterCR = true;
      chunk += '\n';
    }
    parser.feed(chunk);
    const batch = queue;
    queue = [];
    // A plain loop: `yield*` over an array in an async generator adds two awaits per event (25 % of the
    // decode stage's cost on a stream of small events).
    for (let i = 0; i < batch.length; i++) yield batch[i]!;
    if (failure) throw failure;
  }
  // The spec drops an event that lacks its closing blank line at EOF; servers that close right after
  // their last `data:` line are common, so it is dispatched, marked `unterminated`.
  ended = true;
  parser.feed('\n\n');
  for (const e of queue) yield e;
  if (failure) throw failure;
  if (count === 0 && stray !== undefined) {
    throw new DecodeError(
      `The event stream holds no event: its first line is not SSE: ${JSON.stringify(snippetOf(stray))}`,
      1,
      snippetOf(stray),
    );
  }
}

/**
 * JSON payload of an event, or undefined when it is not JSON (e.g. `[DONE]`). For detection and
 * partialkit's protocol, where raw text is allowed; provider readers use {@link providerData}.
 */
export function jsonData(event: SSEMessage): unknown {
  try {
    return JSON.parse(event.data);
  } catch {
    return undefined;
  }
}

/**
 * JSON payload of an event in a provider's format, where every event carries JSON. Skipping one that
 * does not would splice the text around a hole, so it is a {@link DecodeError} naming the event. Not
 * errors, and undefined: `[DONE]`, empty data, the data of an `event: error` (its text is the message),
 * and a last event the stream cut off (the reader reports the early end: no final event came).
 */
export function providerData(event: SSEMessage): unknown {
  try {
    return JSON.parse(event.data);
  } catch (cause) {
    const data = event.data.trim();
    if (!data || data === '[DONE]' || event.event === 'error' || event.unterminated) return undefined;
    throw new DecodeError(
      `SSE event ${event.number} is not valid JSON: ${JSON.stringify(snippetOf(event.data))}`,
      event.number,
      snippetOf(event.data),
      { cause },
    );
  }
}

/** The start of a payload, for an error message: at most 120 characters. */
export function snippetOf(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
