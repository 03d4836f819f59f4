import type { Detected } from '../decode/detect.ts';
import { jsonData, type SSEMessage } from '../decode/sse.ts';

const ANTHROPIC_EVENTS = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
]);

/**
 * Which provider dialect an event belongs to, or undefined when it is not a provider's (core then
 * tells partialkit's protocol, AI SDK's UI message stream and raw JSON data lines apart).
 */
export function dialectOf(event: SSEMessage): Detected | undefined {
  const data = jsonData(event) as Record<string, unknown> | string | undefined;
  const type =
    typeof data === 'object' && data !== null && typeof data.type === 'string' ? data.type : undefined;
  const name = event.event ?? type;
  if (name && ANTHROPIC_EVENTS.has(name)) return 'anthropic';
  if (name?.startsWith('response.')) return 'openai-responses';
  if (event.data.trim() === '[DONE]') return 'openai-chat';
  if (typeof data !== 'object' || data === null) return undefined;
  if ('choices' in data || data.object === 'chat.completion.chunk') return 'openai-chat';
  if ('candidates' in data || 'promptFeedback' in data) return 'gemini';
  // Google's error ({"error": {code, message, status}}), before any chunk: its reader names it by status.
  const error = data.error as Record<string, unknown> | undefined;
  if (typeof error?.status === 'string' && typeof error.code === 'number') return 'gemini';
  if (type === 'error') {
    if ('sequence_number' in data) return 'openai-responses';
    // Anthropic nests its error ({"type":"error","error":{…}}); partialkit's is flat ({type, message}).
    return 'error' in data ? 'anthropic' : undefined;
  }
  // An OpenAI-style error ({"error": {message, type, code}}), in a chunk or as an `event: error` (Groq
  // before any chunk). partialkit's own error event is flat ({type, message}), and an `error` that is
  // text (`event: error` + `{"error": "…"}`, a hand-rolled server's) is left to core.
  if ('error' in data) {
    if (event.event !== 'error') return 'openai-chat';
    const error = data.error;
    if (typeof error === 'object' && error !== null && !Array.isArray(error)) return 'openai-chat';
  }
  return undefined;
}
