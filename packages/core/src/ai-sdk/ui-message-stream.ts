import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { jsonData, type SSEMessage } from '../decode/sse.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';

/**
 * Whether a part is one the UI message stream sends (for `detect` when the header is gone): every such
 * stream opens with `start` or `start-step`; text, tool and `data-*` parts, and `error` with
 * `errorText`, tell it apart mid-stream too.
 */
export function isAiSdkPart(type: string, part: object): boolean {
  return (
    /^(start|start-step|text-(start|delta|end)|reasoning-(start|delta|end)|tool-input-(start|delta|available)|finish-step|data-.+)$/.test(
      type,
    ) ||
    (type === 'error' && 'errorText' in part)
  );
}

interface Part {
  type?: unknown;
  delta?: unknown;
  toolCallId?: unknown;
  toolName?: unknown;
  inputTextDelta?: unknown;
  input?: unknown;
  errorText?: unknown;
  finishReason?: unknown;
}

/**
 * AI SDK's UI message stream (format `'ai-sdk'`): SSE whose `data:` is one JSON part, ending with
 * `[DONE]`. The JSON text is the `text-delta` parts (what `streamText({ output: Output.object(…) })`
 * writes), or with `toolCall` (a name, or an index among the tool calls) that tool call's
 * `tool-input-delta` parts, or its whole `tool-input-available` input when it was not streamed.
 * `error` parts throw {@link ProviderError}; `finish` ends the stream (`length` is a
 * {@link TruncatedError}, `content-filter` a {@link RefusalError}). Reasoning, sources, files,
 * metadata and `data-*` parts (the app's own data) are not the object's text and are skipped.
 */
export async function* aiSdk(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
): AsyncGenerator<DecodedEvent> {
  const want = options.toolCall;
  /** Tool call ids in the order they started; the chosen one's id once known. */
  const started: string[] = [];
  let chosen: string | undefined;
  let streamed = false;
  for await (const event of events) {
    if (event.data.trim() === '[DONE]') return;
    const part = jsonData(event) as Part | undefined;
    if (!part || typeof part !== 'object') continue;
    switch (part.type) {
      case 'text-delta':
        if (want === undefined && typeof part.delta === 'string' && part.delta)
          yield { type: 'text', text: part.delta };
        break;
      case 'tool-input-start': {
        if (want === undefined || chosen !== undefined || typeof part.toolCallId !== 'string') break;
        const index = started.push(part.toolCallId) - 1;
        if (want === part.toolName || want === index) chosen = part.toolCallId;
        break;
      }
      case 'tool-input-delta':
        if (chosen !== undefined && part.toolCallId === chosen && typeof part.inputTextDelta === 'string') {
          streamed = true;
          if (part.inputTextDelta) yield { type: 'text', text: part.inputTextDelta };
        }
        break;
      case 'tool-input-available': {
        if (want === undefined || streamed || typeof part.toolCallId !== 'string') break;
        // A provider that does not stream tool inputs sends only this part.
        if (chosen === undefined && !started.includes(part.toolCallId)) {
          const index = started.push(part.toolCallId) - 1;
          if (want === part.toolName || want === index) chosen = part.toolCallId;
        }
        if (part.toolCallId === chosen) {
          streamed = true;
          yield { type: 'text', text: JSON.stringify(part.input) };
        }
        break;
      }
      case 'error':
        throw new ProviderError(
          'error',
          typeof part.errorText === 'string' ? part.errorText : 'The AI SDK stream reported an error',
          part,
        );
      case 'finish':
        if (part.finishReason === 'length')
          throw new TruncatedError('length', 'The model stopped at its output token limit');
        if (part.finishReason === 'content-filter') throw new RefusalError('content filter');
        return;
      case 'abort':
        return; // the server stopped the run; an unfinished JSON text ends as truncated
    }
  }
}
