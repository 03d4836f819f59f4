import { DecodeError } from '../errors.ts';
import { providerDialect, providersLoaded, wholeResponse } from './formats.ts';
import type { Peekable } from './peekable.ts';
import { jsonData, type SSEMessage } from './sse.ts';

/** A format detected from the body: partialkit's protocol, a provider dialect, or plain JSON text. */
export type Detected =
  | 'text'
  | 'partialkit'
  | 'ai-sdk'
  | 'sse-data'
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini'
  | 'gemini-array'
  /** A provider's stream, with no provider format loaded to tell which. */
  | 'provider';

/** The response header of AI SDK's UI message stream (`toUIMessageStreamResponse()`). */
export const AI_SDK_HEADER = 'x-vercel-ai-ui-message-stream';

/**
 * First keys by which a JSON array is Gemini's stream. Not `error`: a 200 stream starts with a chunk, and
 * an app's own list of objects may well begin with an `error` field.
 */
const GEMINI_KEYS = new Set(['candidates', 'usageMetadata', 'promptFeedback', 'modelVersion']);
const SSE_FIELDS = ['data:', 'event:', 'id:', 'retry:'];
/** Fields by which a JSON event tells it comes from a provider, not from a hand-rolled server. */
const PROVIDER_FIELDS = ['choices', 'candidates', 'promptFeedback', 'type', 'error', 'object'];
/**
 * The `type`s of AI SDK's UI message parts that tell its stream (when the header is gone): a stream opens
 * with `start` or `start-step` unless its route writes a part first (sources, metadata); text, reasoning,
 * tool, source and `data-*` parts tell it mid-stream too (and `error` with `errorText`). Not the generic
 * names (`file`, `custom`, `abort`, `finish`): an app's own JSON may carry them. Here, not in the ai-sdk
 * entry: without that entry loaded, the error must name it, not the providers entry.
 */
const AI_SDK_PART =
  /^(start(-step)?|(finish|reset)-step|(text|reasoning)-(start|delta|end)|reasoning-file|tool-(input-(start|delta|available|error)|output-(available|error|denied)|approval-(request|response))|source-(url|document)|message-metadata|steering-message|data-.+)$/;

/**
 * Tells the dialect of an SSE event. Core knows partialkit's protocol, AI SDK's UI message parts and
 * raw JSON data lines; the provider dialects register a detector with the providers entry. Undefined:
 * the event does not tell.
 */
function dialectOf(event: SSEMessage): Detected | undefined {
  const provider = providerDialect(event);
  if (provider) return provider;
  const data = jsonData(event) as Record<string, unknown> | string | undefined;
  const name = event.event;
  if (typeof data === 'string' || name === 'reset' || name === 'done' || name === 'error')
    return 'partialkit';
  if (typeof data !== 'object' || data === null) return event.data.trim() ? 'sse-data' : undefined;
  const type = data.type;
  if (
    typeof type === 'string' &&
    (name ?? type) === type &&
    (AI_SDK_PART.test(type) || (type === 'error' && 'errorText' in data))
  )
    return 'ai-sdk';
  // Without the readers, provider-like fields ask for them; with them loaded, an event none of them
  // claims is the app's own JSON (a `type` or `object` key is common in it).
  return !providersLoaded() && PROVIDER_FIELDS.some((f) => f in data) ? 'provider' : 'sse-data';
}

/**
 * Looks at the first events of an SSE stream (up to 50) to tell its dialect; `told.event` is set to
 * the event that told it.
 */
export async function detectSSE(
  events: Peekable<SSEMessage>,
  told: { event?: SSEMessage } = {},
): Promise<Detected> {
  let named = false;
  for (let i = 0; i < 50; i++) {
    const event = await events.pull();
    if (!event) break;
    // A heartbeat tells nothing: Anthropic's comes after its `message_start`, a proxy's or an SSE
    // library's (`event: ping`, a date as its data) before anything.
    if (event.event === 'ping') continue;
    const dialect = dialectOf(event);
    // A first event of a type nobody claims, with a JSON object (a later protocol version's metadata,
    // which partialkit's reader skips): the next event tells, unless it is one too (then JSON data).
    if (dialect === 'sse-data' && !named && event.event !== undefined && event.event !== 'message') {
      named = true;
      continue;
    }
    if (dialect) {
      told.event = event;
      return dialect;
    }
  }
  return named ? 'sse-data' : 'partialkit';
}

/**
 * Looks at the content type and the first characters of the body: SSE, a Gemini JSON array, or JSON
 * text. A declared `text/event-stream` or `text/plain` is taken at its word; other types are sniffed.
 */
export async function detectBody(
  body: Peekable<string>,
  contentType: string,
): Promise<'sse' | 'gemini-array' | 'text'> {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'text/event-stream') return 'sse';
  if (media === 'text/plain') return 'text';
  const html = media === 'text/html' || media === 'application/xhtml+xml';
  let head = '';
  while (head.length < 4096) {
    const chunk = await body.pull();
    if (chunk === undefined) break;
    head += chunk;
    const trimmed = head.trimStart();
    if (!trimmed) continue;
    // A page, most often a dev server's or a proxy's fallback for a route it does not know: JSON in its
    // scripts would pass for the answer. (Express types a string it sends as HTML: JSON or text there is
    // sniffed as any other type is.)
    if (html && trimmed.startsWith('<')) throw await notAnAnswer(body, head, media);
    // A provider's answer asked for without streaming: its envelope would pass for the answer's JSON.
    const whole = wholeResponse(trimmed);
    if (whole) throw new DecodeError(whole, 0, trimmed.slice(0, 120));
    if (/^(data|event|id|retry)?:/.test(trimmed)) return 'sse';
    const key = /^\[\s*\{\s*"(\w+)"/.exec(trimmed);
    if (key) return GEMINI_KEYS.has(key[1]!) ? 'gemini-array' : 'text';
    const undecided = /^\[\s*(\{\s*("\w*)?)?$/.test(trimmed) || SSE_FIELDS.some((f) => f.startsWith(trimmed));
    if (!undecided) return 'text';
  }
  return 'text';
}

/** The error of an HTML page, quoting its start (read on to 120 characters if it has them). */
async function notAnAnswer(body: Peekable<string>, head: string, media: string): Promise<DecodeError> {
  let text = head;
  while (text.trim().length < 120) {
    const chunk = await body.pull();
    if (chunk === undefined) break;
    text += chunk;
  }
  const start = text.trim().slice(0, 120);
  return new DecodeError(
    `The response is an HTML page (${media}), not a model's answer: is the URL the API route? It begins ${JSON.stringify(start)}`,
    0,
    start,
  );
}
