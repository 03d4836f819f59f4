import { endedEarly } from '../decode/ended-early.ts';
import { errorText, eventPayload, listField, stringField } from '../decode/event-fields.ts';
import type { AdapterOptions, DecodedEvent } from '../decode/events.ts';
import { DEFAULT_MAX_EVENT_SIZE, heldTooLong, type SSEMessage } from '../decode/sse.ts';
import { missingToolCall } from '../decode/tool-call-missing.ts';
import { ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { missingChoice } from './choice-missing.ts';
import { TextOrCalls, text } from './tool-calls.ts';

// What the provider claims; the text fields are checked as they are read.
interface ChatChunk {
  error?: ErrorBody;
  choices?: unknown;
}

interface ChatChoice {
  index?: number;
  delta?: {
    content?: unknown;
    refusal?: unknown;
    tool_calls?: unknown;
    /** The deprecated `functions` API's one call. */
    function_call?: ToolCall['function'];
  } | null;
  finish_reason?: string | null;
}

interface ToolCall {
  index?: number;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown } | null;
}

/** One tool call of the stream. */
interface Call {
  /** Its name, once a delta gave a non-empty one. */
  name: string | undefined;
  /** Whether its arguments are the ones read; undefined while a name target waits for its name. */
  selected: boolean | undefined;
  /** Its arguments so far, while that is undecided. */
  held: string;
  /** Where its arguments' JSON stands (see {@link scanArgs}): open brackets, inside a string, after a backslash. */
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** A bracket of its arguments was seen. */
  opened: boolean;
}

/** The id the one call of the deprecated `functions` API (`delta.function_call`) is known by. */
const LEGACY_CALL = 'function_call';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Follows a call's arguments far enough to tell when their JSON object closed. */
function scanArgs(call: Call, args: string): void {
  for (let i = 0; i < args.length; i++) {
    const c = args.charCodeAt(i);
    if (call.inString) {
      if (call.escaped) call.escaped = false;
      else if (c === BACKSLASH) call.escaped = true;
      else if (c === QUOTE) call.inString = false;
    } else if (c === QUOTE) call.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      call.depth++;
      call.opened = true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) call.depth--;
  }
}

/** Its arguments are a whole JSON object or array already. */
const closed = (call: Call): boolean => call.depth === 0 && !call.inString && call.opened;

/**
 * The tool calls of a stream, told apart as the servers send them: a new `id` opens a new call
 * whatever its `index` (Gemini's OpenAI-compatible endpoint sends no index, each call whole with its own
 * id), an `index` without an id continues the call at that index (OpenAI sends the id on the first
 * delta only), and a delta with neither continues the last call, unless it names another function, or
 * names the same one once the last call's arguments closed (a call's name never changes; Gemini has sent
 * `"id": ""`, some servers repeat the name on every delta). By position a call is chosen as it
 * opens; by name once it has a non-empty one (some servers send `"name": ""` or no name first), its
 * arguments held until then.
 */
class ToolCalls {
  private readonly byIndex = new Map<number, Call>();
  private readonly byId = new Map<string, Call>();
  private last: Call | undefined;
  private count = 0;
  private found = false;
  /** The characters all calls hold until their names come: at most `maxHeld`. */
  private held = 0;
  /** The calls' names, as they came. */
  private readonly names: string[] = [];

  constructor(
    private readonly target: number | string,
    private readonly maxHeld: number,
  ) {}

  /** At the end of a response that finished well: throws when the selected call never came. */
  assertFound(): void {
    const came = typeof this.target === 'number' ? this.count > this.target : this.found;
    if (!came) throw missingToolCall(this.target, this.names);
  }

  /** The text to pass on for one delta of the calls (SSE event `n`): its `args` if its call is the one read. */
  take(delta: ToolCall | null | undefined, args: string | undefined, n: number): string | undefined {
    const raw = delta?.function?.name;
    const name = typeof raw === 'string' && raw ? raw : undefined;
    const call = this.callOf(delta, name);
    // Where its arguments close, for a delta told by nothing but its name (see `callOf`): counted from
    // the call's first delta, which may have had an id.
    if (args) scanArgs(call, args);
    if (call.name === undefined && name !== undefined) {
      call.name = name;
      this.names.push(name);
    }
    if (call.selected !== undefined) return call.selected ? args : undefined;
    if (name === undefined) {
      if (!args) return undefined;
      call.held += args;
      this.held += args.length;
      if (this.held > this.maxHeld)
        throw heldTooLong("Tool calls' arguments before their names", this.maxHeld, n, call.held);
      return undefined;
    }
    const selected = !this.found && name === this.target;
    call.selected = selected;
    this.found ||= selected;
    const held = call.held;
    this.held -= held.length;
    call.held = '';
    return selected ? held + (args ?? '') : undefined;
  }

  private callOf(delta: ToolCall | null | undefined, name: string | undefined): Call {
    const id = delta?.id;
    const index = delta?.index;
    let call: Call | undefined;
    if (typeof id === 'string' && id) {
      call = this.byId.get(id);
      if (!call) {
        call = this.open();
        this.byId.set(id, call);
      }
      if (typeof index === 'number') this.byIndex.set(index, call);
    } else if (typeof index === 'number') {
      call = this.byIndex.get(index);
      if (!call) {
        call = this.open();
        this.byIndex.set(index, call);
      }
    } else {
      // Another name is another call; the same name again is the next call once the last one's
      // arguments closed (Gemini sends two calls of one function whole, each with `"id": ""` and no
      // index), else the same call (servers that repeat the name on every delta).
      call = this.last;
      if (!call || (name !== undefined && call.name !== undefined && (name !== call.name || closed(call))))
        call = this.open();
    }
    this.last = call;
    return call;
  }

