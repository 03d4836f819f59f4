import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { providerData, type SSEMessage } from '../decode/sse.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { createPartialParser } from '../parser/create-partial-parser.ts';
import { listField, objectField, stringField } from './fields.ts';
import { ToolCallSelector, text } from './tool-calls.ts';

// What the provider claims; the lists and text fields are checked as they are read.
interface GeminiChunk {
  candidates?: unknown;
  promptFeedback?: { blockReason?: string };
  error?: { code?: number; message?: string; status?: string };
}

interface Candidate {
  index?: number;
  content?: { parts?: unknown } | null;
  finishReason?: string;
}

interface Part {
  text?: unknown;
  thought?: boolean;
  functionCall?: { name?: string; args?: unknown };
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

  /** Reads one chunk, event number `n` of the stream (SSE event or array element). */
  *read(data: unknown, n: number): Generator<DecodedEvent> {
    const chunk = objectField<GeminiChunk>(data, n, 'the chunk');
    if (!chunk) return;
    if (chunk.error) {
      const e = chunk.error;
      throw new ProviderError(e.status ?? String(e.code ?? 'error'), e.message ?? 'Gemini error', chunk);
    }
    if (chunk.promptFeedback?.blockReason)
      throw new RefusalError(`Prompt blocked (${chunk.promptFeedback.blockReason})`);
    const candidates = listField(chunk.candidates, n, 'candidates') as ReadonlyArray<Candidate | null>;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      if ((c?.index ?? 0) !== this.choice) continue;
      const field = `candidates[${i}].content.parts`;
      const parts = listField(c?.content?.parts, n, field) as ReadonlyArray<Part | null>;
      for (let j = 0; j < parts.length; j++) {
        const part = parts[j];
        if (this.tools) {
          const call = part?.functionCall;
          // Gemini sends a function call whole, never in pieces.
          if (call && this.tools.announce(call, call.name)) yield text(JSON.stringify(call.args ?? {}));
        } else if (!part?.thought) {
          const t = stringField(part?.text, n, `${field}[${j}].text`);
          if (t) yield text(t);
        }
      }
      if (c?.finishReason === 'MAX_TOKENS') {
        throw new TruncatedError(
          'max_tokens',
          'The response hit its token limit (finishReason "MAX_TOKENS")',
        );
      }
      if (c?.finishReason && BLOCKED.has(c.finishReason))
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
  for await (const event of events) yield* reader.read(providerData(event), event.number);
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
    for (; done < items.length && parser.isCompleteAt([done]); done++)
      yield* reader.read(items[done], done + 1);
  }
  // Detection saw the body open with `[{`, so a complete body is an array.
  const items = parser.end() as unknown[];
  for (; done < items.length; done++) yield* reader.read(items[done], done + 1);
}
