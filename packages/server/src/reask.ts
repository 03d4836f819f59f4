import {
  type DecodeOptions,
  InvalidOptionError,
  ParseStage,
  type PartialIssue,
  PartialJSONError,
  type ProtocolEvent,
  type StandardSchemaV1,
  TruncatedError,
  ValidationError,
} from '@partialkit/core';
import { eventsOf, type PartialSource } from './response.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ReaskOptions<S extends StandardSchemaV1> {
  schema: S;
  /** How to read each attempt's stream (format, tool call…); `extractJson` is always on. */
  decode?: Omit<DecodeOptions, 'signal' | 'extractJson'> | undefined;
  messages: readonly ChatMessage[];
  /** Calls the model with the conversation so far; returns its stream (a `Response`, SDK stream or text). */
  call: (
    messages: ChatMessage[],
    context: { signal: AbortSignal; attempt: number },
  ) => PartialSource | Promise<PartialSource>;
  /**
   * Further attempts after the first (default 2: at most 3 model calls), a whole number or `Infinity`.
   * Instructor's `max_retries=N` counts every attempt: it is `maxRetries: N - 1` here.
   */
  maxRetries?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Maximum nesting depth of each answer's JSON (default 1000); an invalid value throws `InvalidOptionError` before the model is called. */
  maxDepth?: number | undefined;
  /**
   * Maximum length of each answer's JSON in UTF-16 code units (default unbounded): a longer answer fails
   * its attempt with a `PartialJSONError` at the bound, re-asked like invalid JSON. It bounds the
   * answer's text sent back with a re-ask too: at most this plus 64 Ki characters (prose included).
   */
  maxLength?: number | undefined;
  /** Builds the message that asks for a correction (default: the issues, one per line). */
  feedback?:
    | ((failure: { issues: readonly PartialIssue[]; error: Error; text: string }) => string)
    | undefined;
}

/** How much of an answer is read after its JSON broke, for the assistant turn of the re-ask (characters). */
const MAX_TAIL = 64 * 1024;

