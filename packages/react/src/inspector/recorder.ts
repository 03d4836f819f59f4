import type {
  DecodeOptions,
  Fetcher,
  FetchFunction,
  PartialIssue,
  PartialState,
  Path,
  StreamSource,
  StreamStatus,
} from '@partialkit/core';
import { decode, NetworkError } from '@partialkit/core';
import {
  type ChunkMark,
  EMPTY_TIMELINE,
  type IssueMark,
  NO_UNLISTED_FIELDS,
  type ReconnectMark,
  type ResetMark,
  type Timeline,
  type UnlistedFields,
} from './timeline.ts';

/** The part of a `PartialObjectStore` the recorder reads (any schema, any input). */
export interface InspectableStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): PartialState<unknown, unknown>;
  isComplete(node: object): boolean;
  isCompleteAt(path: Path): boolean;
  /**
   * The store's initial state. With it, a submit that supersedes a running one starts a new timeline
   * (a run starts from the initial state); without it, only a submit after the run ended does.
   */
  getServerSnapshot?(): PartialState<unknown, unknown>;
}

export interface StreamRecorderOptions {
  /** The clock, in ms (default `performance.now`). */
  now?: (() => number) | undefined;
  /**
   * The `decode` option of the store it records (pass the same object): the response is decoded as the
   * store decodes it, so "JSON chars" counts the JSON the store parsed (with `toolCall`, the tool call's
   * arguments, not the message text). As in `PartialObjectStore`, `extractJson` is on unless set to false.
   */
  decode?: Omit<DecodeOptions, 'signal'> | undefined;
}

/**
 * Fields (and list items) an attempt keeps a mark for: the first ones to appear, which are those the
 * chart draws. Past it they are only counted, so a long list costs a bounded memory and snapshot copy.
 */
export const MAX_FIELDS = 2000;

/**
 * Chunk marks a run keeps. Past it, consecutive marks are merged two by two (each then stands for
 * more reads), so the byte curve keeps its shape at a coarser grain and the chart draws a bounded
 * number of ticks. The first mark is never merged: it is the time to first byte.
 */
export const MAX_CHUNKS = 1000;

/**
 * Validation issues a run keeps a mark for: the first ones found. Past it they are only counted
 * (`Timeline.unlistedIssues`), as fields are past {@link MAX_FIELDS}.
 */
export const MAX_ISSUES = 2000;

interface Field {
  path: Path;
  firstAt: number;
  closedAt: number | undefined;
}

/** The run being recorded; mutated in place, copied into an immutable {@link Timeline} when read. */
interface Run {
  id: number;
  started: number;
  status: StreamStatus;
  error: Timeline['error'];
  endedAt: number | undefined;
  chunks: ChunkMark[];
  bytes: number;
  chars: number;
  /** Reads merged into each new chunk mark (doubles each time the marks are merged). */
  readsPerMark: number;
  fields: Map<string, Field>;
  /** Fields past `MAX_FIELDS` in closed subtrees: the walks skip those, so they are counted once here. */
  settled: Tally;
  unlisted: UnlistedFields;
  issues: IssueMark[];
  /** Issues found past `MAX_ISSUES`: counted, not kept. */
  unlistedIssues: number;
  /** The store's list of issues last looked at (the current attempt's). */
  issueList: readonly PartialIssue[];
  /** The attempt's issues marked so far (at most `MAX_ISSUES`), so a rebuilt list marks none twice. */
  issueKeys: Set<string>;
  resets: ResetMark[];
  reconnects: ReconnectMark[];
  tapped: boolean;
  /** The JSON characters of the bodies tapped (the first response, then each reconnect's). */
  text: RunText;
  /** Containers already seen closed: their subtrees never change, so walks skip them. */
  closed: WeakSet<object>;
}

interface Tally {
  count: number;
  closed: number;
}

const NONE: Readonly<Tally> = { count: 0, closed: 0 };

