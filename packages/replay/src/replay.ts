import { ReplayOptionError } from './errors.ts';
import {
  checkRecording,
  hasNullBody,
  parseRecording,
  type RecordedChunk,
  type Recording,
} from './recording.ts';

export interface ReplayOptions {
  /** 1 = the recorded pace (default), 2 = twice as fast, 0 = as fast as possible. */
  speed?: number | undefined;
  /** `'recorded'` (default) keeps the recorded chunks; a number re-cuts the bytes into chunks of that size. */
  chunking?: 'recorded' | number | undefined;
  /** Untimed input (plain `.sse`) is paced at this many ms per chunk, scaled by `speed` (default 0). */
  untimedIntervalMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

interface Timed {
  at: number;
  bytes: Uint8Array;
}

/** Refuses options that would fail (or silently mean something else) once bytes are flowing. */
export function checkReplayOptions(options: ReplayOptions): void {
  const { speed, chunking, untimedIntervalMs } = options;
  if (speed !== undefined && !(typeof speed === 'number' && Number.isFinite(speed) && speed >= 0))
    throw new ReplayOptionError('speed', speed, 'a number >= 0 (0 = as fast as possible)');
  if (
    chunking !== undefined &&
    chunking !== 'recorded' &&
    !(typeof chunking === 'number' && Number.isSafeInteger(chunking) && chunking >= 1)
  )
    throw new ReplayOptionError('chunking', chunking, "'recorded' or a whole number of bytes >= 1");
  if (
    untimedIntervalMs !== undefined &&
    !(typeof untimedIntervalMs === 'number' && Number.isFinite(untimedIntervalMs) && untimedIntervalMs >= 0)
  )
    throw new ReplayOptionError('untimedIntervalMs', untimedIntervalMs, 'a number of ms >= 0');
}

/**
 * The chunks to send, built one at a time as the stream is pulled: re-chunking a 100 MB recording holds
 * one output chunk beside the recording, never a second copy of it.
 */
function schedule(recording: Recording, options: ReplayOptions): () => Timed | undefined {
  const untimed = options.untimedIntervalMs ?? 0;
  const chunks = recording.chunks;
  const atOf = (i: number) => chunks[i]?.t ?? i * untimed;
  const size = options.chunking;
  let index = 0;
  if (size === undefined || size === 'recorded') {
    return () => {
      const chunk = chunks[index];
      if (!chunk) return undefined;
      // A copy, so a consumer that transfers or mutates what it reads cannot damage the recording.
      return { at: atOf(index++), bytes: chunk.bytes.slice() };
    };
  }
  let offset = 0;
  let left = chunks.reduce((n, c) => n + c.bytes.length, 0);
  return () => {
    if (left === 0) return undefined;
    // Never more than what is left: `chunking: 2 ** 40` on a 9-byte recording allocates 9 bytes, not 1 TB.
    const out = new Uint8Array(Math.min(size, left));
    let filled = 0;
    let at = 0;
    while (filled < out.length && index < chunks.length) {
      const { bytes } = chunks[index] as RecordedChunk;
      const take = Math.min(out.length - filled, bytes.length - offset);
      out.set(bytes.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      at = atOf(index);
      if (offset === bytes.length) {
        index++;
        offset = 0;
      }
    }
    left -= filled;
    if (filled === 0) return undefined;
    // The last, short chunk goes out at the time of the last recorded one, as before.
    if (filled < size) at = atOf(chunks.length - 1);
    // Short only if the chunks changed under the replay; `left` said how many bytes there would be.
    return { at, bytes: filled === out.length ? out : out.subarray(0, filled) };
  };
}

/** The longest delay `setTimeout` honours: a longer one fires after 1 ms, in Node and in browsers. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Waits `ms` (in steps of at most `MAX_TIMEOUT_MS`, so a wait of weeks is not cut to 1 ms), or until `signal`. */
/** Waits `ms`, or until one of `signals` aborts. (No `AbortSignal.any`: Node 20.0–20.2 and Safari < 17.4 lack it.) */
function sleep(ms: number, signals: ReadonlyArray<AbortSignal | undefined>): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ms <= 0 || signals.some((s) => s?.aborted)) return resolve();
    let id: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(id);
      for (const s of signals) s?.removeEventListener('abort', done);
      resolve();
    };
    const wait = (rest: number) => {
      id =
        rest > MAX_TIMEOUT_MS
          ? setTimeout(() => wait(rest - MAX_TIMEOUT_MS), MAX_TIMEOUT_MS)
          : setTimeout(done, rest);
    };
    for (const s of signals) s?.addEventListener('abort', done, { once: true });
    wait(ms);
  });
}

function recordingOf(fixture: string | Uint8Array | Recording): Recording {
  return typeof fixture === 'object' && 'chunks' in fixture
    ? checkRecording(fixture)
    : parseRecording(fixture);
}

/**
 * The bytes of a recording as a stream, at the recorded pace scaled by `speed`, or re-chunked. Works in
 * browsers (Storybook, Playwright) as well as Node; usable anywhere a `source` is expected.
 */
export function replay(
  fixture: string | Uint8Array | Recording,
  options: ReplayOptions = {},
): ReadableStream<Uint8Array> {
  checkReplayOptions(options);
  const next = schedule(recordingOf(fixture), options);
  const speed = options.speed ?? 1;
  let started: number | undefined;
  const cancelled = new AbortController();
  // Either ends the wait: the reader cancelling, or the caller's signal (which also fails the stream,
  // as an aborted fetch fails its body, so a pending read never hangs).
  const stop = [cancelled.signal, options.signal];
  const aborted = (controller: ReadableStreamDefaultController<Uint8Array>): boolean => {
    if (cancelled.signal.aborted) return true;
    if (!options.signal?.aborted) return false;
    controller.error(options.signal.reason ?? new DOMException('The replay was aborted.', 'AbortError'));
    return true;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (aborted(controller)) return;
        started ??= Date.now();
        const chunk = next();
        if (!chunk) {
          controller.close();
          return;
        }
        if (speed > 0) await sleep(chunk.at / speed - (Date.now() - started), stop);
        if (aborted(controller)) return;
        controller.enqueue(chunk.bytes);
      },
      cancel() {
        cancelled.abort();
      },
    },
    { highWaterMark: 0 },
  );
}

/** A `Response` that replays a recording with its recorded status and headers. */
export function replayResponse(
  fixture: string | Uint8Array | Recording,
  options: ReplayOptions = {},
): Response {
  checkReplayOptions(options);
  const recording = recordingOf(fixture);
  const body = hasNullBody(recording.status) ? null : replay(recording, options);
  return new Response(body, { status: recording.status, headers: recording.headers });
}
