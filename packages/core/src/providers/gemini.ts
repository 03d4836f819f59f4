import { endedEarly } from '../decode/ended-early.ts';
import { errorText, listField, objectField, stringField } from '../decode/event-fields.ts';
import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { DEFAULT_MAX_EVENT_SIZE, providerData, type SSEMessage, snippetOf } from '../decode/sse.ts';
import { DecodeError, PartialJSONError, ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { createPartialParser, type PartialParser } from '../parser/create-partial-parser.ts';
import { ListScanner } from '../pipeline/list-scanner.ts';
import { missingChoice } from './choice-missing.ts';
import { openaiError } from './openai-chat.ts';
import { TextOrCalls, ToolCallSelector, text } from './tool-calls.ts';

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
  finishMessage?: unknown;
}

interface Part {
  text?: unknown;
  thought?: boolean;
  functionCall?: { name?: string; args?: unknown };
}

/** Finish reasons of a response stopped for its content: a refusal. */
const BLOCKED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'LANGUAGE',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
]);

/** Turns Gemini `GenerateContentResponse` chunks into text (thought summaries skipped) or a function call's args. */
export class GeminiReader {
  private readonly tools: ToolCallSelector | undefined;
  private readonly plain = new TextOrCalls();
  private readonly choice: number;
  /** The candidate read had its `finishReason`: the stream ended as it should. */
  finished = false;
  /** The chosen candidate came; the indexes of the others that did (for `missingChoice`). */
  private chosen = false;
  private readonly others: number[] = [];

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
      throw new ProviderError(
        errorText(e.status) ?? errorText(e.code) ?? 'error',
        errorText(e.message) ?? 'Gemini error',
        chunk,
      );
    }
    if (chunk.promptFeedback?.blockReason)
      throw new RefusalError(`Prompt blocked (${chunk.promptFeedback.blockReason})`);
    const candidates = listField(chunk.candidates, n, 'candidates') as ReadonlyArray<Candidate | null>;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      const index = c?.index ?? 0;
      if (index !== this.choice) {
        if (!this.others.includes(index)) this.others.push(index);
        continue;
      }
      this.chosen = true;
      const field = `candidates[${i}].content.parts`;
      const parts = listField(c?.content?.parts, n, field) as ReadonlyArray<Part | null>;
      for (let j = 0; j < parts.length; j++) {
        const part = parts[j];
        if (this.tools) {
          const call = part?.functionCall;
          // Gemini sends a function call whole, never in pieces.
          if (call && this.tools.announce(call, call.name)) yield text(JSON.stringify(call.args ?? {}));
        } else if (part?.functionCall) this.plain.called(part.functionCall.name);
        else if (!part?.thought) {
          const t = stringField(part?.text, n, `${field}[${j}].text`);
          if (t) {
            this.plain.wrote = true;
            yield text(t);
          }
        }
      }
      const reason = c?.finishReason;
      if (!reason) continue;
      this.finished = true;
      if (reason === 'MAX_TOKENS') {
        throw new TruncatedError(
          'max_tokens',
          'The response hit its token limit (finishReason "MAX_TOKENS")',
        );
      }
      if (BLOCKED.has(reason)) throw new RefusalError(`Response blocked (${reason})`);
      // Any other reason failed: a function call Gemini could not read or did not allow, a malformed
      // response, a missing thought signature, `OTHER`, or one added since. No higher token limit would
      // help, and the output is no finished answer.
      if (reason !== 'STOP') {
        const message = c.finishMessage;
        throw new ProviderError(
          reason,
          typeof message === 'string' && message ? message : `The response failed (finishReason "${reason}")`,
          chunk,
        );
      }
    }
  }

  /** The stream ended: a `NetworkError` unless the candidate read had its `finishReason`. */
  end(): void {
    if (!this.chosen && this.others.length) throw missingChoice(this.choice, this.others);
    if (!this.finished) throw endedEarly('a `finishReason` of the candidate');
    this.tools?.assertFound();
    this.plain.assertText();
  }
}

/**
 * Gemini `streamGenerateContent?alt=sse`. Its last chunk holds the candidate's `finishReason`: a body
 * that ends without it was cut, a `NetworkError`.
 */
export async function* gemini(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
): AsyncGenerator<DecodedEvent, void, undefined> {
  const reader = new GeminiReader(options);
  for await (const event of events) {
    const data = providerData(event);
    // A gateway's `event: error` in front of Gemini, read as the other readers read it (Google's own
    // `{"error": {…}}` is a chunk's, named by its status).
    if (event.event === 'error' && !(typeof data === 'object' && data !== null && 'error' in data))
      throw openaiError(data ?? event.data);
    yield* reader.read(data, event.number);
  }
  reader.end();
}

/**
 * Gemini `streamGenerateContent` without `alt=sse`: one JSON array written element by element. A
 * {@link ListScanner} finds the elements and each one's text goes into a parser of its own, so each
 * element is handled as soon as it closes and only the open one is held (at most `maxEventSize`
 * characters, as an SSE event: a larger one is a {@link DecodeError}). A body that is not a JSON array
 * (an HTML error page from a proxy, garbage between elements) is a {@link DecodeError} naming the
 * element, after the elements before it. The last element holds the candidate's `finishReason`: a
 * body that ends without it (inside the array or not) was cut, a `NetworkError`, as in `alt=sse`.
 */
export async function* geminiArray(
  body: AsyncIterable<string>,
  options: AdapterOptions,
  maxEventSize = DEFAULT_MAX_EVENT_SIZE,
): AsyncGenerator<DecodedEvent, void, undefined> {
  const reader = new GeminiReader(options);
  let closed: unknown[] = []; // the elements closed in the chunk being scanned
  let count = 0; // elements begun
  let parser: PartialParser | undefined;
  let start = 0; // where the open element begins in the body
  let size = 0;
  const scanner = new ListScanner(
    {
      begin: (position) => {
        count++;
        parser = createPartialParser();
        start = position;
        size = 0;
      },
      text: (piece) => {
        size += piece.length;
        if (size > maxEventSize)
          throw new DecodeError(
            `Element ${count} of the Gemini JSON array exceeded maxEventSize (${maxEventSize} characters)`,
            count,
            snippetOf(piece),
          );
        parser!.write(piece);
        return undefined;
      },
      end: () => {
        parser!.end();
        closed.push(parser!.value);
        parser = undefined;
      },
    },
    'array',
    false,
  );
  let offset = 0; // of the chunk in the body
  for await (const chunk of body) {
    let failure: unknown;
    try {
      scanner.write(chunk);
    } catch (error) {
      failure = error;
    }
    const batch = closed;
    closed = [];
    // The elements that closed before a fault are read before it is thrown.
    const first = count - batch.length - (parser ? 1 : 0);
    for (let k = 0; k < batch.length; k++) yield* reader.read(batch[k], first + k + 1);
    if (failure instanceof PartialJSONError) {
      // An element's parser counts from the element's start, the scanner from the body's.
      const at = parser ? start + failure.position : failure.position;
      throw notAnArray(
        failure,
        count + (parser ? 0 : 1),
        scanner.done,
        chunk.slice(Math.max(0, at - offset)),
      );
    }
    if (failure !== undefined) throw failure;
    offset += chunk.length;
  }
  try {
    scanner.end();
  } catch (error) {
    // A body that stops inside the array ends before the last chunk's finishReason, as one cut between
    // elements does: `reader.end()` says so.
    if (!(error instanceof TruncatedError)) throw error;
  }
  reader.end();
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
