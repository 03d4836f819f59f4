// The provider readers' field checks and text event (plain modules: importing them registers no reader).
import { endedEarly } from '../decode/ended-early.ts';
import { eventPayload, stringField } from '../decode/event-fields.ts';
import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { DEFAULT_MAX_EVENT_SIZE, type SSEMessage, snippetOf } from '../decode/sse.ts';
import { missingToolCall, unreadToolCalls } from '../decode/tool-call-missing.ts';
import { DecodeError, ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { StepText } from './step-text.ts';
import { TextParts } from './text-parts.ts';

const text = (t: string): DecodedEvent => ({ type: 'text', text: t });

/** The error type of an `abort` part: the one `toPartialResponse` sends for its own aborts. */
const ABORTED = 'aborted';

interface Part {
  type?: unknown;
  id?: unknown;
  delta?: unknown;
  text?: unknown;
  toolCallId?: unknown;
  toolName?: unknown;
  inputTextDelta?: unknown;
  input?: unknown;
  errorText?: unknown;
  finishReason?: unknown;
  reason?: unknown;
}

/**
 * A part of `streamText`'s `fullStream` (its text in `text`, a tool call's id in `id`), not of the UI
 * message stream: read as one, its text would be lost and the run would end well with nothing.
 */
function isFullStreamPart(part: Part): boolean {
  switch (part.type) {
    case 'text-delta':
      return part.delta === undefined && typeof part.text === 'string';
    case 'tool-input-start':
    case 'tool-input-delta':
      return part.toolCallId === undefined && part.id !== undefined;
    case 'tool-call':
    case 'tool-result':
      return true;
    default:
      return false;
  }
}

/**
 * AI SDK's UI message stream (format `'ai-sdk'`): SSE whose `data:` is one JSON part, ending with
 * `[DONE]`. The JSON text is the `text-delta` parts (what `streamText({ output: Output.object(…) })`
 * writes), or with `toolCall` (a name, or an index among the tool calls) that tool call's
 * `tool-input-delta` parts, or its whole `tool-input-available` input when it was not streamed. A named
 * tool call whose input AI SDK refused (`tool-input-error`) is replaced by the model's next call of that
 * tool, after a `reset`.
 * The text is that of the text parts, each whole, in the order they started (see {@link TextParts}):
 * merged streams interleave their parts.
 * A run of several steps (tools with `stopWhen`) writes a text per step, and AI SDK's output is the
 * last step's: a step after one whose text was passed on starts with a `reset`, as a re-ask does; a
 * step's prose before its JSON, and its text from where it stops being JSON, are held back, and passed
 * on if the run ends with that step (see {@link StepText}). A `start-step` that comes while a text part
 * is open and no step has finished since the last one began is another run's, merged into the stream
 * (`writer.merge`): no next step. Merged runs that do not overlap read as steps of one run.
 * A `reset-step` (a retried step) withdraws what the step wrote so far, with a `reset`. A model call
 * retried with `streamRetries` sends none: its failed attempt's text stays in the stream, which AI SDK
 * cannot retract, and is read with the recovered text (no part boundary tells a retry from a value
 * that goes on in a later part, as around a citation).
 * `error` parts throw {@link ProviderError}; a body that ends before `finish` or `[DONE]` was cut on the
 * way, a `NetworkError`, as a provider stream without its final event is; `finish` ends the stream
 * (`length` and `interrupted` are a {@link TruncatedError}, `content-filter` a {@link RefusalError},
 * `error` a {@link ProviderError}; a run that ended well with tool calls and no text, read without
 * `toolCall`, is a `tool_call_unread` {@link ProviderError}); `abort` (the run's
 * `abortSignal`) is a {@link ProviderError} of type `aborted`, never a normal end. Reasoning, sources, files, metadata and
 * `data-*` parts (the app's own data) are not the object's text and are skipped. A part that is not
 * JSON, or a delta that is not a string, is a {@link DecodeError}, as in the provider formats, and so
 * is a part of `streamText`'s `fullStream`, which is not this protocol.
 */
export async function* aiSdk(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
  maxEventSize = DEFAULT_MAX_EVENT_SIZE,
): AsyncGenerator<DecodedEvent, void, undefined> {
  const want = options.toolCall;
  /** Tool call ids in the order they started; the chosen one's id once known. */
  const started: string[] = [];
  /** How many of them began before the current step. */
  let stepCalls = 0;
  /** The tools called by call id, in that order (for the error when the one asked for is not among them). */
  const called = new Map<unknown, string>();
  const call = (part: Part) => {
    if (!called.has(part.toolCallId))
      called.set(part.toolCallId, typeof part.toolName === 'string' ? part.toolName : '');
  };
  /** A `finish` part or `[DONE]` came: the run ended, it was not cut. */
  let ended = false;
  let chosen: string | undefined;
  let streamed = false;
  /** The input passed on was refused by AI SDK (`tool-input-error`): the next call's replaces it. */
  let refused = false;
  /** 1, then one more for each step whose text replaces the previous step's on screen. */
  let attempt = 1;
  let step = new StepText(maxEventSize);
  let parts = new TextParts(maxEventSize);
  /** A `finish-step` came since the last `start-step` (or none came yet). */
  let stepEnded = true;
  /** Text other than white space was passed on since the last reset: the answer on screen has some. */
  let wrote = false;
  const taken = function* (chunks: readonly string[], n: number) {
    for (const chunk of chunks) {
      const out = step.take(chunk, n);
      if (out) {
        if (out.trim()) wrote = true;
        yield text(out);
      }
    }
  };
  /** The step's text shown so far is withdrawn: a next step, or the step retried. */
  const reset = (): DecodedEvent => {
    wrote = false;
    return { type: 'reset', attempt: ++attempt };
  };
  let finish: Part | undefined;
  read: for await (const event of events) {
    if (event.data.trim() === '[DONE]') {
      ended = true;
      break;
    }
    const n = event.number;
    const part = eventPayload<Part>(event);
    if (!part) continue;
    if (isFullStreamPart(part))
      throw new DecodeError(
        `Event ${n}: a part of streamText's fullStream (${String(part.type)}), not of the UI message stream: ` +
          'pass the streamText result itself, its toUIMessageStream() or its textStream',
        n,
        snippetOf(event.data),
      );
    switch (part.type) {
      case 'start-step':
        // A next step, unless it comes while a text part is open and no step finished since the last
        // one began: then it is another run's, merged into this stream (`writer.merge`).
        if (parts.open && !stepEnded) break;
        stepEnded = false;
        yield* taken(parts.flush(), n);
        if (step.shown) yield reset();
        step = new StepText(maxEventSize);
        parts = new TextParts(maxEventSize);
        stepCalls = started.length;
        break;
      case 'reset-step': {
        // The step is retried (a WorkflowAgent's retry): what it wrote so far is withdrawn, its tool
        // calls too, as AI SDK's own reader removes the step's parts.
        const withdrawn = chosen !== undefined && started.indexOf(chosen) >= stepCalls;
        if (step.shown || (withdrawn && streamed)) yield reset();
        step = new StepText(maxEventSize);
        parts = new TextParts(maxEventSize);
        if (withdrawn) {
          chosen = undefined;
          streamed = false;
        }
        started.length = stepCalls;
        break;
      }
      case 'finish-step':
        stepEnded = true;
        break;
      case 'text-start':
        if (want !== undefined) break;
        parts.start(part.id);
        break;
      case 'text-delta': {
        if (want !== undefined) break;
        const delta = stringField(part.delta, n, 'delta');
        if (delta) yield* taken(parts.delta(part.id, delta, n), n);
        break;
      }
      case 'text-end':
        if (want === undefined) yield* taken(parts.end(part.id), n);
        break;
      case 'tool-input-start': {
        if (typeof part.toolCallId !== 'string') break;
        call(part);
        if (want === undefined) break;
        if (chosen !== undefined) break;
        const index = started.push(part.toolCallId) - 1;
        if (want === part.toolName || want === index) chosen = part.toolCallId;
        break;
      }
      case 'tool-input-delta': {
        if (chosen === undefined || part.toolCallId !== chosen) break;
        const delta = stringField(part.inputTextDelta, n, 'inputTextDelta');
        if (delta === undefined) break;
        if (refused && delta) {
          refused = false;
          yield { type: 'reset', attempt: ++attempt };
        }
        streamed = true;
        if (delta) yield text(delta);
        break;
      }
      case 'tool-input-available': {
        if (typeof part.toolCallId !== 'string') break;
        // A provider that does not stream tool inputs sends only this part.
        call(part);
        if (want === undefined || streamed) break;
        if (chosen === undefined && !started.includes(part.toolCallId)) {
          const index = started.push(part.toolCallId) - 1;
          if (want === part.toolName || want === index) chosen = part.toolCallId;
        }
        if (part.toolCallId === chosen) {
          if (refused) {
            refused = false;
            yield { type: 'reset', attempt: ++attempt };
          }
          streamed = true;
          yield text(JSON.stringify(part.input));
        }
        break;
      }
      case 'tool-input-error':
        if (want !== undefined) call(part);
        // AI SDK refused the chosen call's input and gives the model the error: the model may call the
        // tool again in a next step. A named tool follows that call, whose first delta replaces the input
        // shown (after a reset); if none comes, the refused input stays, and fails validation as such.
        if (typeof want !== 'string' || part.toolCallId !== chosen) break;
        refused = streamed;
        chosen = undefined;
        streamed = false;
        break;
      case 'error':
        throw new ProviderError(
          'error',
          typeof part.errorText === 'string' ? part.errorText : 'The AI SDK stream reported an error',
          part,
        );
      case 'abort':
        // The run was stopped (its abortSignal): what came before is not a finished answer.
        throw new ProviderError(
          ABORTED,
          typeof part.reason === 'string' && part.reason ? part.reason : 'The AI SDK run was aborted',
          part,
        );
      case 'finish':
        finish = part;
        ended = true;
        break read;
    }
  }
  // A body cut before `finish` and `[DONE]`: what came is not the whole answer, though its JSON may be
  // (a closed value, JSON Lines cut at a line end). The error is the outcome, as an error part's is.
  if (!ended) throw endedEarly("finish, or '[DONE]'");
  // The run ended with this step: its text is the output, what it held too.
  yield* taken(parts.flush(), 0);
  const held = step.end();
  if (held) {
    if (held.trim()) wrote = true;
    yield text(held);
  }
  const reason = finish?.finishReason;
  if (reason === 'length') throw new TruncatedError('length', 'The model stopped at its output token limit');
  if (reason === 'interrupted')
    throw new TruncatedError(
      'incomplete',
      "The provider's stream ended without its final event (finishReason 'interrupted')",
    );
  if (reason === 'content-filter') throw new RefusalError('content filter');
  if (reason === 'error')
    throw new ProviderError('error', "The model stopped because of an error (finishReason 'error')", finish);
  // `refused`: the refused input was passed on, and stays (it fails validation as such).
  if (want !== undefined && !streamed && !refused) throw missingToolCall(want, [...called.values()]);
  if (want === undefined && !wrote && called.size) throw unreadToolCalls([...called.values()]);
}
