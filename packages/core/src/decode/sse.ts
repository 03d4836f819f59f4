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
  // A final event without its blank line still counts: the server has closed the stream.
  parser.reset({ consume: true });
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
