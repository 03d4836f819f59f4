import { hasNullBody, type RecordedChunk, serializeRecording } from '../recording.ts';

export interface RecordOptions {
  /** Called with the serialised recording when the stream ends (default: write it to `file`). */
  onComplete?: ((text: string) => void | Promise<void>) | undefined;
  /** The URL to store (default: the response's); credentials in it are redacted either way. */
  url?: string | undefined;
}

/** The teed response, and when its recording is written. */
export interface RecordedResponse extends Response {
  /**
   * Settles once the recording is written (or handed to `onComplete`): when the body has been read to
   * its end or cancelled, or at once for a status without a body (204, 205, 304). Rejects, and nothing
   * is written, if the upstream fails mid-stream; rejects if the write fails.
   */
  readonly saved: Promise<void>;
}

/** Headers that describe the connection or the bytes on the wire, not the body: never recorded. */
export const UNRECORDED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Codings fetch undoes, all those of a list or (if it holds any other) none. Node's fetch always knows
 * gzip, deflate and br; zstd only on newer Node, so a zstd body may reach us decoded or not.
 */
const FETCH_CODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);
/** How a body still in a coding begins, for the codings that say (deflate and br carry no magic number). */
const MAGIC: Record<string, readonly number[]> = {
  gzip: [0x1f, 0x8b],
  'x-gzip': [0x1f, 0x8b],
  zstd: [0x28, 0xb5, 0x2f, 0xfd],
};
const MAGIC_BYTES = Math.max(...Object.values(MAGIC).map((m) => m.length));

/**
 * Whether a body that begins with `head` is still in the `content-encoding` it was sent with, so the
 * header must stay beside it (if fetch undid the coding, the header would make a client decode the
 * replay a second time and fail). A coding fetch does not know keeps the whole list encoded; for the
 * others the bytes tell, where the outermost coding has a magic number: decoded text never starts with
 * one. Outermost deflate or br is taken as undone, as every Node fetch undoes them.
 */
export function stillEncoded(contentEncoding: string, head: Uint8Array): boolean {
  if (!contentEncoding.trim()) return false;
  const codings = codingsOf(contentEncoding);
  if (!codings.every((c) => FETCH_CODINGS.has(c))) return true;
  const magic = MAGIC[codings.at(-1) as string];
  return magic?.every((byte, i) => head[i] === byte) ?? false;
}

function codingsOf(contentEncoding: string): string[] {
  return contentEncoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim());
}

/** Node's fetch (undici) undoes zstd from 7.11 on; Node 20's (undici 6) hands the bytes over as they are. */
function fetchUndoesZstd(): boolean {
  const [major = 0, minor = 0] = (globalThis.process?.versions?.undici ?? '').split('.').map(Number);
  return major > 7 || (major === 7 && minor >= 11);
}

/**
 * Whether fetch undid the coding of `source`'s body, told from its head alone: the teed Response's head
 * is given before any byte arrives, so this is `stillEncoded` without the bytes. Only fetch sets `url`
 * (a Response built in code carries the bytes its headers describe), and it undoes a list only when it
 * knows every coding; zstd, the one a Node fetch may not know, is decided by the runtime.
 */
function decodedByFetch(source: Response): boolean {
  const encoding = source.headers.get('content-encoding') ?? '';
  if (source.url === '' || !encoding.trim()) return false;
  return codingsOf(encoding).every((c) => FETCH_CODINGS.has(c) && (c !== 'zstd' || fetchUndoesZstd()));
}

/**
 * The teed Response's headers: those of `source`, without `content-encoding` and `content-length` once
 * fetch undid the coding (they describe bytes no longer there: a client sent them decodes the text again
 * and fails, or waits for a length that never comes).
 */
function teedHeaders(source: Response): Headers {
  const headers = new Headers(source.headers);
  if (decodedByFetch(source)) {
    headers.delete('content-encoding');
    headers.delete('content-length');
  }
  return headers;
}

/** `response` with the URL `source` was fetched from: a constructed Response has `''` (an own property over the getter). */
function withUrl<T extends Response>(response: T, source: Response): T {
  Object.defineProperty(response, 'url', { value: source.url, enumerable: true });
  return response;
}