function defaultFeedback({ issues, error }: { issues: readonly PartialIssue[]; error: Error }): string {
  const lines = issues.length
    ? issues.map((i) => `- ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    : [`- ${error.message}`];
  return `Your previous answer was not valid:\n${lines.join('\n')}\nReply again with the corrected JSON only.`;
}

/**
 * Instructor's re-asking (`max_retries`) as a stream: streams an attempt; if the finished JSON does not
 * validate (or is not JSON), appends the model's answer and the validation errors to the conversation,
 * emits a `reset` event (the client clears its partial and shows the attempt number) and streams the
 * next attempt. Text that would make the JSON invalid is never forwarded. Pass the result to
 * `toPartialResponse`. Its `return()` aborts the model call at once (the client went away), rather than
 * when the next event of the attempt comes.
 */
export function reask<S extends StandardSchemaV1>(
  options: ReaskOptions<S>,
): AsyncGenerator<ProtocolEvent, void, undefined> {
  const { maxRetries } = options;
  // `Number(process.env.X)` of an unset variable is NaN, which no attempt number would ever exceed.
  if (
    maxRetries !== undefined &&
    !(Number.isSafeInteger(maxRetries) && maxRetries >= 0) &&
    maxRetries !== Infinity
  )
    throw new InvalidOptionError('maxRetries', maxRetries, 'a whole number >= 0, or Infinity');
  const controller = new AbortController();
  const inner = attempts(options, controller);
  const generator: AsyncGenerator<ProtocolEvent, void, undefined> = {
    next: () => inner.next(),
    return: (value) => {
      controller.abort();
      return inner.return(value);
    },
    throw: (error) => {
      controller.abort();
      return inner.throw(error);
    },
    [Symbol.asyncIterator]: () => generator,
  };
  return generator;
}

async function* attempts<S extends StandardSchemaV1>(
  options: ReaskOptions<S>,
  controller: AbortController,
): AsyncGenerator<ProtocolEvent, void, undefined> {
  const {
    schema,
    call,
    maxRetries = 2,
    signal,
    feedback = defaultFeedback,
    messages: initial,
    decode,
    maxDepth,
    maxLength,
  } = options;
  const messages = [...initial];
  // The answer's text kept for the assistant turn of a re-ask: prose is not JSON, so maxLength alone
  // would let an endless preamble pile up in memory and be sent back whole.
  const kept = (maxLength ?? Number.POSITIVE_INFINITY) + MAX_TAIL;
  const keep = (text: string, more: string) => {
    if (text.length >= kept) return text;
    if (text.length + more.length <= kept) return text + more;
    let end = kept - text.length;
    const last = more.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--; // never half a surrogate pair
    return text + more.slice(0, end);
  };
  const abort = () => controller.abort(signal?.reason);
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort, { once: true });
  // The attempt number the client sees: one count for the re-asks and for the resets inside an attempt's
  // stream (an AI SDK run's next step), so that it only grows.
  let shown = 1;
  try {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) yield { type: 'reset', attempt: ++shown };
      const stage = new ParseStage({ schema, maxDepth, maxLength, extract: true });
      const source = await call([...messages], { signal: controller.signal, attempt });
      let text = '';
      let failure: Error | undefined;
      let tail = 0;
      try {
        for await (const event of eventsOf(source, { ...decode, extractJson: false }, controller.signal)) {
          if (failure) {
            // The JSON broke: nothing more goes to the client, but the model's whole answer goes back to
            // it with the feedback (bounded), not the text up to the delta where it broke. A next step
            // (a reset) is no longer that answer.
            if (event.type !== 'text') break;
            text = keep(text, event.text);
            tail += event.text.length;
            if (tail > MAX_TAIL) break;
            continue;
          }
          // A reset inside one attempt's stream (an upstream that re-asks itself) starts its text anew.
          if (event.type === 'text') text = keep(text, event.text);
          else text = '';
          const before = stage.parser.position;
          try {
            stage.apply(event);
          } catch (error) {
            failure = error as Error;
            // What of the delta the parser took before it broke goes to the client too, so that it ends
            // with the same last good partial as the parser (a provider's delta may hold a whole answer).
            const valid = error === stage.parser.error ? (error as PartialJSONError).position - before : 0;
            if (event.type === 'text' && valid > 0) yield { type: 'text', text: stage.taken.slice(0, valid) };
            // The last attempt is not asked again, nor an exception of the app's own (a refinement that
            // threw): nothing to read the rest of the answer for.
            if (attempt > maxRetries || failure.cause !== undefined) break;
            continue;
          }
          // Only the JSON goes to the client (the stage extracts it, by the schema), without the
          // upstream's ids: the client's ids are those of this response.
          if (event.type === 'reset') yield { type: 'reset', attempt: ++shown };
          else if (stage.taken) yield { type: 'text', text: stage.taken };
        }
      } catch (error) {
        // The upstream failed while the rest of a broken answer was read: the re-ask goes on with the
        // JSON's failure, the one the client was going to hear of.
        if (!failure) throw error;
      }
      if (!failure) {
        try {
          await stage.finish();
          return;
        } catch (error) {
          const retryable =
            error instanceof ValidationError ||
            error instanceof PartialJSONError ||
            error instanceof TruncatedError;
          if (!retryable) throw error;
          failure = error as Error;
        }
      }
      // Aborted (the signal, or the consumer's return): the failure is the abort's, not the model's to fix.
      if (controller.signal.aborted) throw controller.signal.reason;
      // An exception of the app's own (a refinement that threw) is no answer of the model's to correct.
      if (attempt > maxRetries || (failure instanceof PartialJSONError && failure.cause !== undefined))
        throw failure;
      const issues = failure instanceof ValidationError ? failure.issues : [];
      messages.push(
        { role: 'assistant', content: text },
        { role: 'user', content: feedback({ issues, error: failure, text }) },
      );
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