/** A run is under way while it streams or reconnects (a reconnect continues the same run). */
const running = (status: StreamStatus | undefined) => status === 'streaming' || status === 'reconnecting';

const issueKey = (i: PartialIssue) => `${i.path.map(String).join('.')}\u0000${i.code}\u0000${i.message}`;

/**
 * Whether `state` is the one a store starts a run with: the initial state, streaming, at attempt 1.
 * The store makes it afresh at each submit, and every later state of the run differs from it (a
 * notification carries the parser's own `issues` list, a reset a new one, a resumable stream its id).
 */
const isRunStart = (state: PartialState<unknown, unknown>, initial: PartialState<unknown, unknown>) =>
  state.status === 'streaming' &&
  state.attempt === 1 &&
  state.reconnects === 0 &&
  state.object === initial.object &&
  state.issues === initial.issues &&
  state.streamId === initial.streamId;

/**
 * Records the timeline of a store's runs: fields and list items as they appear and close, validation
 * issues as they are found, resets, and the bytes of each network read of the responses it sees: the
 * fetcher's through {@link StreamRecorder.tap}, and those of the store's own requests (a URL fetcher's
 * POST, `resume`, the reconnects of a resumable stream) through {@link StreamRecorder.fetch} given as
 * the store's `fetch` option. A store with `decode` options needs the same ones here
 * ({@link StreamRecorderOptions.decode}) for the JSON characters to be those it parsed. Field times are
 * those of the store's notifications, so with the default `'frame'` throttle they are accurate to a
 * frame. Read it with `subscribe` + `getSnapshot`, like the store; listeners are called at most once per
 * animation frame. However long the run, what it keeps is bounded (see {@link MAX_FIELDS},
 * {@link MAX_CHUNKS} and {@link MAX_ISSUES}).
 */
export class StreamRecorder {
  private run: Run | undefined;
  private snapshot: Timeline = EMPTY_TIMELINE;
  private dirty = false;
  private scheduled = false;
  private readonly listeners = new Set<() => void>();
  private last: PartialState<unknown, unknown> | undefined;
  private readonly now: () => number;
  /** How each body is decoded to count its JSON characters, and whether the JSON is extracted. */
  private readonly decoding: { body: BodyDecodeOptions; extractJson: boolean };
  /** Stores followed now: `tap` counts bytes only then. */
  private watching = 0;
  /** The responses the recorder made: one tapped twice (a tapped fetcher calling `fetch`) is counted once. */
  private readonly made = new WeakSet<Response>();

  constructor(options: StreamRecorderOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    // The store's own defaults: extraction on, and no `onRetry` of the app's called twice.
    const { extractJson = true, onRetry: _onRetry, ...body } = options.decode ?? {};
    this.decoding = { body, extractJson };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): Timeline => {
    const run = this.run;
    if (this.dirty && run) {
      this.dirty = false;
      this.snapshot = {
        run: run.id,
        status: run.status,
        error: run.error,
        endedAt: run.endedAt,
        chunks: run.chunks.slice(),
        bytes: run.bytes,
        chars: run.chars,
        fields: [...run.fields.values()].map((f) => ({ ...f })),
        unlisted: run.unlisted,
        issues: run.issues.slice(),
        unlistedIssues: run.unlistedIssues,
        resets: run.resets.slice(),
        reconnects: run.reconnects.slice(),
        tapped: run.tapped,
      };
    }
    return this.snapshot;
  };

  /** Follows a store from now on; returns the function that stops following it. */
  watch(store: InspectableStore): () => void {
    const onChange = () => this.observe(store);
    onChange();
    const unsubscribe = store.subscribe(onChange);
    this.watching++;
    let watched = true;
    return () => {
      if (!watched) return;
      watched = false;
      this.watching--;
      unsubscribe();
    };
  }

