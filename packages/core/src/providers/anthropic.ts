import { endedEarly } from '../decode/ended-early.ts';
import { eventPayload, objectField, stringField } from '../decode/event-fields.ts';
import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import type { SSEMessage } from '../decode/sse.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { TextOrCalls, ToolCallSelector, text } from './tool-calls.ts';

// What the provider claims; the text fields are checked as they are read.
interface AnthropicEvent {
  type?: string;
  index?: number;
  content_block?: unknown;
  delta?: unknown;
  error?: { type?: string; message?: string };
}

interface Block {
  type?: string;
  name?: string;
  text?: unknown;
  input?: unknown;
}

interface Delta {
  type?: string;
  text?: unknown;
  partial_json?: unknown;
  stop_reason?: string | null;
  /** With `stop_reason: "refusal"`: why (`RefusalStopDetails`). */
  stop_details?: { category?: unknown; explanation?: unknown } | null;
}

/**
 * Anthropic Messages events: the text of the message's text blocks (`text_delta`), or one `tool_use`
 * block's input (`input_json_delta.partial_json`). `ping` and thinking blocks are skipped. The stream
 * ends with `message_stop`, after the `message_delta` that holds the `stop_reason`: a body that ends
 * before either was cut, a `NetworkError`.
 */
export async function* anthropic(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
): AsyncGenerator<DecodedEvent, void, undefined> {
  const tools = options.toolCall === undefined ? undefined : new ToolCallSelector(options.toolCall);
  const plain = new TextOrCalls();
  const textBlocks = new Set<number>();
  let finished = false;
  /** The selected tool call's `input` as its block announced it, until its first delta passes text on. */
  let announced: { input: unknown } | undefined;
  for await (const event of events) {
    const n = event.number;
    const e = eventPayload<AnthropicEvent>(event);
    const type = e?.type ?? event.event;
    switch (type) {
      case 'content_block_start': {
        const block = objectField<Block>(e?.content_block, n, 'content_block');
        // Not `server_tool_use` (web search, code execution): Anthropic runs those, and the app reads its own.
        if (block?.type === 'tool_use') {
          if (!tools) plain.called(block.name);
          else if (tools.announce(e?.index, block.name)) announced = { input: block.input };
        } else if (block?.type === 'text') {
          textBlocks.add(e?.index ?? 0);
          const t = stringField(block.text, n, 'content_block.text');
          if (!tools && t) {
            plain.wrote = true;
            yield text(t);
          }
        }
        break;
      }
      case 'content_block_delta': {
        const d = objectField<Delta>(e?.delta, n, 'delta');
        if (tools) {
          if (d?.type === 'input_json_delta' && tools.is(e?.index)) {
            const json = stringField(d.partial_json, n, 'delta.partial_json');
            if (json) {
              announced = undefined;
              yield text(json);
            }
          }
        } else if (d?.type === 'text_delta' && textBlocks.has(e?.index ?? 0)) {
          const t = stringField(d.text, n, 'delta.text');
          if (t) {
            plain.wrote = true;
            yield text(t);
          }
        }
        break;
      }
      case 'content_block_stop':
        // A call with no arguments streams none (`partial_json: ""`): its input is the announced `{}`.
        if (announced && tools?.is(e?.index)) {
          yield text(JSON.stringify(announced.input ?? {}));
          announced = undefined;
        }
        break;
      case 'message_delta': {
        const d = objectField<Delta>(e?.delta, n, 'delta');
        const reason = d?.stop_reason;
        if (!reason) break;
        finished = true;
        if (reason === 'max_tokens') {
          throw new TruncatedError(
            'max_tokens',
            'The response hit its token limit (stop_reason "max_tokens")',
          );
        }
        // The output ran into the end of the context window: a token limit too, one of the model's.
        if (reason === 'model_context_window_exceeded') {
          throw new TruncatedError(
            'max_tokens',
            'The response filled the model\'s context window (stop_reason "model_context_window_exceeded")',
          );
        }
        if (reason === 'pause_turn') {
          throw new TruncatedError(
            'incomplete',
            'The model paused its turn (stop_reason "pause_turn"): send the response back as it is to let it continue',
          );
        }
        if (reason === 'refusal') throw new RefusalError(refusalOf(d.stop_details));
        break;
      }
      case 'error': {
        const error = e?.error;
        throw new ProviderError(
          typeof error?.type === 'string' ? error.type : 'error',
          typeof error?.message === 'string' ? error.message : event.data,
          e ?? event.data,
        );
      }
      case 'message_stop':
        tools?.assertFound();
        plain.assertText();
        return;
    }
  }
  if (!finished) throw endedEarly('`message_stop`');
  tools?.assertFound();
  plain.assertText();
}

/** The text of a refusal: the `stop_details` explanation and category, when the API gives them. */
function refusalOf(details: Delta['stop_details']): string {
  const category = typeof details?.category === 'string' ? `, category "${details.category}"` : '';
  const explanation = typeof details?.explanation === 'string' && details.explanation;
  const declined = `The model declined to answer (stop_reason "refusal"${category})`;
  return explanation ? `${declined}: ${explanation}` : declined;
}