  private open(): Call {
    const position = this.count++;
    const selected =
      typeof this.target === 'number' ? position === this.target : this.found ? false : undefined;
    return { name: undefined, selected, held: '', depth: 0, inString: false, escaped: false, opened: false };
  }
}

interface ErrorBody {
  message?: string;
  type?: string;
  code?: string | number | null;
}

/** An OpenAI-style `{ error: { message, type, code } }` as a {@link ProviderError}. */
export function openaiError(body: unknown, fallback = 'error'): ProviderError {
  // The data of an `event: error` that is not JSON is the message itself.
  if (typeof body === 'string') return new ProviderError(fallback, body, body);
  const e = ((body as { error?: ErrorBody })?.error ?? body) as ErrorBody;
  const type = errorText(e?.code) ?? errorText(e?.type) ?? fallback;
  return new ProviderError(type, errorText(e?.message) ?? JSON.stringify(body), body);
}

/**
 * OpenAI Chat Completions chunks (and OpenAI-compatible servers: Groq, OpenRouter, vLLM, LM Studio…):
 * `delta.content` of one choice, or one tool call's `function.arguments` (see {@link ToolCalls}). The
 * stream ends with `[DONE]`, or (an SDK's stream) a `finish_reason` of the choice: a body that ends
 * before either was cut, a `NetworkError`.
 */
export async function* openaiChat(
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
  maxEventSize = DEFAULT_MAX_EVENT_SIZE,
): AsyncGenerator<DecodedEvent, void, undefined> {
  const choice = options.choice ?? 0;
  const tools = options.toolCall === undefined ? undefined : new ToolCalls(options.toolCall, maxEventSize);
  const plain = new TextOrCalls();
  let refusal = '';
  let finished = false;
  /** The chosen choice came; the indexes of the others that did (for `missingChoice`). */
  let chosen = false;
  const others: number[] = [];
  for await (const event of events) {
    if (event.data.trim() === '[DONE]') {
      finished = true;
      break;
    }
    const n = event.number;
    const chunk = eventPayload<ChatChunk>(event);
    if (event.event === 'error' || chunk?.error) throw openaiError(chunk ?? event.data);
    const choices = listField(chunk?.choices, n, 'choices') as ReadonlyArray<ChatChoice | null>;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i];
      const index = c?.index ?? 0;
      if (index !== choice) {
        if (!others.includes(index)) others.push(index);
        continue;
      }
      chosen = true;
      const delta = c?.delta;
      if (tools) {
        const calls = delta?.function_call
          ? [{ id: LEGACY_CALL, function: delta.function_call }]
          : (listField(
              delta?.tool_calls,
              n,
              `choices[${i}].delta.tool_calls`,
            ) as ReadonlyArray<ToolCall | null>);
        for (let j = 0; j < calls.length; j++) {
          const call = calls[j];
          const args = stringField(
            call?.function?.arguments,
            n,
            `choices[${i}].delta.tool_calls[${j}].function.arguments`,
          );
          const taken = tools.take(call, args, n);
          if (taken) yield text(taken);
        }
      } else {
        const content = stringField(delta?.content, n, `choices[${i}].delta.content`);
        if (content) {
          plain.wrote = true;
          yield text(content);
        }
        const legacy = delta?.function_call?.name;
        if (typeof legacy === 'string' && legacy) plain.called(legacy);
        // A call's name comes with its first piece (the one with an id)
        if (Array.isArray(delta?.tool_calls))
          for (const call of delta.tool_calls as ReadonlyArray<ToolCall | null>)
            if (typeof call?.function?.name === 'string' && call.function.name)
              plain.called(call.function.name);
      }
      refusal += stringField(delta?.refusal, n, `choices[${i}].delta.refusal`) ?? '';
      if (refusal.length > maxEventSize) throw heldTooLong('The refusal', maxEventSize, n, refusal);
      if (!c?.finish_reason) continue;
      finished = true;
      if (c.finish_reason === 'length') {
        throw new TruncatedError('length', 'The response hit its token limit (finish_reason "length")');
      }
      if (c.finish_reason === 'content_filter') {
        throw new RefusalError(refusal || 'The response was stopped by the content filter');
      }
      // OpenRouter's finish when the upstream failed mid-answer (its chunk may hold no `error`), vLLM's
      // when the request was aborted on the server: the text so far is no whole answer.
      if (c.finish_reason === 'error') {
        throw new ProviderError('error', 'The response ended with an error (finish_reason "error")', chunk);
      }
      if (c.finish_reason === 'abort') {
        throw new TruncatedError('incomplete', 'The server aborted the response (finish_reason "abort")');
      }
    }
  }
  if (!finished) throw endedEarly('`data: [DONE]` or a finish_reason');
  if (!chosen && others.length) throw missingChoice(choice, others);
  if (refusal) throw new RefusalError(refusal);
  tools?.assertFound();
  plain.assertText();
}
