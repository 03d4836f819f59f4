/**
 * The recording format (`*.rec.jsonl`), one JSON object per line:
 *
 *   {"partialkit":"recording","version":1,"status":200,"headers":{"content-type":"text/event-stream"},"url":"…"}
 *   {"t":0,"data":"ZGF0YTog…"}          t = ms since the response started, data = the chunk's raw bytes, base64
 *   {"t":41.7,"data":"…"}
 *
 * A plain `.sse` body (as in the shared fixtures) is valid input too: it replays event by event, with no
 * timing. Browser-safe: no Node APIs.
 */
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

const MAGIC = 'recording';

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
    version: 1,
    status: recording.status,
    headers: recording.headers,
    ...(recording.url && { url: recording.url }),
  };
  const lines = [JSON.stringify(header)];
  for (const c of recording.chunks)
    lines.push(JSON.stringify({ t: Math.round((c.t ?? 0) * 10) / 10, data: toBase64(c.bytes) }));
  return `${lines.join('\n')}\n`;
}

/** Parses a recording, or wraps an untimed body (`.sse`, a Gemini JSON array, plain text). */
export function parseRecording(input: string | Uint8Array): Recording {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  let header:
    | { partialkit?: string; status?: number; headers?: Record<string, string>; url?: string }
    | undefined;
  try {
    header = JSON.parse(firstLine);
  } catch {
    header = undefined;
  }
  if (header?.partialkit === MAGIC) {
    const chunks = text
      .split('\n')
      .slice(1)
      .filter((l) => l.trim())
      .map((l) => {
        const { t, data } = JSON.parse(l) as { t: number; data: string };
        return { t, bytes: fromBase64(data) };
      });
    return { status: header.status ?? 200, headers: header.headers ?? {}, url: header.url, chunks };
  }
  return untimed(typeof input === 'string' ? new TextEncoder().encode(input) : input);
}

function untimed(bytes: Uint8Array): Recording {
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
