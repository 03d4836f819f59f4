import { type RecordedChunk, serializeRecording } from '../recording.ts';

export interface RecordOptions {
  /** Called with the serialised recording when the stream ends (default: write it to `file`). */
  onComplete?: (text: string) => void | Promise<void>;
  url?: string;
}

/**
 * Headers that describe the bytes on the wire rather than the body: fetch has already undone any
 * `content-encoding`, so the recording keeps the decoded bytes and must not claim gzip (or the compressed
 * length), or the replay would be decoded a second time and fail.
 */
export const UNRECORDED = new Set([
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

/**
 * Tees a live provider response into a recording: returns a `Response` that passes every byte through
 * unchanged while the bytes and their arrival times are kept; when the body ends (or is cancelled) the
 * recording is written to `file` (Node) or handed to `onComplete`.
 */
export function record(source: Response, file: string | undefined, options: RecordOptions = {}): Response {
  const chunks: RecordedChunk[] = [];
  const started = performance.now();
  let saved = false;
  const save = async () => {
    if (saved) return;
    saved = true;
    const headers: Record<string, string> = {};
    source.headers.forEach((v, k) => {
      if (!UNRECORDED.has(k)) headers[k] = v;
    });
    const text = serializeRecording({
      status: source.status,
      headers,
      url: options.url ?? source.url,
      chunks,
    });
    if (options.onComplete) await options.onComplete(text);
    else if (file) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(file, text);
    }
  };
  const reader = source.body?.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!reader) {
          await save();
          controller.close();
          return;
        }
        const { done, value } = await reader.read();
        if (done) {
          await save();
          controller.close();
          return;
        }
        chunks.push({ t: performance.now() - started, bytes: value.slice() });
        controller.enqueue(value);
      },
      async cancel(reason) {
        await reader?.cancel(reason);
        await save();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, {
    status: source.status,
    statusText: source.statusText,
    headers: source.headers,
  });
}
