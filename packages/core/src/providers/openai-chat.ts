import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { jsonData, type SSEMessage } from '../decode/sse.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { ToolCallSelector, text } from './tool-calls.ts';

interface ChatChunk {
  error?: ErrorBody;
  choices?: Array<{
    index?: number;
    delta?: {
      content?: string | null;
      refusal?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
}

interface ErrorBody {
  message?: string;
  type?: string;
  code?: string | number | null;
}

/** An OpenAI-style `{ error: { message, type, code } }` as a {@link ProviderError}. */
export function openaiError(body: unknown, fallback = 'error'): ProviderError {
  const e = ((body as { error?: ErrorBody })?.error ?? body) as ErrorBody;
  const type = e?.code != null ? String(e.code) : (e?.type ?? fallback);
  return new ProviderError(type, e?.message ?? JSON.stringify(body), body);
}

/**
 * OpenAI Chat Completions chunks (and OpenAI-compatible servers: Groq, OpenRouter, vLLM, LM Studio…):
 * `delta.content` of one choice, or one tool call's `function.arguments`. Parallel tool calls are kept
 * apart by their `index`.
 */
export async function* openaiChat(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
): AsyncGenerator<DecodedEvent> {
  const choice = options.choice ?? 0;
  const tools = options.toolCall === undefined ? undefined : new ToolCallSelector(options.toolCall);
  const announced = new Set<number>();
  let refusal = '';
  for await (const event of events) {
    if (event.data.trim() === '[DONE]') break;
    const chunk = jsonData(event) as ChatChunk | undefined;
    if (event.event === 'error' || chunk?.error) throw openaiError(chunk ?? event.data);
    if (!chunk?.choices) continue;
    for (const c of chunk.choices) {
      if ((c.index ?? 0) !== choice) continue;
      const delta = c.delta;
      if (tools) {
        for (const call of delta?.tool_calls ?? []) {
          const index = call.index ?? 0;
          if (!announced.has(index)) {
            announced.add(index);
            tools.announce(index, call.function?.name);
          }
          const args = call.function?.arguments;
          if (args && tools.is(index)) yield text(args);
        }
      } else if (delta?.content) {
        yield text(delta.content);
      }
      if (delta?.refusal) refusal += delta.refusal;
      if (c.finish_reason === 'length') {
        throw new TruncatedError('length', 'The response hit its token limit (finish_reason "length")');
      }
      if (c.finish_reason === 'content_filter') {
        throw new RefusalError(refusal || 'The response was stopped by the content filter');
      }
    }
  }
  if (refusal) throw new RefusalError(refusal);
}
