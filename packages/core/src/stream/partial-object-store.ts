import type { DecodeOptions } from '../decode/decode.ts';
import { decodeResumable, type ReconnectOptions } from '../decode/resume.ts';
import type { StreamSource } from '../decode/source.ts';
import { NetworkError, type PartialIssue, PartialKitError } from '../errors.ts';
import { ParseStage } from '../pipeline/parse-stage.ts';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from '../schema/standard.ts';
import type { DeepPartial, Path } from '../types.ts';
import { reportCallbackError } from './report.ts';
import { Throttle, type ThrottleSetting } from './throttle.ts';

/** `reconnecting`: a resumable stream lost its connection and is being resumed (the partial stays). */
export type StreamStatus = 'idle' | 'streaming' | 'reconnecting' | 'success' | 'error' | 'aborted';

/** What a UI renders. A new object whenever something changed, the same object otherwise. */
export interface PartialState<TPartial, TFinal> {
  /** The partial value, with stable identity for unchanged subtrees. */
  readonly object: TPartial | undefined;
  /** The validated output, once the stream finished successfully. */
  readonly data: TFinal | undefined;
  readonly status: StreamStatus;
  /**
   * Why the stream failed (`status: 'error'`). Every failure the kit detects is a {@link PartialKitError}
   * subclass: a lost connection is a {@link NetworkError} (the original `TypeError` is its `cause`), a
   * fetcher that returns something unreadable a `PartialKitError`. An error thrown by the app's own
   * fetcher or source (other than fetch's `TypeError`) is passed on unchanged, so it can be told apart.
   */
  readonly error: Error | undefined;
  /** Validation issues of the subtrees completed so far (paths from the root). */
  readonly issues: readonly PartialIssue[];
  /** 1 for the first attempt; grows when the server re-asks the model (a `reset` event). */
  readonly attempt: number;
  /** Reconnects in a row while `status` is `reconnecting` (0 otherwise). */
  readonly reconnects: number;
  /** The id of a resumable stream (from the server), to `resume` it after a page reload. */
  readonly streamId: string | undefined;
}

/** Returns the response to read: a `Response`, a web stream or an async iterable of text or bytes. */
export type Fetcher<I> = (input: I, init: { signal: AbortSignal }) => StreamSource | Promise<StreamSource>;

export interface PartialStoreOptions<S extends StandardSchemaV1, I = unknown> {
  schema: S;
  /** A function returning the stream, or a URL to POST `input` to as JSON. */
  fetcher: Fetcher<I> | string;
  /** How to decode the response (format, tool call, …). `extractJson` is on by default here. */
  decode?: Omit<DecodeOptions, 'signal'>;
  /**
   * Notification rate: `'frame'` (default: the first change at once, then at most one per animation
   * frame), `0` (every chunk) or a number of milliseconds.
   */
  throttle?: ThrottleSetting;
  /** Shown as `object` before the stream has produced anything. */
  initialValue?: DeepPartial<SchemaInput<S>>;
  /**
   * A resumable stream (the server sent `x-partialkit-resume`) that loses its connection is resumed
   * from the last event received, with bounded exponential backoff; `false` never reconnects.
   */
  reconnect?: ReconnectOptions | false;
  /** Where `resume(streamId)` resumes a stream (default: the fetcher URL followed by `/<id>`). */
  resumeUrl?: (streamId: string) => string;
  /** Maximum nesting depth of the JSON (default 1000); an invalid value fails the run with `InvalidOptionError`. */
  maxDepth?: number;
  /** Maximum JSON text length in UTF-16 code units; an invalid value fails the run with `InvalidOptionError`. */
  maxLength?: number;
  onUpdate?: (object: DeepPartial<SchemaInput<S>>) => void;
  onFinish?: (result: {
    data: SchemaOutput<S> | undefined;
    object: DeepPartial<SchemaInput<S>> | undefined;
    error: Error | undefined;
  }) => void;
  onError?: (error: Error) => void;
}

type Listener = () => void;
type State<S extends StandardSchemaV1> = PartialState<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>;

/** One request: its abort controller and its parse stage. A superseded run changes nothing. */
interface Run<S extends StandardSchemaV1> {
  readonly controller: AbortController;
  readonly stage: ParseStage<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>;
  /** Where a resumable stream is cancelled (DELETE) when the user stops it. */
  resumeUrl?: string;
}

/**
 * A vanilla store for one streamed object (Zustand's shape: `subscribe` + `getSnapshot`), usable from
 * React, Vue, Svelte or plain code. It owns the request, the parse stage and the throttling; frameworks
 * only bind to it. Callback errors are reported and never change the stream's state.
 */
