import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { jsonData, type SSEMessage } from '../decode/sse.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { ToolCallSelector, text } from './tool-calls.ts';

interface AnthropicEvent {
  type?: string;
  index?: number;
  content_block?: { type?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  error?: { type?: string; message?: string };
}

/**
 * Anthropic Messages events: the text of the message's text blocks (`text_delta`), or one `tool_use`
 * block's input (`input_json_delta.partial_json`). `ping` and thinking blocks are skipped.
 */
export async function* anthropic(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
): AsyncGenerator<DecodedEvent> {
  const tools = options.toolCall === undefined ? undefined : new ToolCallSelector(options.toolCall);
  const textBlocks = new Set<number>();
  for await (const event of events) {
    const e = jsonData(event) as AnthropicEvent | undefined;
    const type = e?.type ?? event.event;
    switch (type) {
      case 'content_block_start': {
        const block = e?.content_block;
        if (block?.type === 'tool_use' || block?.type === 'server_tool_use')
          tools?.announce(e?.index, block.name);
        else if (block?.type === 'text') {
          textBlocks.add(e?.index ?? 0);
          if (!tools && block.text) yield text(block.text);
        }
        break;
      }
      case 'content_block_delta': {
        const d = e?.delta;
        if (tools) {
          if (d?.type === 'input_json_delta' && d.partial_json && tools.is(e?.index))
            yield text(d.partial_json);
        } else if (d?.type === 'text_delta' && d.text && textBlocks.has(e?.index ?? 0)) {
          yield text(d.text);
        }
        break;
      }
      case 'message_delta': {
        const reason = e?.delta?.stop_reason;
        if (reason === 'max_tokens') {
          throw new TruncatedError(
            'max_tokens',
            'The response hit its token limit (stop_reason "max_tokens")',
          );
        }
        if (reason === 'refusal')
          throw new RefusalError('The model declined to answer (stop_reason "refusal")');
        break;
      }
      case 'error':
        throw new ProviderError(e?.error?.type ?? 'error', e?.error?.message ?? event.data, e);
      case 'message_stop':
        return;
    }
  }
}
