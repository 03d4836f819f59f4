import type { Detected } from './detect.ts';
import type { AdapterOptions, DecodedEvent } from './events.ts';
import type { Peekable } from './peekable.ts';
import type { SSEMessage } from './sse.ts';

/**
 * Reads the SSE messages of one dialect into decoded events, holding back at most `maxEventSize`
 * characters (a refusal's text, a tool call's arguments before its name).
 */
export type SSEReader = (
  events: AsyncIterable<SSEMessage>,
  options: AdapterOptions,
  maxEventSize: number,
) => AsyncIterable<DecodedEvent>;
/**
 * Reads a body that is not SSE (e.g. Gemini's JSON-array stream) into decoded events, holding at most
 * `maxEventSize` characters of one element.
 */
export type BodyReader = (
  body: AsyncIterable<string>,
  options: AdapterOptions,
  maxEventSize: number,
) => AsyncIterable<DecodedEvent>;

/**
 * The provider dialects known to this process. Core holds none of them, so a browser bundle that reads
 * partialkit's protocol pays nothing for them; `@partialkit/core/providers` and `@partialkit/core/ai-sdk`
 * register theirs when imported.
 */
const sseReaders = new Map<string, SSEReader>();
const bodyReaders = new Map<string, BodyReader>();

const detectors: Array<(event: SSEMessage) => Detected | undefined> = [];
let whole: ((head: string) => string | undefined) | undefined;
let declared: ((format: Detected, events: Peekable<SSEMessage>) => Promise<void>) | undefined;

export function registerFormats(formats: {
  detect?: (event: SSEMessage) => Detected | undefined;
  /** Tells a provider's whole (non-streamed) response by the start of its body: the error's message. */
  whole?: (head: string) => string | undefined;
  /** Refuses a declared format the stream is not of (see `checkDeclared`). */
  declared?: (format: Detected, events: Peekable<SSEMessage>) => Promise<void>;
  sse?: Record<string, SSEReader>;
  body?: Record<string, BodyReader>;
}): void {
  if (formats.detect) detectors.push(formats.detect);
  whole ??= formats.whole;
  declared ??= formats.declared;
  for (const [name, reader] of Object.entries(formats.sse ?? {})) sseReaders.set(name, reader);
  for (const [name, reader] of Object.entries(formats.body ?? {})) bodyReaders.set(name, reader);
}

export const sseReader = (name: string): SSEReader | undefined => sseReaders.get(name);
/** What `format` takes, for the error of a name none has (with the providers loaded). */
export const formatNames = (): string =>
  `one of ${['auto', 'text', 'partialkit', ...new Set(['ai-sdk', ...sseReaders.keys()])].map((n) => `'${n}'`).join(', ')}`;
/**
 * Refuses a declared format that the stream's first telling events are not of (registered with the
 * providers, which tell their dialects): its reader would skip every event.
 */
export const checkDeclared = (format: Detected, events: Peekable<SSEMessage>): Promise<void> | undefined =>
  declared?.(format, events);
export const bodyReader = (name: string): BodyReader | undefined => bodyReaders.get(name);
/** Whether the provider readers are loaded (only they register detectors). */
export const providersLoaded = (): boolean => detectors.length > 0;
/** Why a body that begins with `head` is a provider's whole response, not a stream, if it is one. */
export const wholeResponse = (head: string): string | undefined => whole?.(head);
/** The dialect a registered detector tells from an event, if any. */
export function providerDialect(event: SSEMessage): Detected | undefined {
  for (const detect of detectors) {
    const dialect = detect(event);
    if (dialect) return dialect;
  }
  return undefined;
}
