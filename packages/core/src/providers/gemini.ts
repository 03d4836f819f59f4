import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { jsonData, type SSEMessage } from '../decode/sse.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { createPartialParser } from '../parser/create-partial-parser.ts';
import { ToolCallSelector, text } from './tool-calls.ts';

interface GeminiChunk {
  candidates?: Array<{
    index?: number;
    content?: {
      parts?: Array<{ text?: string; thought?: boolean; functionCall?: { name?: string; args?: unknown } }>;
    };
    finishReason?: string;
  }>;
  promptFeedback?: { blockReason?: string };
  error?: { code?: number; message?: string; status?: string };
}

const BLOCKED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/** Turns Gemini `GenerateContentResponse` chunks into text (thought summaries skipped) or a function call's args. */
export class GeminiReader {
  private readonly tools: ToolCallSelector | undefined;
  private readonly choice: number;

  constructor(options: AdapterOptions) {
    this.choice = options.choice ?? 0;
    this.tools = options.toolCall === undefined ? undefined : new ToolCallSelector(options.toolCall);
  }

  *read(chunk: GeminiChunk | undefined): Generator<DecodedEvent> {
    if (!chunk) return;
    if (chunk.error) {
      const e = chunk.error;
      throw new ProviderError(e.status ?? String(e.code ?? 'error'), e.message ?? 'Gemini error', chunk);
    }
    if (chunk.promptFeedback?.blockReason)
      throw new RefusalError(`Prompt blocked (${chunk.promptFeedback.blockReason})`);
    for (const c of chunk.candidates ?? []) {
      if ((c.index ?? 0) !== this.choice) continue;
      for (const part of c.content?.parts ?? []) {
        if (this.tools) {
          const call = part.functionCall;
          // Gemini sends a function call whole, never in pieces.
          if (call && this.tools.announce(call, call.name)) yield text(JSON.stringify(call.args ?? {}));
        } else if (part.text && !part.thought) {
          yield text(part.text);
        }
      }
      if (c.finishReason === 'MAX_TOKENS') {
        throw new TruncatedError(
          'max_tokens',
          'The response hit its token limit (finishReason "MAX_TOKENS")',
        );
      }
      if (c.finishReason && BLOCKED.has(c.finishReason))
        throw new RefusalError(`Response blocked (${c.finishReason})`);
    }
  }
}

/** Gemini `streamGenerateContent?alt=sse`. */
export async function* gemini(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
): AsyncGenerator<DecodedEvent> {
  const reader = new GeminiReader(options);
  for await (const event of events) yield* reader.read(jsonData(event) as GeminiChunk | undefined);
}

/**
 * Gemini `streamGenerateContent` without `alt=sse`: one JSON array written element by element. Our own
 * incremental parser reads it, so each element is handled as soon as it closes.
 */
export async function* geminiArray(
  body: AsyncIterable<string>,
  options: AdapterOptions,
): AsyncGenerator<DecodedEvent> {
  const reader = new GeminiReader(options);
  const parser = createPartialParser();
  let done = 0;
  for await (const chunk of body) {
    parser.write(chunk);
    const items = parser.value;
    if (!Array.isArray(items)) continue;
    while (done < items.length && parser.isCompleteAt([done]))
      yield* reader.read(items[done++] as GeminiChunk);
  }
  const items = parser.end() as GeminiChunk[];
  while (done < items.length) yield* reader.read(items[done++]);
}
