/**
 * The recording format (`*.rec.jsonl`), one JSON object per line:
 *
 *   {"partialkit":"recording","version":1,"status":200,"headers":{"content-type":"text/event-stream"},"url":"…"}
 *   {"t":0,"data":"ZGF0YTog…"}          t = ms since the response started, data = the chunk's raw bytes, base64
 *   {"t":41.7,"data":"…"}
 *
 * The bytes are the body as the client received it, after fetch undid any content-encoding it knows
 * (gzip, deflate, br; zstd on newer Node), so a recording never carries `content-length`, and carries
 * `content-encoding` only for bytes still in it (a coding fetch left alone). A plain `.sse` body (as in the
 * shared fixtures) is valid input too: it replays event by event, with no timing; a leading UTF-8 BOM is
 * dropped. The header's `url` has its credentials redacted. Browser-safe: no Node APIs.
 */
import { RecordingError } from './errors.ts';

export interface RecordedChunk {
  /** Arrival time in ms since the response started (undefined for untimed input). */
  t: number | undefined;
  bytes: Uint8Array;
}

export interface Recording {
  status: number;
  headers: Record<string, string>;
  url?: string | undefined;
  chunks: RecordedChunk[];
}

export interface ParseRecordingOptions {
  /** What errors call the input, usually its file name (default `recording`). */
  source?: string | undefined;
}

const MAGIC = 'recording';
const VERSION = 1;
/**
 * A first line longer than this is decoded only if it begins as `serializeRecording` writes a header
 * (`HEADER_START`): any other is taken for a one-line body (a large JSON document), not decoded whole.
 */
const MAX_HEADER_BYTES = 0x10000;
/**
 * How `serializeRecording` begins every header (`partialkit` is its first key), spaces allowed; any
 * value, so a long header with a mistyped magic is refused as a short one is, not served as text.
 */
