import { parseRecording, type Recording } from './recording.ts';

export interface ReplayOptions {
  /** 1 = the recorded pace (default), 2 = twice as fast, 0 = as fast as possible. */
  speed?: number;
  /** `'recorded'` (default) keeps the recorded chunks; a number re-cuts the bytes into chunks of that size. */
  chunking?: 'recorded' | number;
  /** Untimed input (plain `.sse`) is paced at this many ms per chunk, scaled by `speed` (default 0). */
  untimedIntervalMs?: number;
  signal?: AbortSignal;
}

interface Timed {
  at: number;
  bytes: Uint8Array;
}

function schedule(recording: Recording, options: ReplayOptions): Timed[] {
  const untimed = options.untimedIntervalMs ?? 0;
  const timed = recording.chunks.map((c, i) => ({ at: c.t ?? i * untimed, bytes: c.bytes }));
  const size = options.chunking;
  if (size === undefined || size === 'recorded') return timed;
  if (!(size >= 1)) throw new RangeError(`chunking must be 'recorded' or a positive number, got ${size}`);
  const out: Timed[] = [];
  let pending: number[] = [];
  for (const chunk of timed) {
    for (const byte of chunk.bytes) {
      pending.push(byte);
      if (pending.length === size) {
        out.push({ at: chunk.at, bytes: new Uint8Array(pending) });
        pending = [];
      }
    }
  }
  if (pending.length) out.push({ at: timed[timed.length - 1]?.at ?? 0, bytes: new Uint8Array(pending) });
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    const done = () => {
      clearTimeout(id);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const id = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The bytes of a recording as a stream, at the recorded pace scaled by `speed`, or re-chunked. Works in
 * browsers (Storybook, Playwright) as well as Node; usable anywhere a `source` is expected.
 */
export function replay(
  fixture: string | Uint8Array | Recording,
  options: ReplayOptions = {},
): ReadableStream<Uint8Array> {
  const recording = typeof fixture === 'object' && 'chunks' in fixture ? fixture : parseRecording(fixture);
  const plan = schedule(recording, options);
  const speed = options.speed ?? 1;
  let index = 0;
  let started = 0;
  const cancelled = new AbortController();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (index === 0) started = Date.now();
        const next = plan[index];
        if (!next) {
          controller.close();
          return;
        }
        if (speed > 0) await sleep(next.at / speed - (Date.now() - started), cancelled.signal);
        if (cancelled.signal.aborted || options.signal?.aborted) return;
        index++;
        controller.enqueue(next.bytes.slice());
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
  const recording = typeof fixture === 'object' && 'chunks' in fixture ? fixture : parseRecording(fixture);
  return new Response(replay(recording, options), { status: recording.status, headers: recording.headers });
}
