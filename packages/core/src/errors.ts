import { createParser } from 'eventsource-parser';
/** Base class of every error partialkit throws, so callers can catch them all with one `instanceof`. */
export class PartialKitError extends Error {
  override name = 'PartialKitError';
}

/** An option has a value that cannot mean what was intended (`maxLength: NaN`, `maxDepth: -1`). */
export class InvalidOptionError extends PartialKitError {
  override name = 'InvalidOptionError';
  constructor(
    /** The option's name, e.g. `maxLength`. */
    readonly option: string,
    readonly value: unknown,
    /** What the option accepts. */
    expected: string,
  ) {
    super(`Invalid option ${option}: expected ${expected}, got ${describeValue(value)}`);
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  return typeof value;
}

/**
 * The text is not valid JSON, exceeds a configured bound, or could not be taken (a string past the
 * engine's length limit, a schema refinement that threw: the original error is `cause`). `position` is
 * the offset in the whole stream.
 */
export class PartialJSONError extends PartialKitError {
  override name = 'PartialJSONError';
  readonly position: number;
  /** True when the text was valid so far but ended before the JSON was complete. */
  readonly incomplete: boolean;
  constructor(message: string, position: number, incomplete = false, options?: ErrorOptions) {
    super(message, options);
    this.position = position;
    this.incomplete = incomplete;
  }
}

/**
 * The errors that are a character JSON's grammar does not allow where it stands (internal): JSON Lines
 * with extraction read an element that fails so as prose, not as the end of the stream. A mark, not a subclass, so that
 * a user meets (and logs) the class they can import.
 */
export const syntaxErrors = new WeakSet<PartialJSONError>();

/** A validator's issue path as a JSON path: a symbol (which no JSON key is) becomes its description. */
export const jsonPath = (path: readonly PropertyKey[]): Array<string | number> =>
  path.map((seg) => (typeof seg === 'symbol' ? String(seg) : seg));

/**
 * An exception of the schema (a refinement that throws) while a closed subtree was validated (internal):
 * the parser's error names the subtree's path, and has the schema's own exception as its `cause`.
 */
export class SchemaThrew extends Error {
  constructor(
    path: readonly (string | number)[],
    override readonly cause: unknown,
  ) {
    super(`the schema threw validating ${path.length ? path.join('.') : 'the root'}`);
  }
}

/**
 * One validation issue, with `path` measured from the root of the streamed value: object keys and array
 * indexes, as `isCompleteAt` takes them.
 */
export interface PartialIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
  readonly code: string;
}

/** The complete JSON did not satisfy the schema. `value` is the raw (unvalidated) JSON value. */
export class ValidationError extends PartialKitError {
  override name = 'ValidationError';
  readonly issues: readonly PartialIssue[];
  readonly value: unknown;
  constructor(issues: readonly PartialIssue[], value: unknown) {
    super(`Validation failed: ${issues.map(formatIssue).join('; ')}`);
    this.issues = issues;
    this.value = value;
  }
}

function formatIssue(issue: PartialIssue): string {
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}

/**
 * The server answered with a non-2xx status. `body` is the response text (its first 64 Ki characters);
 * the message says what the body says: the `message` of a JSON error (`{ "error": { "message" } }`,
 * `{ "message" }`, `{ "error": "…" }`) or of partialkit's SSE `error` event, else the text itself.
 */
export class HTTPError extends PartialKitError {
  override name = 'HTTPError';
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly body: string,
  ) {
    const reason = reasonOf(body);
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}${reason ? `: ${reason.slice(0, 500)}` : ''}`);
  }
}

function reasonOf(body: string): string {
  // An SSE body is read as SSE (ids, CRLF, data over several lines); its `error` event's data is the JSON.
  let data: string | undefined;
  if (/^(event|data|id|retry)?:/m.test(body)) {
    const sse = createParser({
      onEvent: (e) => {
        if (e.event === 'error' && data === undefined) data = e.data;
      },
    });
    sse.feed(body);
    sse.feed('\n\n');
  }
  try {
    const json: unknown = JSON.parse(data ?? body);
    // Gemini's stream without `alt=sse` is a JSON array: its error body too (`[{"error": {…}}]`).
    const parsed = (Array.isArray(json) ? json[0] : json) as {
      error?: { message?: unknown } | string;
      message?: unknown;
    } | null;
    const error = parsed?.error;
    const message = typeof error === 'string' ? error : (error?.message ?? parsed?.message);
    if (typeof message === 'string' && message) return message;
  } catch {}
  return body;
}

/** The provider reported an error, before or in the middle of the stream. */
export class ProviderError extends PartialKitError {
  override name = 'ProviderError';
  constructor(
    /** The provider's error type or code, e.g. `insufficient_quota`, `overloaded_error`. */
    readonly type: string,
    message: string,
    /** The error object as the provider sent it. */
    readonly raw?: unknown,
  ) {
    super(message);
  }
}

/** Why a response ended before its JSON was complete. */
export type TruncationReason = 'length' | 'max_tokens' | 'incomplete' | 'eof';

/** The output was cut off: a token limit, an incomplete response, or a stream that ended early. */
export class TruncatedError extends PartialKitError {
  override name = 'TruncatedError';
  constructor(
    readonly reason: TruncationReason,
    message: string,
  ) {
    super(message);
  }
}

/** The model refused (OpenAI `refusal`, Anthropic `stop_reason: "refusal"`, Gemini safety blocks). */
export class RefusalError extends PartialKitError {
  override name = 'RefusalError';
  constructor(readonly refusal: string) {
    super(`The model refused: ${refusal}`);
  }
}

/**
 * The connection failed or dropped (fetch's `TypeError`, a body that was cut off). `cause` is the original.
 * The message says which: "The request failed" when no response came, else "The connection was lost".
 */
export class NetworkError extends PartialKitError {
  override name = 'NetworkError';
  constructor(cause: unknown, what = 'The connection was lost') {
    // undici's TypeError says only "fetch failed"; the reason (ECONNREFUSED…) is its own cause.
    const reason = cause instanceof Error ? cause.message : String(cause);
    const inner = cause instanceof Error && cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
    super(`${what}: ${reason}${inner}`, { cause });
  }
}

/**
 * A stream event the decoder cannot read: data that is not JSON in a provider's format, a text field
 * that is not a string, an event larger than `maxEventSize`. Thrown after the text before it.
 */
export class DecodeError extends PartialKitError {
  override name = 'DecodeError';
  constructor(
    message: string,
    /** The event's number in the stream, counting from 1; 0 for a body that is not a stream at all. */
    readonly event: number,
    /** The start of what could not be read (at most 120 characters). */
    readonly snippet: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * One element of a streamed list did not satisfy the item schema (`streamItems`, the items store). The
 * stream goes on: the element is skipped unless `onInvalid: 'throw'`. `index` counts every element of the
 * list from 0, valid or not; the issues' paths start at the element.
 */
export class ItemValidationError extends ValidationError {
  override name = 'ItemValidationError';
  constructor(
    readonly index: number,
    issues: readonly PartialIssue[],
    value: unknown,
  ) {
    super(issues, value);
    this.message = `Item ${index} is invalid: ${issues.map(formatIssue).join('; ')}`;
  }
}

/**
 * The JSON is well formed so far but holds no list where one was expected (`streamItems`' `shape`), or
 * the item schema given is the list's own or its parent's (its first element fails it for want of the list).
 */
export class ListShapeError extends PartialKitError {
  override name = 'ListShapeError';
  constructor(
    message: string,
    /** Offset in the whole text where the expected list was missing. */
    readonly position: number,
  ) {
    super(message);
  }
}
