import { endedEarly } from '../decode/ended-early.ts';
import { errorText, eventPayload, stringField } from '../decode/event-fields.ts';
import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { DEFAULT_MAX_EVENT_SIZE, heldTooLong, type SSEMessage } from '../decode/sse.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { openaiError } from './openai-chat.ts';
import { TextOrCalls, ToolCallSelector, text } from './tool-calls.ts';

// What the provider claims; the text fields are checked as they are read.
interface ResponsesEvent {
  type?: string;
  delta?: unknown;
  arguments?: unknown;
  output_index?: number;
  item_id?: string;
  item?: { id?: string; type?: string; name?: string; phase?: string | null };
  refusal?: string;
  response?: { error?: { code?: string; message?: string }; incomplete_details?: { reason?: string } | null };
  error?: unknown;
  code?: string;
  message?: string;
}

/** The `incomplete_details.reason` of a response the content filter stopped. */
const CONTENT_FILTER = 'content_filter';

/**
 * OpenAI Responses API events (and Open Responses servers such as LM Studio): the output text of the
 * message items, or one function call's arguments. A server that only sends
 * `function_call_arguments.done` (no deltas) still works. A message of `phase: 'commentary'` (a
 * preamble before tool calls) is not the answer and is skipped; when the text moves on to another
 * message item after some was passed on, a `reset` starts the value over, as between the steps of an
 * AI SDK run: the answer is the last message, and two texts run together would be no one JSON value.
 * The stream ends with `response.completed`, `response.incomplete` or `response.failed`: a body that
 * ends before any was cut, a `NetworkError`.
 */
export async function* openaiResponses(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
  maxEventSize = DEFAULT_MAX_EVENT_SIZE,
): AsyncGenerator<DecodedEvent, void, undefined> {
  const tools = options.toolCall === undefined ? undefined : new ToolCallSelector(options.toolCall);
  const plain = new TextOrCalls();
  /** The message item whose text is passed on (from its first delta). */
  let textItem: number | undefined;
  /** 1, then one more for each message item whose text replaces the previous one's. */
  let attempt = 1;
  /** Message items whose text is not passed on: commentary, and items the text moved on from. */
  const skipped = new Set<unknown>();
  const streamed = new Set<unknown>();
  let refusal = '';
  for await (const event of events) {
    const n = event.number;
    const e = eventPayload<ResponsesEvent>(event);
    const type = e?.type ?? event.event;
    switch (type) {
      case 'response.output_item.added': {
        const item = e?.item;
        if (tools) {
          if (item?.type === 'function_call') tools.announce(e?.output_index, item.name);
        } else if (item?.type === 'function_call') plain.called(item.name);
        else if (item?.type === 'message' && item.phase === 'commentary') skipped.add(e?.output_index);
        break;
      }
      case 'response.output_text.delta': {
        const delta = stringField(e?.delta, n, 'delta');
        if (tools || !delta) break;
        const item = e?.output_index;
        if (item !== textItem) {
          if (skipped.has(item)) break;
          if (textItem !== undefined) {
            skipped.add(textItem);
            yield { type: 'reset', attempt: ++attempt };
          }
          textItem = item;
        }
        plain.wrote = true;
        yield text(delta);
        break;
      }
      case 'response.function_call_arguments.delta': {
        const delta = stringField(e?.delta, n, 'delta');
        if (tools?.is(e?.output_index) && delta) {
          streamed.add(e?.output_index);
          yield text(delta);
        }
        break;
      }
      case 'response.function_call_arguments.done': {
        const args = stringField(e?.arguments, n, 'arguments');
        if (tools?.is(e?.output_index) && !streamed.has(e?.output_index) && args) {
          streamed.add(e?.output_index);
          yield text(args);
        }
        break;
      }
      case 'response.refusal.delta':
        refusal += stringField(e?.delta, n, 'delta') ?? '';
        if (refusal.length > maxEventSize) throw heldTooLong('The refusal', maxEventSize, n, refusal);
        break;
      case 'error':
        throw openaiError(e ?? event.data);
      case 'response.failed': {
        const err = e?.response?.error;
        throw new ProviderError(
          errorText(err?.code) ?? 'response_failed',
          errorText(err?.message) ?? 'The response failed',
          e,
        );
      }
      case 'response.incomplete': {
        const reason = e?.response?.incomplete_details?.reason ?? 'unknown';
        // A moderation stop, as `finish_reason: "content_filter"` is for Chat Completions: no higher
        // token limit would help.
        if (reason === CONTENT_FILTER)
          throw new RefusalError(refusal || 'The response was stopped by the content filter');
        throw new TruncatedError(
          reason === 'max_output_tokens' ? 'max_tokens' : 'incomplete',
          `The response is incomplete (${reason})`,
        );
      }
      case 'response.completed':
        if (refusal) throw new RefusalError(refusal);
        tools?.assertFound();
        plain.assertText();
        return;
    }
  }
  throw endedEarly('`response.completed`');
}
