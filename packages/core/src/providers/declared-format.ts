import { detectSSE } from '../decode/detect.ts';
import type { Peekable } from '../decode/peekable.ts';
import { jsonData, type SSEMessage, snippetOf } from '../decode/sse.ts';
import { DecodeError } from '../errors.ts';

/**
 * Refuses a declared format that the stream is not: its reader would skip every event, and the end
 * look like a cut connection (`format: 'anthropic'` on an OpenAI stream). Told by a provider's or AI
 * SDK's own events only; the events looked at stay in `events` for the reader.
 */
export async function declaredFormat(format: string, events: Peekable<SSEMessage>): Promise<void> {
  const told: { event?: SSEMessage } = {};
  const seen = await detectSSE(events, told);
  const event = told.event;
  if (!event || seen === format || !/^(openai|anthropic|gemini|ai-sdk)/.test(seen)) return;
  // An error tells a provider's error shape, not the stream's format: a gateway passes its upstream's
  // on (Gemini's or Anthropic's OpenAI-compatible endpoints), and the declared reader names it.
  const data = jsonData(event) as { type?: unknown; error?: unknown } | undefined;
  if (
    event.event === 'error' ||
    (typeof data === 'object' && data !== null && ('error' in data || data.type === 'error'))
  )
    return;
  throw new DecodeError(
    `Event ${event.number} is of the format '${seen}', not '${format}' as given: pass format: '${seen}', or 'auto'`,
    event.number,
    snippetOf(event.data),
  );
}
