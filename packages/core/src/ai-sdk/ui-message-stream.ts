// The provider readers' field checks and text event (plain modules: importing them registers no reader).
import { endedEarly } from '../decode/ended-early.ts';
import { eventPayload, stringField } from '../decode/event-fields.ts';
import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { DEFAULT_MAX_EVENT_SIZE, type SSEMessage } from '../decode/sse.ts';
import { missingToolCall } from '../decode/tool-call-missing.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { StepText } from './step-text.ts';

const text = (t: string): DecodedEvent => ({ type: 'text', text: t });

/** The error type of an `abort` part: the one `toPartialResponse` sends for its own aborts. */
const ABORTED = 'aborted';

interface Part {
  type?: unknown;
  delta?: unknown;
  toolCallId?: unknown;
  toolName?: unknown;
  inputTextDelta?: unknown;
  input?: unknown;
  errorText?: unknown;
  finishReason?: unknown;
  reason?: unknown;
}

/**
 * AI SDK's UI message stream (format `'ai-sdk'`): SSE whose `data:` is one JSON part, ending with
 * `[DONE]`. The JSON text is the `text-delta` parts (what `streamText({ output: Output.object(…) })`
 * writes), or with `toolCall` (a name, or an index among the tool calls) that tool call's
 * `tool-input-delta` parts, or its whole `tool-input-available` input when it was not streamed. A named
 * tool call whose input AI SDK refused (`tool-input-error`) is replaced by the model's next call of that
 * tool, after a `reset`.
 * A run of several steps (tools with `stopWhen`) writes a text per step, and AI SDK's output is the
 * last step's: a step after one whose JSON was passed on starts with a `reset`, as a re-ask does, and a
 * step's text from where it stops being JSON is held back, and passed on whole if the run ends with that
 * step (see {@link StepText}).
 * `error` parts throw {@link ProviderError}; a body that ends before `finish` or `[DONE]` was cut on the
 * way, a `NetworkError`, as a provider stream without its final event is; `finish` ends the stream
 * (`length` is a {@link TruncatedError}, `content-filter` a {@link RefusalError}); `abort` (the run's
 * `abortSignal`) is a {@link ProviderError} of type `aborted`, never a normal end. Reasoning, sources, files, metadata and
 * `data-*` parts (the app's own data) are not the object's text and are skipped. A part that is not
 * JSON, or a delta that is not a string, is a {@link DecodeError}, as in the provider formats.
 */
export async function* aiSdk(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
  maxEventSize = DEFAULT_MAX_EVENT_SIZE,
): AsyncGenerator<DecodedEvent, void, undefined> {
  const want = options.toolCall;
  /** Tool call ids in the order they started; the chosen one's id once known. */
  const started: string[] = [];
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
  let finish: Part | undefined;
  read: for await (const event of events) {
    if (event.data.trim() === '[DONE]') {
      ended = true;
      break;
    }
    const n = event.number;
    const part = eventPayload<Part>(event);
    if (!part) continue;
    switch (part.type) {
      case 'start-step':
        if (step.shown) yield { type: 'reset', attempt: ++attempt };
        step = new StepText(maxEventSize);
        break;
      case 'text-delta': {
        if (want !== undefined) break;
        const delta = stringField(part.delta, n, 'delta');
        if (delta && step.take(delta, n)) yield text(delta);
        break;
      }
      case 'tool-input-start': {
        if (want === undefined || typeof part.toolCallId !== 'string') break;
        call(part);
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
        if (want === undefined || streamed || typeof part.toolCallId !== 'string') break;
        // A provider that does not stream tool inputs sends only this part.
        call(part);
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
  // The run ended with this step: its text is the output, the rest of it too if its JSON broke.
  const held = step.end();
  if (held) yield text(held);
  if (finish?.finishReason === 'length')
    throw new TruncatedError('length', 'The model stopped at its output token limit');
  if (finish?.finishReason === 'content-filter') throw new RefusalError('content filter');
  // `refused`: the refused input was passed on, and stays (it fails validation as such).
  if (want !== undefined && !streamed && !refused) throw missingToolCall(want, [...called.values()]);
}
