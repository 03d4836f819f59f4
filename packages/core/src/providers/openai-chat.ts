import { eventPayload, listField, stringField } from '../decode/event-fields.ts';
import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import type { SSEMessage } from '../decode/sse.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { ToolCallSelector, text } from './tool-calls.ts';

// What the provider claims; the text fields are checked as they are read.
interface ChatChunk {
  error?: ErrorBody;
  choices?: unknown;
}

interface ChatChoice {
  index?: number;
  delta?: { content?: unknown; refusal?: unknown; tool_calls?: unknown } | null;
  finish_reason?: string | null;
}

interface ToolCall {
  index?: number;
  function?: { name?: string; arguments?: unknown } | null;
}

interface ErrorBody {
  message?: string;
  type?: string;
  code?: string | number | null;
}

/** An OpenAI-style `{ error: { message, type, code } }` as a {@link ProviderError}. */
export function openaiError(body: unknown, fallback = 'error'): ProviderError {
  // The data of an `event: error` that is not JSON is the message itself.
  if (typeof body === 'string') return new ProviderError(fallback, body, body);
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
    const n = event.number;
    const chunk = eventPayload<ChatChunk>(event);
    if (event.event === 'error' || chunk?.error) throw openaiError(chunk ?? event.data);
    const choices = listField(chunk?.choices, n, 'choices') as ReadonlyArray<ChatChoice | null>;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i];
      if ((c?.index ?? 0) !== choice) continue;
      const delta = c?.delta;
      if (tools) {
        const calls = listField(
          delta?.tool_calls,
          n,
          `choices[${i}].delta.tool_calls`,
        ) as ReadonlyArray<ToolCall | null>;
        for (let j = 0; j < calls.length; j++) {
          const call = calls[j];
          const index = call?.index ?? 0;
          if (!announced.has(index)) {
            announced.add(index);
            tools.announce(index, call?.function?.name);
          }
          const args = stringField(
            call?.function?.arguments,
            n,
            `choices[${i}].delta.tool_calls[${j}].function.arguments`,
          );
          if (args && tools.is(index)) yield text(args);
        }
      } else {
        const content = stringField(delta?.content, n, `choices[${i}].delta.content`);
        if (content) yield text(content);
      }
      refusal += stringField(delta?.refusal, n, `choices[${i}].delta.refusal`) ?? '';
      if (c?.finish_reason === 'length') {
        throw new TruncatedError('length', 'The response hit its token limit (finish_reason "length")');
      }
      if (c?.finish_reason === 'content_filter') {
        throw new RefusalError(refusal || 'The response was stopped by the content filter');
      }
    }
  }
  if (refusal) throw new RefusalError(refusal);
}