  /**
   * Wraps a fetcher (or a URL to POST the input to as JSON, as the store does) so the recorder sees the
   * response's bytes: each read's size and time, and the JSON characters it carried. Outside a run
   * (or while no store is watched) the response is passed on as it is. The reconnects of a resumable
   * stream do not go through the fetcher but through the store's `fetch` option: give it
   * {@link StreamRecorder.fetch} (or {@link StreamRecorder.tapFetch}) for them to be counted too.
   */
  tap<I>(fetcher: Fetcher<I> | string): Fetcher<I> {
    return async (input, init) => {
      // The store calls the fetcher once its run has started: the request is that run's.
      const run = this.recording();
      const source = await (typeof fetcher === 'string'
        ? postJson(fetcher, input, init.signal)
        : fetcher(input, init));
      return source instanceof Response ? this.counted(run, source) : source;
    };
  }

  /**
   * Wraps a fetch function (default: the global `fetch`, as it is when called) to give as the store's
   * `fetch` option: the store makes its own requests with it (a URL fetcher's POST, `resume`, the
   * reconnects of a resumable stream, `stop`'s DELETE), and the bodies of those made during a run are
   * counted into that run, as {@link StreamRecorder.tap} counts the fetcher's. With a URL fetcher it is
   * all the store needs; with a function fetcher, tap that as well.
   */
  tapFetch(fetchFunction?: FetchFunction): FetchFunction {
    return async (url, init) => {
      // Stop's DELETE comes after the run ended; the store only cancels its body.
      const run = init.method?.toUpperCase() === 'DELETE' ? undefined : this.recording();
      const response = await (fetchFunction ?? fetch)(url, init);
      return this.counted(run, response);
    };
  }

  /** {@link StreamRecorder.tapFetch} of the global `fetch`: `{ fetch: recorder.fetch }` in the store's options. */
  readonly fetch: FetchFunction = this.tapFetch();

  /** The run a request made now belongs to: the one under way, while a store is watched. */
  private recording(): Run | undefined {
    return this.watching > 0 && this.run?.endedAt === undefined ? this.run : undefined;
  }

  /**
   * The response with its body counted into `run`, or the response itself when it is no longer that
   * run's (the run ended or was superseded meanwhile), has no body or failed.
   */
  private counted(run: Run | undefined, source: Response): Response {
    if (!run || run !== this.run || run.endedAt !== undefined || !source.body || !source.ok) return source;
    if (this.made.has(source)) return source;
    const response = new Response(this.countedBody(run, source.body, source.headers), {
      status: source.status,
      statusText: source.statusText,
      headers: source.headers,
    });
    // A constructed Response has an empty `url`, yet the store resolves a relative resume URL
    // against it: the fetched one's is kept (an own property over the prototype's getter).
    Object.defineProperty(response, 'url', { value: source.url, enumerable: true });
    this.made.add(response);
    return response;
  }

