import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';
import { PartialKitError } from '../errors.ts';

export type SSEMessage = EventSourceMessage;

/** Largest SSE event accepted by default: 16 Mi characters. */
export const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

/**
 * Server-sent events of a text stream, parsed by `eventsource-parser` (CR, LF and CRLF line ends,
 * comments, multi-line `data:`, fields split across chunks).
 */
export async function* sseEvents(
  text: AsyncIterable<string>,
  maxEventSize = DEFAULT_MAX_EVENT_SIZE,
  onRetry?: (ms: number) => void,
): AsyncGenerator<SSEMessage> {
  const queue: SSEMessage[] = [];
  let failure: ParseError | undefined;
  const parser = createParser({
    onEvent: (event) => queue.push(event),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') failure = error;
    },
    maxBufferSize: maxEventSize,
    ...(onRetry && { onRetry }),
  });
  for await (const chunk of text) {
    parser.feed(chunk);
    while (queue.length) yield queue.shift()!;
    if (failure) throw new PartialKitError(`An SSE event exceeded maxEventSize (${maxEventSize} characters)`);
  }
  // The spec drops an event that lacks its closing blank line at EOF; servers that close right after
  // their last `data:` line are common, so it is dispatched (a cut-off JSON payload is then ignored),
  // marked, so that a dialect that always ends its events (partialkit's) can tell a cut.
  parser.feed('\n\n');
  for (const event of queue) unterminated.add(event);
  while (queue.length) yield queue.shift()!;
}

/** Events dispatched at EOF although their closing blank line never came. */
const unterminated = new WeakSet<SSEMessage>();

/** Whether an event lacked its closing blank line (the body ended inside it). */
export const isUnterminated = (event: SSEMessage): boolean => unterminated.has(event);

/** JSON payload of an event, or undefined when it is not JSON (e.g. `[DONE]`). */
export function jsonData(event: SSEMessage): unknown {
  try {
    return JSON.parse(event.data);
  } catch {
    return undefined;
  }
}
