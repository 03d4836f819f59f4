import type { Fetcher, PartialIssue, PartialState, Path, StreamSource, StreamStatus } from '@partialkit/core';
import { decode } from '@partialkit/core';
import {
  type ChunkMark,
  EMPTY_TIMELINE,
  type IssueMark,
  type ReconnectMark,
  type ResetMark,
  type Timeline,
} from './timeline.ts';

/** The part of a `PartialObjectStore` the recorder reads (any schema, any input). */
export interface InspectableStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): PartialState<unknown, unknown>;
  isComplete(node: object): boolean;
  isCompleteAt(path: Path): boolean;
}

export interface StreamRecorderOptions {
  /** The clock, in ms (default `performance.now`). */
  now?: () => number;
}

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
  fields: Map<string, Field>;
  issues: IssueMark[];
  issueKeys: Set<string>;
  resets: ResetMark[];
  reconnects: ReconnectMark[];
  tapped: boolean;
  /** Containers already seen closed: their subtrees never change, so walks skip them. */
  closed: WeakSet<object>;
}

/** A run is under way while it streams or reconnects (a reconnect continues the same run). */
const running = (status: StreamStatus | undefined) => status === 'streaming' || status === 'reconnecting';

const issueKey = (i: PartialIssue) => `${i.path.map(String).join('.')}\u0000${i.code}\u0000${i.message}`;

/**
 * Records the timeline of a store's runs: fields and list items as they appear and close, validation
 * issues as they are found, resets, and (through {@link StreamRecorder.tap}) the bytes of each network
 * read. Field times are those of the store's notifications, so with the default `'frame'` throttle they
 * are accurate to a frame. Read it with `subscribe` + `getSnapshot`, like the store; listeners are
 * called at most once per animation frame.
 */
export class StreamRecorder {
  private run: Run | undefined;
  private snapshot: Timeline = EMPTY_TIMELINE;
  private dirty = false;
  private scheduled = false;
  private readonly listeners = new Set<() => void>();
  private last: PartialState<unknown, unknown> | undefined;
  private readonly now: () => number;

  constructor(options: StreamRecorderOptions = {}) {
    this.now = options.now ?? (() => performance.now());
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
        issues: run.issues.slice(),
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
    return store.subscribe(onChange);
  }

  /**
   * Wraps a fetcher (or a URL to POST the input to as JSON, as the store does) so the recorder sees the
   * response's bytes: each read's size and time, and the JSON characters it carried. The store reads
   * the body unchanged; the recorder reads a copy.
   */
  tap<I>(fetcher: Fetcher<I> | string): Fetcher<I> {
    return async (input, init) => {
      const source = await (typeof fetcher === 'string'
        ? postJson(fetcher, input, init.signal)
        : fetcher(input, init));
      if (!(source instanceof Response) || !source.body || !source.ok) return source;
      const [mine, theirs] = source.body.tee();
      if (this.run) void this.count(this.run, mine, source.headers, init.signal);
      return new Response(theirs, {
        status: source.status,
        statusText: source.statusText,
        headers: source.headers,
      });
    };
  }

  private async count(
    run: Run,
    body: ReadableStream<Uint8Array>,
    headers: Headers,
    signal: AbortSignal,
  ): Promise<void> {
    run.tapped = true;
    this.changed();
    // Bytes are counted as they pass; the decoder behind them says how many JSON characters they held
    // (credited to the latest read: the decoder is at most one read behind).
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          run.chunks.push({ t: this.elapsed(run), bytes: chunk.byteLength, chars: 0 });
          run.bytes += chunk.byteLength;
          this.changed();
          controller.enqueue(chunk);
        },
      }),
      { signal },
    );
    try {
      for await (const event of decode(new Response(counted, { headers }), { signal })) {
        const last = run.chunks[run.chunks.length - 1];
        if (event.type !== 'text' || !last) continue;
        run.chunks[run.chunks.length - 1] = { ...last, chars: last.chars + event.text.length };
        run.chars += event.text.length;
        this.changed();
      }
    } catch {
      // the store reports the stream's errors; the copy only counts
    }
  }

  private observe(store: InspectableStore): void {
    const state = store.getSnapshot();
    const previous = this.last;
    this.last = state;
    if (state === previous) return;
    if (state.status === 'streaming' && !running(previous?.status)) this.begin();
    const run = this.run;
    if (!run) return;
    const t = this.elapsed(run);
    if (state.status === 'reconnecting' && state.reconnects > (previous?.reconnects ?? 0))
      run.reconnects.push({ t, attempt: state.reconnects });
    if (previous && running(previous.status) && state.attempt > previous.attempt) {
      // A new attempt starts from nothing: its fields appear afresh.
      run.fields = new Map();
      run.closed = new WeakSet();
      run.resets.push({ t, attempt: state.attempt });
    }
    if (state.object !== undefined && state.object !== previous?.object)
      this.walk(store, run, state.object, [], t);
    for (const issue of state.issues) {
      const key = issueKey(issue);
      if (run.issueKeys.has(key)) continue;
      run.issueKeys.add(key);
      run.issues.push({ t, issue });
    }
    run.status = state.status;
    run.error = state.error ? { name: state.error.name, message: state.error.message } : undefined;
    if (!running(state.status) && run.endedAt === undefined) run.endedAt = t;
    this.changed();
  }

  private begin(): void {
    this.run = {
      id: (this.run?.id ?? 0) + 1,
      started: this.now(),
      status: 'streaming',
      error: undefined,
      endedAt: undefined,
      chunks: [],
      bytes: 0,
      chars: 0,
      fields: new Map(),
      issues: [],
      issueKeys: new Set(),
      resets: [],
      reconnects: [],
      tapped: false,
      closed: new WeakSet(),
    };
  }

  private walk(store: InspectableStore, run: Run, node: unknown, path: Path, t: number): void {
    const container = typeof node === 'object' && node !== null;
    if (container && run.closed.has(node)) return;
    if (path.length > 0) {
      const key = path.join('\u0000');
      let field = run.fields.get(key);
      if (!field) {
        field = { path, firstAt: t, closedAt: undefined };
        run.fields.set(key, field);
      }
      if (field.closedAt === undefined && (container ? store.isComplete(node) : store.isCompleteAt(path))) {
        field.closedAt = t;
      }
    }
    if (!container) return;
    const complete = store.isComplete(node);
    if (Array.isArray(node))
      for (let i = 0; i < node.length; i++) this.walk(store, run, node[i], [...path, i], t);
    else for (const [k, child] of Object.entries(node)) this.walk(store, run, child, [...path, k], t);
    if (complete) run.closed.add(node);
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

async function postJson(url: string, input: unknown, signal: AbortSignal): Promise<StreamSource> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(input),
    signal,
  });
}