  /**
   * The body as the store reads it, each read counted on its way. It is no tee: nothing is read
   * ahead of the store, nothing buffered for a reader that lags, and when the store cancels (stop,
   * unmount, a failure) the body is cancelled as if it were not tapped.
   */
  private countedBody(
    run: Run,
    body: ReadableStream<Uint8Array>,
    headers: Headers,
  ): ReadableStream<Uint8Array> {
    run.tapped = true;
    this.changed();
    const reader = body.getReader();
    const copy = run.text.body(headers);
    let cancelled = false;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch (error) {
          copy.end();
          throw error;
        }
        if (cancelled) return; // the read the cancel ended
        if (read.done) {
          copy.end();
          controller.close();
          return;
        }
        this.countRead(run, read.value.byteLength);
        copy.push(read.value);
        controller.enqueue(read.value);
      },
      cancel: (reason) => {
        cancelled = true;
        copy.end();
        return reader.cancel(reason);
      },
    });
  }

  private countRead(run: Run, bytes: number): void {
    const t = this.elapsed(run);
    run.bytes += bytes;
    const { chunks } = run;
    const last = chunks[chunks.length - 1];
    // The first mark stays one read: it is the time to first byte.
    if (last && chunks.length > 1 && (last.reads ?? 1) < run.readsPerMark)
      chunks[chunks.length - 1] = {
        t,
        bytes: last.bytes + bytes,
        chars: last.chars,
        reads: (last.reads ?? 1) + 1,
      };
    else chunks.push({ t, bytes, chars: 0 });
    if (chunks.length > MAX_CHUNKS) {
      run.chunks = mergePairs(chunks);
      run.readsPerMark *= 2;
    }
    this.changed();
  }

  private countChars(run: Run, chars: number): void {
    const last = run.chunks[run.chunks.length - 1];
    if (!last) return;
    run.chunks[run.chunks.length - 1] = { ...last, chars: last.chars + chars };
    run.chars += chars;
    this.changed();
  }

  private observe(store: InspectableStore): void {
    const state = store.getSnapshot();
    const previous = this.last;
    this.last = state;
    if (state === previous) return;
    if (
      state.status === 'streaming' &&
      (!running(previous?.status) || this.superseded(store, state, previous))
    )
      this.begin();
    const run = this.run;
    if (!run) return;
    const t = this.elapsed(run);
    if (state.status === 'reconnecting' && state.reconnects > (previous?.reconnects ?? 0))
      run.reconnects.push({ t, attempt: state.reconnects });
    if (previous && running(previous.status) && state.attempt > previous.attempt) {
      // A new attempt starts from nothing: its fields appear afresh.
      run.fields = new Map();
      run.closed = new WeakSet();
      run.settled = { count: 0, closed: 0 };
      run.unlisted = NO_UNLISTED_FIELDS;
      // The store clears its issues too, and the new attempt may repeat one: it is found again.
      run.issueList = [];
      run.issueKeys = new Set();
      run.resets.push({ t, attempt: state.attempt });
    }
    if (state.object !== undefined && state.object !== previous?.object)
      this.record(store, run, state.object, t);
    this.recordIssues(run, state.issues, t);
    run.status = state.status;
    run.error = state.error ? { name: state.error.name, message: state.error.message } : undefined;
    if (!running(state.status) && run.endedAt === undefined) {
      run.endedAt = t;
      run.text.end();
    }
    this.changed();
  }

  /**
   * Marks the issues the store's list gained, looking at each issue it holds once. Within an attempt
   * the list grows at its end; when an enclosing subtree closes, the issues found inside it (the end of
   * the list) are replaced by those of its own validation: new objects, the same issues again, fewer or
   * others (zod reports only `too_big` for a list too long, not its items' issues). So the part kept as
   * it was is found from the end, in as many steps as there are new objects, and of those only the issues
   * not yet marked in the attempt are. Past `MAX_ISSUES` no key is kept: the issues are counted by how
   * much the list grew.
   */
  private recordIssues(run: Run, issues: readonly PartialIssue[], t: number): void {
    const previous = run.issueList;
    if (issues === previous) return;
    run.issueList = issues;
    let kept = Math.min(previous.length, issues.length);
    while (kept > 0 && issues[kept - 1] !== previous[kept - 1]) kept--;
    for (let i = kept; i < issues.length; i++) {
      if (run.issues.length >= MAX_ISSUES) {
        run.unlistedIssues += Math.max(0, issues.length - Math.max(i, previous.length));
        return;
      }
      const issue = issues[i]!;
      const key = issueKey(issue);
      if (run.issueKeys.has(key)) continue;
      run.issueKeys.add(key);
      run.issues.push({ t, issue });
    }
  }

  /** A new submit while a run streams: the store went back to the state a run starts with. */
  private superseded(
    store: InspectableStore,
    state: PartialState<unknown, unknown>,
    previous: PartialState<unknown, unknown> | undefined,
  ): boolean {
    const initial = store.getServerSnapshot?.();
    // Twice in a row is one run (a resumable stream without an id re-sets it before anything arrived);
    // a second submit before anything arrived is then missed, and with it nothing but the start time.
    return (
      initial !== undefined && isRunStart(state, initial) && !(previous && isRunStart(previous, initial))
    );
  }

  private begin(): void {
    // A superseded run's bodies are cancelled by the store: its count ends with them.
    this.run?.text.end();
    const run: Run = {
      id: (this.run?.id ?? 0) + 1,
      started: this.now(),
      status: 'streaming',
      error: undefined,
      endedAt: undefined,
      chunks: [],
      bytes: 0,
      chars: 0,
      readsPerMark: 1,
      fields: new Map(),
      settled: { count: 0, closed: 0 },
      unlisted: NO_UNLISTED_FIELDS,
      issues: [],
      unlistedIssues: 0,
      issueList: [],
      issueKeys: new Set(),
      resets: [],
      reconnects: [],
      tapped: false,
      text: new RunText(this.decoding.body, this.decoding.extractJson, (chars) =>
        this.countChars(run, chars),
      ),
      closed: new WeakSet(),
    };
    this.run = run;
  }

  /** Walks a new snapshot; the fields past `MAX_FIELDS` are those of closed subtrees plus those seen now. */
  private record(store: InspectableStore, run: Run, object: unknown, t: number): void {
    const open = this.walk(store, run, object, [], t);
    const count = run.settled.count + open.count;
    const closed = run.settled.closed + open.closed;
    if (count !== run.unlisted.count || closed !== run.unlisted.closed)
      run.unlisted = { count, closed, lastAt: t };
  }

  /**
   * Marks the fields under `node` that appeared or closed; returns how many fields past `MAX_FIELDS`
   * it holds outside closed subtrees (a closed subtree's are added to `run.settled` once, as it closes).
   */
  private walk(store: InspectableStore, run: Run, node: unknown, path: Path, t: number): Tally {
    const container = typeof node === 'object' && node !== null;
    if (container && run.closed.has(node)) return NONE;
    const open: Tally = { count: 0, closed: 0 };
    if (path.length > 0) this.mark(store, run, node, path, t, open);
    if (!container) return open;
    const complete = store.isComplete(node);
    if (Array.isArray(node))
      for (let i = 0; i < node.length; i++) add(open, this.walk(store, run, node[i], [...path, i], t));
    else
      for (const [k, child] of Object.entries(node)) add(open, this.walk(store, run, child, [...path, k], t));
    if (!complete) return open;
    run.closed.add(node);
    add(run.settled, open);
    return NONE;
  }

  /** Marks one field, or counts it in `unlisted` once the attempt has `MAX_FIELDS` marks. */
  private mark(
    store: InspectableStore,
    run: Run,
    node: unknown,
    path: Path,
    t: number,
    unlisted: Tally,
  ): void {
    const key = path.join('\u0000');
    const field = run.fields.get(key);
    if (field?.closedAt !== undefined) return;
    const closed =
      typeof node === 'object' && node !== null ? store.isComplete(node) : store.isCompleteAt(path);
    if (field) {
      if (closed) field.closedAt = t;
    } else if (run.fields.size < MAX_FIELDS) {
      run.fields.set(key, { path, firstAt: t, closedAt: closed ? t : undefined });
    } else {
      unlisted.count++;
      if (closed) unlisted.closed++;
    }
  }

  private elapsed(run: Run): number {
    return Math.round((this.now() - run.started) * 10) / 10;
  }

  /** Marks the snapshot stale and notifies listeners once per frame (or task, outside a browser). */
  private changed(): void {
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    const notify = () => {
      this.scheduled = false;
      for (const listener of this.listeners) listener();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(notify);
    else setTimeout(notify, 0);
  }
}