export class PartialObjectStore<S extends StandardSchemaV1, I = unknown> {
  private options: PartialStoreOptions<S, I>;
  private state: State<S>;
  private readonly initial: State<S>;
  private readonly listeners = new Set<Listener>();
  private run: Run<S> | undefined;
  /** The parse stage of the latest run, kept after it ends (for `isComplete`). */
  private stage: ParseStage<DeepPartial<SchemaInput<S>>, SchemaOutput<S>> | undefined;
  private readonly throttle: Throttle;
  private detached = false;
  /** The state when the store was detached: listeners are told on `attach` if it changed since. */
  private detachedAt: State<S> | undefined;

  constructor(options: PartialStoreOptions<S, I>) {
    this.options = options;
    this.initial = {
      object: options.initialValue,
      data: undefined,
      status: 'idle',
      error: undefined,
      issues: [],
      attempt: 0,
      reconnects: 0,
      streamId: undefined,
    };
    this.state = this.initial;
    this.throttle = new Throttle(() => this.flush());
  }

  /** Replaces the options (the latest callbacks, fetcher and decode options apply from now on). */
  setOptions = (options: PartialStoreOptions<S, I>): void => {
    this.options = options;
  };

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): State<S> => this.state;

  /** The state for server rendering: always the initial one. */
  getServerSnapshot = (): State<S> => this.initial;

  /** Starts a request; a request still running is aborted first, so two never interleave. */
  submit = (input: I): Promise<void> => this.start((signal) => this.fetch(input, signal));

  /**
   * Follows a resumable stream from its start, e.g. after a page reload: `target` is a stream id (see
   * `streamId` and the `resumeUrl` option) or the stream's URL.
   */
  resume = (target: string): Promise<void> => {
    const url = target.includes('/') ? target : this.resumeUrlFor(target);
    // The resume response may not name its URL (`resumeResponse` does not know it): it is this one.
    return this.start((signal) => this.fetch(undefined, signal, url), url);
  };

  private resumeUrlFor(id: string): string {
    const { resumeUrl, fetcher } = this.options;
    if (resumeUrl) return resumeUrl(id);
    if (typeof fetcher === 'string') return `${fetcher.replace(/\/$/, '')}/${encodeURIComponent(id)}`;
    throw new PartialKitError('resume(id) needs the resumeUrl option when the fetcher is a function');
  }

  private start = async (
    open: (signal: AbortSignal) => Promise<StreamSource>,
    resumeUrl?: string,
  ): Promise<void> => {
    this.abortRun();
    const { schema, maxDepth, maxLength } = this.options;
    let stage: Run<S>['stage'];
    try {
      stage = new ParseStage({
        schema,
        ...(maxDepth !== undefined && { maxDepth }),
        ...(maxLength !== undefined && { maxLength }),
      });
    } catch (caught) {
      // an invalid bound (`maxLength: NaN`): the request is never made, and submit still resolves
      this.stage = undefined;
      this.fail({ ...this.initial, attempt: 1 }, asError(caught));
      return;
    }
    const run: Run<S> = { controller: new AbortController(), stage };
    this.run = run;
    this.stage = run.stage;
    this.set({ ...this.initial, status: 'streaming', attempt: 1 });
    // Starting on the next microtask lets a submit that is superseded in the same tick (StrictMode
    // running an effect twice) never reach the network.
    await Promise.resolve();
    const { signal } = run.controller;
    if (signal.aborted) return;
    let data: SchemaOutput<S>;
    try {
      const source = await open(signal);
      if (signal.aborted) {
        // stopped while the fetcher ran: a body it made without the signal must not stay open
        release(source);
        return;
      }
      const events = decodeResumable(source, {
        extractJson: true,
        ...this.options.decode,
        signal,
        reconnect: this.options.reconnect,
        resumeUrl,
        onResumable: ({ id, url }) => {
          run.resumeUrl = url;
          this.set({ ...this.state, streamId: id });
        },
        onReconnect: (reconnects) => {
          if (signal.aborted) return;
          this.flush();
          this.set({ ...this.state, status: reconnects ? 'reconnecting' : 'streaming', reconnects });
        },
      });
      for await (const event of events) {
        if (signal.aborted) return;
        if (run.stage.apply(event)) {
          this.set({
            ...this.state,
            object: this.options.initialValue,
            issues: [],
            attempt: run.stage.attempt,
          });
          continue;
        }
        this.throttle.request(this.options.throttle ?? 'frame');
      }
      if (signal.aborted) return;
      data = await run.stage.finish();
      if (signal.aborted) return; // stopped while an async validation ran
    } catch (caught) {
      if (signal.aborted) return; // stop, reset, a newer submit or detach already set the state
      this.flush();
      if (signal.aborted) return; // onUpdate or a listener stopped it
      this.run = undefined;
      this.fail({ ...this.state, reconnects: 0, issues: run.stage.parser.issues }, asError(caught));
      return;
    }
    this.flush();
    if (signal.aborted) return; // onUpdate or a listener stopped it
    this.run = undefined;
    this.set({
      ...this.state,
      status: 'success',
      data,
      object: run.stage.parser.value,
      issues: run.stage.parser.issues,
    });
    const object = run.stage.parser.value; // a listener may already have started another run
    if (!this.detached) this.call(() => this.options.onFinish?.({ data, object, error: undefined }));
  };

  /**
   * Aborts the request and keeps the partial value (`status: 'aborted'`). A resumable stream survives
   * a dropped connection, so it is also cancelled on the server (a DELETE to its resume URL), which
   * stops the model call.
   */
  stop = (): void => {
    const run = this.run;
    if (!run) return;
    this.flush();
    this.abortRun();
    this.set({ ...this.state, status: 'aborted', reconnects: 0 });
    if (run.resumeUrl) {
      fetch(run.resumeUrl, { method: 'DELETE' }).then(
        (response) => void response.body?.cancel(),
        (error: unknown) => reportCallbackError(new NetworkError(error)),
      );
    }
  };

  /** Aborts any request and returns to the initial state. */
  reset = (): void => {
    this.abortRun();
    this.stage = undefined;
    this.set(this.initial);
  };

  /** Whether an object or array node of any snapshot is complete (will never change again). */
  isComplete = (node: object): boolean => this.stage?.parser.isComplete(node) ?? false;

  /** Whether the value at `path` of the current value is complete. */
  isCompleteAt = (path: Path): boolean => this.stage?.parser.isCompleteAt(path) ?? false;

  /**
   * Binds the store to a mounted UI. The returned function detaches it: a running request is aborted
   * (`status: 'aborted'`, the partial kept) and callbacks are silenced until the next `attach`.
   */
  attach = (): (() => void) => {
    const wasDetached = this.detached;
    this.detached = false;
    if (wasDetached && this.state !== this.detachedAt) this.notify();
    this.detachedAt = undefined;
    return () => {
      if (this.run) {
        this.flush();
        this.abortRun();
        this.detachedAt = this.state; // what the listeners last saw: they hear of 'aborted' on attach
        this.state = { ...this.state, status: 'aborted' };
      } else this.detachedAt = this.state;
      this.detached = true;
    };
  };

  private async fetch(input: I | undefined, signal: AbortSignal, resumeUrl?: string): Promise<StreamSource> {
    const fetcher = this.options.fetcher;
    let source: unknown;
    try {
      if (resumeUrl) source = await fetch(resumeUrl, { headers: { accept: 'text/event-stream' }, signal });
      else
        source =
          typeof fetcher === 'string'
            ? await postJson(fetcher, input, signal)
            : await fetcher(input as I, { signal });
    } catch (error) {
      // fetch rejects with a bare TypeError when the network fails.
      if (error instanceof TypeError && !signal.aborted) throw new NetworkError(error);
      throw error;
    }
    // `textOf` names what an object is not; a primitive (`42`, a forgotten `return`) fails here.
    if (source === null || typeof source !== 'object') {
      const what = source === undefined ? 'undefined' : `${typeof source} ${String(source).slice(0, 40)}`;
      throw new PartialKitError(
        `The fetcher returned ${what}: expected a Response, a ReadableStream or an (async) iterable of text or bytes`,
      );
    }
    return source as StreamSource;
  }

  private abortRun(): void {
    this.throttle.cancel();
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.controller.abort(new DOMException('The request was superseded or stopped.', 'AbortError'));
  }

  /** Applies parser progress to the state now. */
  private flush(): void {
    this.throttle.cancel();
    const run = this.run;
    if (!run) return;
    const parser = run.stage.parser;
    const object = parser.value ?? this.options.initialValue;
    if (object === this.state.object && parser.issues === this.state.issues) return;
    this.set({ ...this.state, object, issues: parser.issues });
    if (object !== undefined && !this.detached) this.call(() => this.options.onUpdate?.(object));
  }

  /** Sets the failed state, then tells the callbacks (which cannot change it). */
  private fail(state: State<S>, error: Error): void {
    this.set({ ...state, status: 'error', error });
    if (this.detached) return;
    const { object } = state; // onError may already have started another run
    this.call(() => this.options.onError?.(error));
    this.call(() => this.options.onFinish?.({ data: undefined, object, error }));
  }

  /** Runs a user callback: its error is reported, never allowed to change the stream's state. */
  private call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      reportCallbackError(error);
    }
  }

  private set(next: State<S>): void {
    this.state = next;
    if (!this.detached) this.notify();
  }

  /** Listeners are user code too: one that throws neither stops the others nor fails the stream. */
  private notify(): void {
    for (const listener of this.listeners) this.call(listener);
  }
}

function asError(caught: unknown): Error {
  if (caught instanceof PartialKitError) return caught;
  if (caught instanceof Error) return caught;
  return new PartialKitError(String(caught));
}

/** Cancels a body that will not be read. */
function release(source: StreamSource): void {
  const stream = source instanceof Response ? source.body : source;
  if (stream instanceof ReadableStream && !stream.locked) stream.cancel().catch(() => {});
}

async function postJson(url: string, input: unknown, signal: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream, application/json, text/plain',
    },
    body: JSON.stringify(input),
    signal,
  });
}
