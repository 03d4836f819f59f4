import {
  type DecodeOptions,
  PartialKitError,
  type ProtocolEvent,
  ProviderError,
  RESUME_URL_HEADER,
  STREAM_ID_HEADER,
} from '@partialkit/core';
import {
  errorEvent,
  eventsOf,
  type PartialResponseInit,
  type PartialSource,
  StreamCut,
  toPartialResponse,
} from '../response.ts';
import { isLast, type ResumeStore, type StreamEntry, startOf } from './resume-store.ts';

export interface ResumableInit {
  store: ResumeStore;
  /** How to read the upstream (format, tool call…). */
  decode?: Omit<DecodeOptions, 'signal'> | undefined;
  /** The stream's id (default: a random UUID). */
  id?: string | undefined;
  /** The URL a client resumes (GET with `Last-Event-ID`) and cancels (DELETE) the stream at. */
  resumeUrl?: ((id: string) => string) | undefined;
  /** Stops the generation from the server side (a disconnect does not: the stream must survive it). */
  signal?: AbortSignal | undefined;
  /**
   * The request this response answers. A client that left before the response was handed back never
   * learned the stream's id, so nobody can resume or cancel it: the generation gets an aborted signal
   * (a model call made with it never starts). A disconnect after that leaves it running, to be resumed.
   */
  request?: Request | undefined;
  heartbeatMs?: number | undefined;
  headers?: PartialResponseInit['headers'] | undefined;
  /** What a failure shows the clients (see `PartialResponseInit.onError`); the log keeps only that. */
  onError?: PartialResponseInit['onError'] | undefined;
}

/** What the generation is given: its own signal (aborted by a cancel from any process) and the stream id. */
export interface GenerationContext {
  readonly signal: AbortSignal;
  readonly id: string;
}

const CANCELLED: ProtocolEvent = {
  type: 'error',
  error: { type: 'cancelled', message: 'The stream was cancelled' },
};

const NOT_STARTED: ProtocolEvent = {
  type: 'error',
  error: { type: 'stream_unavailable', message: 'The resume store could not start the stream' },
};

/**
 * Starts a resumable generation: `generate` is called once, with a signal of its own, and its events
 * are written to `store` as they arrive, whether or not anybody is reading. The response follows the
 * log live; a client that loses it reconnects to `resumeUrl(id)` with `Last-Event-ID` and gets exactly
 * the rest ({@link resumeResponse}). Only a cancel ({@link cancelResponse}, from any process sharing the
 * store) or `init.signal` stops the upstream call.
 */
export async function toResumableResponse(
  generate: (context: GenerationContext) => PartialSource | Promise<PartialSource>,
  init: ResumableInit,
): Promise<Response> {
  const { store } = init;
  const id = init.id ?? crypto.randomUUID();
  // Checked before the generation starts: an id that cannot be sent back is no stream at all.
  const headers = streamHeaders(id, init);
  if (!headers) throw new PartialKitError(`The stream id ${JSON.stringify(id)} cannot be a header value`);
  await store.create(id);
  const controller = new AbortController();
  const stop = () => controller.abort(new DOMException('The stream was cancelled', 'AbortError'));
  let unsubscribe: (() => void) | undefined;
  let response: Response;
  try {
    unsubscribe = await store.onCancel(id, stop);
    // The response before the generation: a store that cannot follow the log starts no model call.
    response = await follow(store, id, 0, headers, init.heartbeatMs);
  } catch (error) {
    unsubscribe?.();
    // Ends the log: a resume of this id answers the error instead of waiting for a generation that never runs.
    await store.append(id, { offset: 0, event: NOT_STARTED }).catch(() => {});
    throw error;
  }
  if (init.signal?.aborted || init.request?.signal.aborted) stop();
  init.signal?.addEventListener('abort', stop, { once: true });
  void run(id, generate, controller, init).finally(() => {
    unsubscribe();
    init.signal?.removeEventListener('abort', stop);
  });
  return response;
}

/**
 * Appends issued without waiting for one another, at most this many at a time: a store across the
 * network (Redis) costs a round trip per window rather than per delta. Stores keep the order of calls.
 */
const APPEND_WINDOW = 32;

/** The first append that failed: its error, and where the log ends (the offset its entry starts at). */
interface Refusal {
  readonly index: number;
  readonly offset: number;
  readonly error: unknown;
}