const HEADER_START = /^\{\s*"partialkit"\s*:/;
/** Enough of the first line to hold `HEADER_START` with some spaces. */
const HEADER_START_BYTES = 64;
/** Statuses a `Response` refuses a body for. */
const NULL_BODY = new Set([204, 205, 304]);
/** RFC 9110 token, the only thing a header name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What Node's `writeHead` accepts in a value: no CR, LF, NUL or other control byte but tab. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function serializeRecording(recording: Recording): string {
  const header = {
    partialkit: MAGIC,
    version: VERSION,
    status: recording.status,
    headers: recording.headers,
    ...(recording.url && { url: recording.url }),
  };
  const lines = [JSON.stringify(header)];
  for (const c of recording.chunks)
    lines.push(JSON.stringify({ t: Math.round((c.t ?? 0) * 10) / 10, data: toBase64(c.bytes) }));
  return `${lines.join('\n')}\n`;
}

/**
 * Parses a recording, or wraps an untimed body (`.sse`, a Gemini JSON array, plain text). Anything that
 * could not be replayed faithfully (a bad status or header, a body a status forbids, a truncated line, an
 * empty or binary file) is refused here with a `RecordingError` naming the source and the line, so a
 * server built on it never fails on a request.
 */
export function parseRecording(input: string | Uint8Array, options: ParseRecordingOptions = {}): Recording {
  const source = options.source ?? 'recording';
  const bytes = withoutBom(typeof input === 'string' ? new TextEncoder().encode(input) : input);
  if (isBlank(bytes))
    throw new RecordingError(source, undefined, 'the file is empty: there is nothing to replay');
  const header = recordingHeader(bytes, source);
  return header ? timed(bytes, header, source) : untimed(bytes, source);
}

/** Checks a recording built in code as `parseRecording` checks a file; returns it unchanged. */
export function checkRecording(recording: Recording, source = 'recording'): Recording {
  checkHead(recording.status, recording.headers, source, undefined);
  recording.chunks.forEach((chunk, i) => {
    const where = `chunk ${i}`;
    // By tag, not instanceof: bytes from another realm (jsdom, an iframe, a worker) are bytes too.
    if (Object.prototype.toString.call(chunk.bytes) !== '[object Uint8Array]')
      throw new RecordingError(source, undefined, `${where}: bytes must be a Uint8Array`);
    if (chunk.t !== undefined && !(Number.isFinite(chunk.t) && chunk.t >= 0))
      throw new RecordingError(source, undefined, `${where}: t must be a number of ms >= 0, got ${chunk.t}`);
    if (chunk.bytes.length && NULL_BODY.has(recording.status))
      throw new RecordingError(
        source,
        undefined,
        `${where}: ${nullBodyProblem(recording.status, chunk.bytes)}`,
      );
  });
  return recording;
}

/** 204, 205 and 304 carry no body: a `Response` for one must be built with `null`. */
export function hasNullBody(status: number): boolean {
  return NULL_BODY.has(status);
}

/**
 * Without a leading UTF-8 byte order mark, which Windows editors and PowerShell write: it is no part of a
 * recording's header, nor of the stream a plain body was saved from.
 */
function withoutBom(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  return true;
}

interface Header {
  partialkit: string;
  version?: unknown;
  status?: unknown;
  headers?: unknown;
  url?: unknown;
}

/**
 * The first line, if it is a recording header; never decodes a long first line that is not one. One that
 * means to be a header (a `{` line naming partialkit) but does not parse, or whose `partialkit` is not
 * exactly "recording", is refused: cut short or mistyped, it would otherwise be served as a text body,
 * the JSONL itself.
 *
 * A header over MAX_HEADER_BYTES is still one when it begins as `serializeRecording` writes it: a
 * response with a 70 KB `link` or `set-cookie` is recorded fine, and must replay as recorded, not as its
 * own JSONL text. Refusing such a header when writing instead would lose a recording `record()` already
 * made of a real response, which the user cannot make again as it was.
 */
function recordingHeader(bytes: Uint8Array, source: string): Header | undefined {
  if (bytes[0] !== 0x7b /* { */) return undefined;
  let end = bytes.indexOf(0x0a);
  if (end < 0) end = bytes.length;
  if (
    end > MAX_HEADER_BYTES &&
    !HEADER_START.test(new TextDecoder().decode(bytes.subarray(0, HEADER_START_BYTES)))
  )
    return undefined;
  const line = new TextDecoder().decode(bytes.subarray(0, end));
  let header: unknown;
  try {
    header = JSON.parse(line);
  } catch (error) {
    // A header written over several lines (pretty-printed): its first line is `{` alone.
    const start = new TextDecoder().decode(bytes.subarray(0, MAX_HEADER_BYTES));
    if (line.trim() === '{' && /"partialkit"\s*:\s*"recording"/.test(start))
      throw new RecordingError(
        source,
        1,
        'the recording header must be one line of JSON, not spread over several',
      );
    if (!line.includes('"partialkit"')) return undefined;
    throw new RecordingError(
      source,
      1,
      `the recording header is not valid JSON (${(error as Error).message})`,
    );
  }
  if (!isObject(header)) return undefined;
  // Its keys in any order (a file through `jq -S`); a mistyped value counts only where
  // `serializeRecording` writes the key, first: a body line may name partialkit anywhere.
  if (header.partialkit === MAGIC) return header as unknown as Header;
  if (Object.keys(header)[0] !== 'partialkit') return undefined;
  // `"recordings"`, `"Recording"`, `true`: a header mistyped, not a body to serve as its own JSONL.
  if (header.partialkit !== MAGIC) {
    const got = JSON.stringify(header.partialkit);
    throw new RecordingError(
      source,
      1,
      `the recording header must have "partialkit": ${JSON.stringify(MAGIC)}, got ${got.length > 60 ? `${got.slice(0, 60)}…` : got}`,
    );
  }
  return header as unknown as Header;
}

function timed(bytes: Uint8Array, header: Header, source: string): Recording {
  if (header.version !== VERSION)
    throw new RecordingError(
      source,
      1,
      `recording version ${JSON.stringify(header.version) ?? 'missing'} is not supported (only the number ${VERSION})`,
    );
  const status = header.status ?? 200;
  const headers = header.headers ?? {};
  checkStatus(status, source, 1);
  checkHeaders(headers, source, 1);
  if (header.url !== undefined && typeof header.url !== 'string')
    throw new RecordingError(source, 1, 'url must be a string');
  const chunks: RecordedChunk[] = [];
  const decoder = new TextDecoder();
  let line = 1;
  let start = bytes.indexOf(0x0a) + 1;
  while (start > 0 && start < bytes.length) {
    line++;
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const text = decoder.decode(bytes.subarray(start, end)).trim();
    start = end + 1;
    if (!text) continue;
    const chunk = chunkOf(text, source, line);
    if (chunk.bytes.length && NULL_BODY.has(status))
      throw new RecordingError(source, line, nullBodyProblem(status, chunk.bytes));
    chunks.push(chunk);
  }
  return { status, headers, url: header.url, chunks };
}

function chunkOf(text: string, source: string, line: number): RecordedChunk {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (error) {
    // A truncated file ends in half a line: say which one, not only where in it.
    throw new RecordingError(source, line, `not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(entry)) throw new RecordingError(source, line, 'expected {"t":…,"data":…}');
  const { t, data } = entry;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
    throw new RecordingError(source, line, `t must be a number of ms >= 0, got ${JSON.stringify(t)}`);
  if (typeof data !== 'string') throw new RecordingError(source, line, 'data must be a base64 string');
  try {
    return { t, bytes: fromBase64(data) };
  } catch {
    throw new RecordingError(source, line, 'data is not valid base64');
  }
}

function checkHead(
  status: unknown,
  headers: unknown,
  source: string,
  line: number | undefined,
): asserts headers is Record<string, string> {
  checkStatus(status, source, line);
  checkHeaders(headers, source, line);
}

function checkStatus(status: unknown, source: string, line: number | undefined): asserts status is number {
  // What `new Response` accepts: 1xx and 6xx+ would throw on the first request.
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599)
    throw new RecordingError(
      source,
      line,
      `status must be an integer from 200 to 599, got ${JSON.stringify(status)}`,
    );
}

function checkHeaders(
  headers: unknown,
  source: string,
  line: number | undefined,
): asserts headers is Record<string, string> {
  if (!isObject(headers)) throw new RecordingError(source, line, 'headers must be an object of strings');
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name))
      throw new RecordingError(source, line, `header name ${JSON.stringify(name)} is not a valid HTTP token`);
    if (typeof value !== 'string')
      throw new RecordingError(source, line, `header ${name} must be a string, got ${JSON.stringify(value)}`);
    if (!FIELD_VALUE.test(value))
      throw new RecordingError(
        source,
        line,
        `header ${name} has a line break or control character in its value ${JSON.stringify(value)}`,
      );
  }
}

function nullBodyProblem(status: number, bytes: Uint8Array): string {
  return `a ${status} response has no body, but this chunk holds ${bytes.length} bytes`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function untimed(bytes: Uint8Array, source: string): Recording {
  checkText(bytes, source);
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  const sse = /^(data|event|id|retry)?:/.test(head);
  const contentType = sse
    ? 'text/event-stream'
    : head.startsWith('[')
      ? 'application/json'
      : 'text/plain; charset=utf-8';
  const chunks: RecordedChunk[] = [];
  let start = 0;
  // Cut after each blank line (LF LF or CRLF CRLF): one chunk per event, as a server sends them.
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && (bytes[i - 1] === 0x0a || (bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a))) {
      chunks.push({ t: undefined, bytes: bytes.subarray(start, i + 1) });
      start = i + 1;
    }
  }
  if (start < bytes.length) chunks.push({ t: undefined, bytes: bytes.subarray(start) });
  return { status: 200, headers: { 'content-type': contentType }, chunks };
}

/** An untimed body is served as text: refuse bytes that are not (an image, a gzip file, a wrong path). */
function checkText(bytes: Uint8Array, source: string): void {
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new RecordingError(
      source,
      undefined,
      `binary content (a NUL byte at offset ${nul}): not a recording or a text body`,
    );
  // Validate UTF-8 a slice at a time, so a large body is never held twice as a string.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const SLICE = 1 << 20;
  for (let i = 0; i < bytes.length; i += SLICE) {
    try {
      decoder.decode(bytes.subarray(i, i + SLICE), { stream: i + SLICE < bytes.length });
    } catch {
      throw new RecordingError(
        source,
        undefined,
        `binary content (not UTF-8 between offsets ${i} and ${Math.min(i + SLICE, bytes.length)}): not a recording or a text body`,
      );
    }
  }
}
