import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type SSEMessage = EventSourceMessage;

/**
 * Server-sent events of a text stream, parsed by `eventsource-parser` (CR, LF and CRLF line ends,
 * comments, multi-line `data:`, fields split across chunks).
 */
export async function* sseEvents(text: AsyncIterable<string>): AsyncGenerator<SSEMessage> {
  const queue: SSEMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  for await (const chunk of text) {
    parser.feed(chunk);
    while (queue.length) yield queue.shift()!;
  }
  // The spec drops an event that lacks its closing blank line at EOF; servers that close right after
  // their last `data:` line are common, so it is dispatched (a cut-off JSON payload is then ignored).
  parser.feed('\n\n');
  while (queue.length) yield queue.shift()!;
}

/** JSON payload of an event, or undefined when it is not JSON (e.g. `[DONE]`). */
export function jsonData(event: SSEMessage): unknown {
  try {
    return JSON.parse(event.data);
  } catch {
    return undefined;
  }
}