/**
 * Reads the generation into the log. Every log ends with `done` or `error`, and holds a prefix of what
 * was generated: once an append fails (a full store), only the error follows, at the offset where the
 * log ends.
 */
async function run(
  id: string,
  generate: (context: GenerationContext) => PartialSource | Promise<PartialSource>,
  controller: AbortController,
  init: ResumableInit,
): Promise<void> {
  const { store } = init;
  const { signal } = controller;
  let offset = 0;
  let appended = 0;
  let refusal: Refusal | undefined;
  const pending: Array<Promise<void>> = [];
  /** Waits for the appends in flight, all of them, so that the first failure is known; throws it. */
  const settle = async (): Promise<void> => {
    await Promise.all(pending.splice(0));
    if (refusal) throw refusal.error;
  };
  const append = async (entry: StreamEntry): Promise<void> => {
    // A failure ends the generation at the next event, not only when its window is settled; the appends
    // already in flight behind it are refused by the store (see ResumeStore.append).
    if (refusal) throw refusal.error;
    const index = appended++;
    const start = startOf(entry);
    pending.push(
      store.append(id, entry).catch((error: unknown) => {
        if (!refusal || index < refusal.index) refusal = { index, offset: start, error };
      }),
    );
    if (pending.length >= APPEND_WINDOW) await settle();
  };
  try {
    // Stopped before it started (a client that already left), `generate` still gets called, with the
    // aborted signal: a fetch made with it never leaves, and a source it hands over is released.
    const source = await generate({ signal, id });
    for await (const event of eventsOf(source, init.decode, signal)) {
      if (signal.aborted) break;
      if (event.type === 'text') {
        offset += event.text.length;
        await append({ offset, event: { type: 'text', text: event.text } });
      } else await append({ offset, event: { type: 'reset', attempt: event.attempt } });
    }
    await settle();
    await store.append(id, { offset, event: signal.aborted ? CANCELLED : { type: 'done' } });
  } catch (error) {
    await Promise.all(pending.splice(0));
    // The error goes where the log ends, at the start of the first failed entry, and names that failure:
    // what was generated after it is in no log.
    const event = signal.aborted ? CANCELLED : errorEvent(refusal ? refusal.error : error, init.onError);
    // A store that refused the log stops the generation: what it still made would be in no log.
    if (refusal && !signal.aborted) controller.abort(refusal.error);
    await store.append(id, { offset: refusal?.offset ?? offset, event }).catch(() => {});
  }
}

/**
 * The offset a client asks to resume after: `Last-Event-ID`, else (none, or an empty one: SSE's way of
 * saying "no id") the `offset` query parameter, else 0. `NaN` when it is no offset (`12abc`, `-3`, past
 * 2^53): `resumeResponse` refuses that with a 400, where reading from 0 would send a client that holds
 * part of the text all of it again.
 */
export function resumeOffset(request: Request): number {
  // An empty header (a client or proxy that always sends one) says nothing: the query may still.
  const header = request.headers.get('last-event-id');
  const raw = header?.trim() ? header : (new URL(request.url).searchParams.get('offset') ?? '');
  if (raw.trim() === '') return 0;
  const offset = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(offset) ? offset : Number.NaN;
}

/**
 * Serves the rest of a stream from `offset` (see {@link resumeOffset}), following it live while it
 * runs. An unknown id answers 404 and an expired one 410, each with an `error` event, never a hang.
 */
export async function resumeResponse(
  id: string,
  offset: number,
  init: {
    store: ResumeStore;
    /** Where the stream is resumed and cancelled, sent again so that any client can reconnect this one. */
    resumeUrl?: ((id: string) => string) | undefined;
    heartbeatMs?: number | undefined;
    headers?: PartialResponseInit['headers'] | undefined;
  },
): Promise<Response> {
  const headers = streamHeaders(id, init);
  // An id no header can carry (a newline decoded from a URL path) names no stream.
  if (!headers) return missing(id, 'unknown', new Headers(init.headers), init.heartbeatMs);
  if (!(Number.isSafeInteger(offset) && offset >= 0)) {
    const error = {
      type: 'invalid_offset',
      message: `The resume offset must be a whole number of characters`,
    };
    return toPartialResponse(once({ type: 'error', error }), {
      status: 400,
      headers,
      heartbeatMs: init.heartbeatMs,
    });
  }
  try {
    return await follow(init.store, id, offset, headers, init.heartbeatMs);
  } catch (error) {
    // The store failed (Redis down): a 503 with the error event, which a client may retry. Only a
    // store's own verdict is told; anything else stays on the server.
    const event: ProtocolEvent = {
      type: 'error',
      error:
        error instanceof ProviderError
          ? { type: error.type, message: error.message }
          : { type: 'stream_unavailable', message: 'The resume store failed' },
    };
    return toPartialResponse(once(event), { status: 503, headers, heartbeatMs: init.heartbeatMs });
  }
}