/** The first `n` bytes of the body, across chunks (a first chunk may be shorter than a magic number). */
export function headOf(chunks: readonly { bytes: Uint8Array }[], n = MAGIC_BYTES): Uint8Array {
  const head: number[] = [];
  for (const { bytes } of chunks) {
    for (const byte of bytes.subarray(0, n - head.length)) head.push(byte);
    if (head.length === n) break;
  }
  return new Uint8Array(head);
}

/** The headers a recording keeps: the body's, with `content-encoding` only while the bytes are in it. */
export function recordedHeaders(
  headers: Iterable<[string, string]>,
  chunks: readonly { bytes: Uint8Array }[],
): Record<string, string> {
  // No prototype: a header named `__proto__` is kept as any other.
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (UNRECORDED.has(key)) continue;
    if (key === 'content-encoding' && !stillEncoded(value, headOf(chunks))) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Query parameters that carry a credential: Gemini's `key`, `api_key`, `apikey`, `access_token`,
 * `token`, `jwt`, `pwd`, signed URLs' `sig`, `X-Amz-Signature`, `X-Amz-Credential`, `client_secret`, plurals…
 */
const CREDENTIAL_PARAM =
  /(^|[-_.])(sig|auth|authorization|jwt|pwd|pass|passphrase|bearer)$|(key|token|secret|password|passwd|signature|credential)s?$/i;
const REDACTED = 'REDACTED';

/**
 * The URL without its credentials, fit to store in a recording that is checked in and shared: a
 * user:password (or a token given as the user) replaced by `REDACTED@`, each credential query
 * parameter's value by `REDACTED`, so a reader sees the request carried one; no fragment (never sent to
 * the server). Other parameters are kept exactly as written.
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const sent = hash < 0 ? url : url.slice(0, hash);
  const q = sent.indexOf('?');
  const base = (q < 0 ? sent : sent.slice(0, q)).replace(
    /^([a-z][a-z\d+.-]*:\/\/)[^/?#]+@/i,
    `$1${REDACTED}@`,
  );
  if (q < 0) return base;
  const query = sent
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0 || eq === pair.length - 1) return pair;
      return CREDENTIAL_PARAM.test(decodeName(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    });
  return `${base}?${query.join('&')}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    return name;
  }
}

/**
 * Tees a live provider response into a recording: returns a `Response` that passes every byte through
 * unchanged while the bytes and their arrival times are kept; when the body ends (or is cancelled) the
 * recording is written to `file` (Node) or handed to `onComplete`, and `saved` settles.
 */
export function record(
  source: Response,
  file: string | undefined,
  options: RecordOptions = {},
): RecordedResponse {
  const chunks: RecordedChunk[] = [];
  const started = performance.now();
  const write = async () => {
    const text = serializeRecording({
      status: source.status,
      headers: recordedHeaders(source.headers, chunks),
      url: redactUrl(options.url ?? source.url),
      chunks,
    });
    if (options.onComplete) await options.onComplete(text);
    else if (file) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(file, text);
    }
  };
  // One outcome for every caller: the end of the body, a cancel racing it and `saved` await the same write.
  let outcome: Promise<void> | undefined;
  let settle: (outcome: Promise<void>) => void = () => {};
  const saved = new Promise<void>((resolve) => {
    settle = resolve;
  });
  // Also reported through the body (or only wanted by whoever awaits it): unobserved, it must not crash.
  saved.catch(() => {});
  const finish = (how: () => Promise<void>) => {
    if (!outcome) {
      outcome = how();
      settle(outcome);
    }
    return outcome;
  };
  const save = () => finish(write);
  const init = { status: source.status, statusText: source.statusText, headers: teedHeaders(source) };
  // A 204, 205 or 304 has no body to tee (a `Response` refuses one): its recording is the head alone.
  if (hasNullBody(source.status)) {
    void save();
    return withUrl(Object.assign(new Response(null, init), { saved }), source);
  }
  const reader = source.body?.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array> | undefined;
        try {
          next = await reader?.read();
        } catch (error) {
          // A stream that broke off would replay as a complete one: record nothing.
          void finish(() => Promise.reject(error));
          throw error;
        }
        if (!next || next.done) {
          await save();
          controller.close();
          return;
        }
        chunks.push({ t: performance.now() - started, bytes: next.value.slice() });
        controller.enqueue(next.value);
      },
      async cancel(reason) {
        try {
          await reader?.cancel(reason);
        } finally {
          await save();
        }
      },
    },
    { highWaterMark: 0 },
  );
  return withUrl(Object.assign(new Response(body, init), { saved }), source);
}
