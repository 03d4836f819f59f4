import type { Peekable } from './peekable.ts';
import { jsonData, type SSEMessage } from './sse.ts';

/** A format detected from the body: partialkit's protocol, a provider dialect, or plain JSON text. */
export type Detected =
  | 'text'
  | 'partialkit'
  | 'sse-data'
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini'
  | 'gemini-array';

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

/** Which SSE dialect an event belongs to, or undefined if it does not tell. */
function dialectOf(event: SSEMessage): Detected | undefined {
  const data = jsonData(event) as Record<string, unknown> | string | undefined;
  const type =
    typeof data === 'object' && data !== null && typeof data.type === 'string' ? data.type : undefined;
  const name = event.event ?? type;
  if (name && ANTHROPIC_EVENTS.has(name)) return 'anthropic';
  if (name?.startsWith('response.')) return 'openai-responses';
  if (event.data.trim() === '[DONE]') return 'openai-chat';
  if (typeof data === 'string' || name === 'reset' || name === 'done') return 'partialkit';
  if (typeof data !== 'object' || data === null) {
    if (name === 'error') return 'partialkit'; // an error reported in plain text
    return event.data.trim() ? 'sse-data' : undefined;
  }
  if ('choices' in data || data.object === 'chat.completion.chunk') return 'openai-chat';
  if ('candidates' in data || 'promptFeedback' in data) return 'gemini';
  if (type === 'error') {
    if ('sequence_number' in data) return 'openai-responses';
    // Anthropic nests its error ({"type":"error","error":{…}}); partialkit's is flat ({type, message}).
    return 'error' in data ? 'anthropic' : 'partialkit';
  }
  if ('error' in data) return 'openai-chat';
  if (name === 'error') return 'partialkit';
  return 'sse-data';
}

/** Looks at the first events of an SSE stream (up to 50) to tell its dialect. */
export async function detectSSE(events: Peekable<SSEMessage>): Promise<Detected> {
  for (let i = 0; i < 50; i++) {
    const event = await events.pull();
    if (!event) break;
    const dialect = dialectOf(event);
    if (dialect) return dialect;
  }
  return 'partialkit';
}

/**
 * Looks at the content type and the first characters of the body: SSE, a Gemini JSON array, or JSON
 * text. A declared `text/event-stream` or `text/plain` is taken at its word; other types are sniffed.
 */
export async function detectBody(
  body: Peekable<string>,
  contentType: string,
): Promise<'sse' | 'gemini-array' | 'text'> {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'text/event-stream') return 'sse';
  if (media === 'text/plain') return 'text';
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