/**
 * The response headers that name a stream, or undefined when its id is no header value: one a header
 * refuses (a newline) or would change (spaces around it are trimmed), so that a client's resume by it
 * would name another stream.
 */
function streamHeaders(
  id: string,
  init: { resumeUrl?: ((id: string) => string) | undefined; headers?: PartialResponseInit['headers'] },
): Headers | undefined {
  const headers = new Headers(init.headers);
  try {
    headers.set(STREAM_ID_HEADER, id);
  } catch {
    return undefined;
  }
  if (headers.get(STREAM_ID_HEADER) !== id) return undefined;
  // The app's own function: what it throws (a URL no header carries included) is its error to see.
  if (init.resumeUrl) headers.set(RESUME_URL_HEADER, init.resumeUrl(id));
  return headers;
}

/** Cancels a stream for whichever process runs it: 204, or 404 when it is unknown or already over. */
export async function cancelResponse(id: string, init: { store: ResumeStore }): Promise<Response> {
  return new Response(null, { status: (await init.store.cancel(id)) ? 204 : 404 });
}

async function follow(
  store: ResumeStore,
  id: string,
  offset: number,
  headers: Headers,
  heartbeatMs: number | undefined,
): Promise<Response> {
  // Aborted when the response is cancelled (the client left): the store lets go of the read at once,
  // even while the stream is silent and no entry would wake it.
  const reader = new AbortController();
  const read = await store.read(id, offset, reader.signal);
  if (read.status !== 'found') return missing(id, read.status, headers, heartbeatMs);
  const rest = events(read.entries, offset);
  const source: AsyncIterable<ProtocolEvent> = {
    [Symbol.asyncIterator]: () => ({
      // The store failing to follow the log is no end of the stream (that is an entry): a cut, resumed.
      next: () =>
        rest.next().catch((error: unknown) => {
          throw error instanceof ProviderError && error.type === 'stream_unavailable'
            ? new StreamCut('The resume store stopped following the stream', { cause: error })
            : error;
        }),
      return: (value?: unknown) => {
        reader.abort();
        return rest.return(value as undefined);
      },
    }),
  };
  return toPartialResponse(source, { headers, heartbeatMs });
}

/** 404 for an unknown stream, 410 for an expired one, each with its `error` event. */
function missing(
  id: string,
  status: 'unknown' | 'expired',
  headers: Headers,
  heartbeatMs: number | undefined,
): Response {
  const gone = status === 'expired';
  const event: ProtocolEvent = {
    type: 'error',
    error: gone
      ? { type: 'stream_expired', message: `The stream ${id} has expired` }
      : { type: 'stream_not_found', message: `No stream with id ${id}` },
  };
  return toPartialResponse(once(event), { status: gone ? 410 : 404, headers, heartbeatMs });
}

async function* once(event: ProtocolEvent): AsyncGenerator<ProtocolEvent, void, undefined> {
  yield event;
}

/**
 * Log entries as protocol events with their offsets as ids; the entry that straddles `offset` is cut.
 * A store leaves out every entry that ends before `offset`, the last one too when the stream ended
 * short of it: that client asks for characters that never were, an `offset_out_of_range` error.
 */
async function* events(
  entries: AsyncIterable<StreamEntry>,
  offset: number,
): AsyncGenerator<ProtocolEvent, void, undefined> {
  for await (const entry of entries) {
    const { offset: end, event } = entry;
    if (event.type === 'text') {
      const start = end - event.text.length;
      const text = start < offset ? event.text.slice(offset - start) : event.text;
      if (text) yield { type: 'text', text, id: String(end) };
    } else yield { ...event, id: String(end) };
    if (isLast(entry)) return;
  }
  yield {
    type: 'error',
    error: { type: 'offset_out_of_range', message: `The stream ended before offset ${offset}` },
  };
}