/** The store's decode options a body is decoded with (the JSON is extracted over the whole run). */
type BodyDecodeOptions = Omit<DecodeOptions, 'signal' | 'onRetry' | 'extractJson'>;

/** What the store read of one body, fed to the decoder that counts its JSON characters. */
interface BodyCopy {
  push(chunk: Uint8Array): void;
  end(): void;
}

/**
 * Counts the JSON characters of a run's bodies as the store reads them: each body (the first response,
 * then each reconnect's) decoded with the store's options, one after the other, and with `extractJson`
 * one extraction over them all, as the store's (a resumed body continues the JSON; a reset restarts it).
 * The decoders are fed what the store read and never pull a body, so they are at most a read behind:
 * the characters are credited to the latest read.
 */
class RunText {
  /** The decoding of the bodies so far, in order. */
  private decoded: Promise<void> = Promise.resolve();
  /** Bodies not decoded to their end yet. */
  private open = 0;
  private ended = false;
  /** The text of the current attempt, to core's extraction (made at its first text). */
  private extraction: ReadableStreamDefaultController<string> | undefined;

  constructor(
    private readonly options: BodyDecodeOptions,
    private readonly extractJson: boolean,
    private readonly count: (chars: number) => void,
  ) {}

  /** A decoder for one more body of the run, decoding once those before it are. */
  body(headers: Headers): BodyCopy {
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    const copy = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      cancel: () => {
        controller = undefined; // the decoder gave up (an undecodable body): the store reports it
      },
    });
    this.open++;
    this.decoded = this.decoded.then(async () => {
      try {
        for await (const event of decode(new Response(copy, { headers }), this.options)) {
          if (event.type === 'reset') this.restart();
          else this.text(event.text);
        }
      } catch {
        // the store reports the stream's errors; the copy only counts
      } finally {
        this.open--;
        this.close();
      }
    });
    return {
      push: (chunk) => controller?.enqueue(chunk),
      end: () => {
        controller?.close();
        controller = undefined;
      },
    };
  }

  /** The run ended: the extraction ends once the bodies still being decoded are. */
  end(): void {
    this.ended = true;
    this.close();
  }

  private text(text: string): void {
    if (!this.extractJson) {
      this.count(text.length);
      return;
    }
    this.extraction ??= this.extract();
    this.extraction.enqueue(text);
  }

  /** A new attempt: its JSON is sought afresh (the text already queued is still counted). */
  private restart(): void {
    this.extraction?.close();
    this.extraction = undefined;
  }

  private close(): void {
    if (this.ended && this.open === 0) this.restart();
  }

  /** Core's `extractJson` over the text of an attempt, counting what it passes on. */
  private extract(): ReadableStreamDefaultController<string> {
    let controller: ReadableStreamDefaultController<string> | undefined;
    const texts = new ReadableStream<string>({
      start: (c) => {
        controller = c;
      },
    });
    void (async () => {
      try {
        for await (const event of decode(texts, { format: 'text', extractJson: true }))
          if (event.type === 'text') this.count(event.text.length);
      } catch {
        // text only: nothing to fail
      }
    })();
    return controller!;
  }
}

function add(to: Tally, tally: Readonly<Tally>): void {
  to.count += tally.count;
  to.closed += tally.closed;
}

/** The marks two by two, each pair one mark at the later read's time (the first mark kept alone). */
function mergePairs(chunks: readonly ChunkMark[]): ChunkMark[] {
  const merged = chunks.slice(0, 1);
  for (let i = 1; i < chunks.length; i += 2) {
    const a = chunks[i]!;
    const b = chunks[i + 1];
    merged.push(
      b
        ? {
            t: b.t,
            bytes: a.bytes + b.bytes,
            chars: a.chars + b.chars,
            reads: (a.reads ?? 1) + (b.reads ?? 1),
          }
        : a,
    );
  }
  return merged;
}

/** What the store does with a URL: POSTs the input, and a lost connection is a `NetworkError`. */
async function postJson(url: string, input: unknown, signal: AbortSignal): Promise<StreamSource> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream, application/x-ndjson, application/json, text/plain',
      },
      body: JSON.stringify(input),
      signal,
    });
  } catch (error) {
    throw error instanceof TypeError && !signal.aborted ? new NetworkError(error) : error;
  }
}
