import { listField, objectField, stringField } from '../decode/event-fields.ts';
import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { providerData, type SSEMessage, snippetOf } from '../decode/sse.ts';
import { DecodeError, PartialJSONError, ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { createPartialParser } from '../parser/create-partial-parser.ts';
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
 * incremental parser reads it, so each element is handled as soon as it closes. A body that is not a
 * JSON array (an HTML error page from a proxy, garbage between elements) is a {@link DecodeError} naming
 * the element, after the elements before it; one that stops inside the array is left to the parse
 * stage, as a last SSE event the stream cut off is.
 */
export async function* geminiArray(
  body: AsyncIterable<string>,
  options: AdapterOptions,
): AsyncGenerator<DecodedEvent> {
  const reader = new GeminiReader(options);
  const parser = createPartialParser();
  let done = 0;
  let offset = 0; // of the chunk in the body
  for await (const chunk of body) {
    const failure = parseError(() => parser.write(chunk));
    // After a failure the parser keeps its last good value: the elements that closed before the fault.
    const items = parser.value;
    if (Array.isArray(items)) {
      for (; done < items.length && parser.isCompleteAt([done]); done++)
        yield* reader.read(items[done], done + 1);
    }
    if (failure) {
      const closed = Array.isArray(items) && parser.isComplete(items);
      throw notAnArray(failure, done + 1, closed, chunk.slice(Math.max(0, failure.position - offset)));
    }
    offset += chunk.length;
  }
  const failure = parseError(() => parser.end());
  if (failure?.incomplete) return;
  if (failure) throw notAnArray(failure, done + 1, false, '');
  // Detection saw the body open with `[{`, so a complete body is an array.
  const items = parser.value as unknown[];
  for (; done < items.length; done++) yield* reader.read(items[done], done + 1);
}

/** Runs a parser call; the {@link PartialJSONError} it throws is returned, anything else is rethrown. */
function parseError(call: () => unknown): PartialJSONError | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    if (error instanceof PartialJSONError) return error;
    throw error;
  }
}

/**
 * The {@link DecodeError} of a body that stopped being a JSON array: in element `element`, or after the
 * array `closed`; `rest` is the body from the fault.
 */
function notAnArray(error: PartialJSONError, element: number, closed: boolean, rest: string): DecodeError {
  const snippet = snippetOf(rest);
  const where = closed ? 'After the Gemini JSON array' : `Element ${element} of the Gemini JSON array`;
  return new DecodeError(
    `${where}, the body is not valid JSON (${error.message}): ${JSON.stringify(snippet)}`,
    element,
    snippet,
    { cause: error },
  );
}
