import type { DecodeOptions } from '../decode/decode.ts';
import type { DecodedEvent } from '../decode/events.ts';
import {
  decodeResumable,
  type FetchFunction,
  type ReconnectOptions,
  reconnectSettings,
} from '../decode/resume.ts';
import { cancelUnread, type StreamSource } from '../decode/source.ts';
import { NetworkError, PartialKitError } from '../errors.ts';
import { reportCallbackError } from './report.ts';
import { asError, fetchSource } from './request.ts';
import { Throttle, type ThrottleSetting } from './throttle.ts';

/** `reconnecting`: a resumable stream lost its connection and is being resumed (the partial stays). */
export type StreamStatus = 'idle' | 'streaming' | 'reconnecting' | 'success' | 'error' | 'aborted';

/** Returns the response to read: a `Response`, a web stream or an async iterable of text or bytes. */
export type Fetcher<I> = (input: I, init: { signal: AbortSignal }) => StreamSource | Promise<StreamSource>;

/**
 * `status` and `error` together: `error` is set exactly when `status` is `'error'`, so checking the
 * status narrows it (`if (state.status === 'error') state.error.message`).
 */
export type StreamStatusState =
  | { readonly status: 'error'; readonly error: Error }
  | { readonly status: Exclude<StreamStatus, 'error'>; readonly error: undefined };

/** What every store's state holds besides its value. */
export type StreamStoreState = StreamStatusState & StreamStoreFields;

/** The fields of {@link StreamStoreState} that do not depend on the status. */
export interface StreamStoreFields {
  /** 1 for the first attempt; grows with each `reset` event: the server re-asks the model, or an AI SDK run starts a step that replaces the JSON of the one before. */
  readonly attempt: number;
  /** Reconnects in a row while `status` is `reconnecting` (0 otherwise). */
  readonly reconnects: number;
  /** The id of a resumable stream (from the server), to `resume` it after a page reload. */
  readonly streamId: string | undefined;
}

/** The options every store takes. */
export interface StreamStoreOptions<I> {
  /** A function returning the stream, or a URL to POST `input` to as JSON. */
  fetcher: Fetcher<I> | string;
  /** How to decode the response (format, tool call, …). */
  decode?: Omit<DecodeOptions, 'signal'> | undefined;
  /**
   * Notification rate: `'frame'` (default: the first change at once, then at most one per animation
   * frame), `0` (every chunk) or a number of milliseconds.
   */
  throttle?: ThrottleSetting | undefined;
  /**
   * A resumable stream (the server sent `x-partialkit-resume`) that loses its connection is resumed
   * from the last event received, with bounded exponential backoff; `false` never reconnects.
   */
  reconnect?: ReconnectOptions | false | undefined;
  /** Where `resume(streamId)` resumes a stream (default: the fetcher URL followed by `/<id>`). */
  resumeUrl?: ((streamId: string) => string) | undefined;
  /**
   * The fetch of the requests the store makes itself (default: the global `fetch`): a URL fetcher's
   * POST, `resume`, reconnects and `stop`'s DELETE of a resumable stream. Give one that adds the
   * headers your routes need, e.g. `(url, init) => fetch(url, { ...init, headers: { ...init.headers,
   * authorization } })`.
   */
  fetch?: FetchFunction | undefined;
  onError?: ((error: Error) => void) | undefined;
}

/** What a store's run holds at least: the controller that aborts its request. */
export interface StoreRun {
  readonly controller: AbortController;
  /** The options the run started with: its request and parsing keep them (see `setOptions`). */
  readonly options: StreamStoreOptions<never>;
  /** Where a resumable stream is cancelled (DELETE) when the user stops it. */
  resumeUrl?: string;
  /** The resumable stream the run follows: its id and the URL `resume` was given, as far as known. */
  follows?: { id?: string | undefined; url?: string | undefined };
  /** Whether the attempt has shown a field yet (see `requestFlush`). */
  fieldShown?: boolean;
}

type Listener = () => void;
type RunFollows = NonNullable<StoreRun['follows']>;

/**
 * Whether `run` follows the stream `resumed` names: by id, or by URL (the one `resume` was given, or the
 * one the response named, which a browser may have made absolute).
 */
function sameStream(run: StoreRun, resumed: RunFollows): boolean {
  const { id, url } = resumed;
  if (id !== undefined && id === run.follows?.id) return true;
  return url !== undefined && (url === run.follows?.url || url === run.resumeUrl);
}

/**
 * What the vanilla stores share (Zustand's shape: `subscribe` + `getSnapshot`): the state and the
 * initial one served to SSR, one run at a time with its own AbortController, the request (with
 * reconnect and resume of resumable streams), the throttle, user callbacks that can never change the
 * stream's state, and detaching from a UI that unmounted. Subclasses say how a run reads its events
 * and how its progress becomes state.
 */
export abstract class StreamStore<
  TState extends StreamStoreState,
  TOptions extends StreamStoreOptions<I>,
  TRun extends StoreRun,
  I,
> {
  protected options: TOptions;
  protected state: TState;
  protected readonly initial: TState;
  protected run: TRun | undefined;
  /** The latest run, kept after it ends (until `reset` or a run that fails to start). */
  protected latest: TRun | undefined;
  protected readonly throttle = new Throttle(() => this.flush());
  protected detached = false;
  /** The state when the store was detached: listeners are told on `attach` if it changed since. */
  private detachedAt: TState | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(options: TOptions, initial: TState) {
    this.options = options;
    this.initial = initial;
    this.state = initial;
  }

  /**
   * Replaces the options. A run keeps the ones it started with for its request and its parsing
   * (fetcher, schema, bounds, `decode`, `reconnect`), so that one stream never mixes two renders' options;
   * callbacks, `throttle` and `fetch` are read when used, so they are always the latest.
   */
  setOptions = (options: TOptions): void => {
    this.options = options;
  };

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): TState => this.state;

  /** The state for server rendering: always the initial one. */
  getServerSnapshot = (): TState => this.initial;

  /** Starts a request; a request still running is aborted first, so two never interleave. */
  submit = (input: I): Promise<void> =>
    this.start((signal, options) => fetchSource(options.fetcher, this.request, input, signal));

  /**
   * Follows a resumable stream from its start, e.g. after a page reload: `target` is a stream id (see
   * `streamId` and the `resumeUrl` option) or the stream's URL. A stream id with no URL to resume it at
   * (a function fetcher and no `resumeUrl` option) fails the run like any other error.
   */
  resume = (target: string): Promise<void> => {
    let url: string;
    try {
      url = target.includes('/') ? target : this.resumeUrlFor(target);
    } catch (caught) {
      return this.start(() => Promise.reject(caught));
    }
    // The resume response may not name its URL (`resumeResponse` does not know it): it is this one.
    // Its URL known, a first GET cut on the way (no headers) is retried as a dropped stream is: a body
    // that fails with it hands it to the reconnect loop.
    return this.start(
      (signal, options) =>
        fetchSource(options.fetcher, this.request, undefined, signal, url).catch((error: unknown) => {
          if (!(error instanceof NetworkError) || signal.aborted) throw error;
          return new ReadableStream<Uint8Array>({ start: (controller) => controller.error(error) });
        }),
      url,
      target.includes('/') ? undefined : target,
    );
  };

  /** The `fetch` option, or the global fetch as it is when called (tests and polyfills replace it). */
  private readonly request: FetchFunction = (url, init) => (this.options.fetch ?? fetch)(url, init);

  /**
   * Aborts the request and keeps what arrived (`status: 'aborted'`). A resumable stream survives a
   * dropped connection, so it is also cancelled on the server (a DELETE to its resume URL), which
   * stops the model call.
   */
  stop = (): void => {
    const run = this.run;
    if (!run) return;
    this.flush();
    this.abortRun(true);
    this.set({ ...this.state, status: 'aborted', reconnects: 0 });
  };

  /** Aborts any request (a resumable one on the server too, as `stop` does) and returns to the initial state. */
  reset = (): void => {
    this.abortRun(true);
    this.latest = undefined;
    this.set(this.initial);
  };

  /** A resumable stream survives a dropped connection: one the user gave up on is cancelled (DELETE). */
  private cancelRemote(run: TRun): void {
    if (!run.resumeUrl) return;
    // Called from a promise: a `fetch` option that throws at once (a token getter that fails) is
    // reported like one that rejects, never thrown into the app's handler.
    Promise.resolve(run.resumeUrl)
      .then((url) => this.request(url, { method: 'DELETE' }))
      .then(
        (response) => void response.body?.cancel(),
        (error: unknown) => reportCallbackError(new NetworkError(error)),
      );
  }

  /**
   * Binds the store to a mounted UI. The returned function detaches it: callbacks are silenced until
   * the next `attach`, and a running request is aborted (`status: 'aborted'`, what arrived kept) on the
   * next microtask, unless the store is attached again first: StrictMode unmounts and remounts in one
   * go, and a request made once on mount must survive that, as it does in production.
   */
  attach = (): (() => void) => {
    const wasDetached = this.detached;
    this.detached = false;
    if (wasDetached && this.state !== this.detachedAt) this.notify();
    this.detachedAt = undefined;
    return () => {
      this.detached = true;
      this.detachedAt = this.state;
      const run = this.run;
      if (!run) return;
      queueMicrotask(() => {
        if (!this.detached || this.run !== run) return; // attached again, or the run ended
        this.flush();
        this.abortRun();
        this.detachedAt = this.state; // what the listeners last saw: they hear of 'aborted' on attach
        this.state = { ...this.state, status: 'aborted', reconnects: 0 };
      });
    };
  };

  /**
   * Makes a run's state before any request, keeping `options` (the ones it runs with); throwing (an
   * invalid option) fails the run at once.
   */
  protected abstract begin(controller: AbortController, options: TOptions): TRun;

  /** Reads the run's response to its end; returns early once `signal` is aborted. */
  protected abstract read(run: TRun, source: StreamSource, signal: AbortSignal): Promise<void>;

  /** Applies the run's progress to the state now. */
  protected abstract flush(): void;

  /**
   * Asks for a flush at the throttle's pace; the first of an attempt that shows a field (`shows`, asked
   * only until one does) goes at once, so the first field is never a frame late behind an empty `{}`.
   */
  protected requestFlush(run: TRun, shows: () => boolean): void {
    const urgent = !run.fieldShown && shows();
    if (urgent) run.fieldShown = true;
    this.throttle.request(this.options.throttle ?? 'frame', urgent);
  }

  /** The state of a run that ended well. */
  protected abstract done(run: TRun): TState;

  /** Tells `onFinish` how a run ended, with its last state. */
  protected abstract finished(state: TState, error: Error | undefined): void;

  /** The run's events, resuming a resumable stream that drops (the status says so meanwhile). */
  protected events(
    run: TRun,
    source: StreamSource,
    signal: AbortSignal,
    decode: Omit<DecodeOptions, 'signal'>,
  ): AsyncGenerator<DecodedEvent, void, undefined> {
    return decodeResumable(source, {
      ...decode,
      signal,
      reconnect: run.options.reconnect,
      resumeUrl: run.resumeUrl,
      fetch: this.request,
      onResumable: ({ id, url }) => {
        run.resumeUrl = url;
        run.follows = { ...run.follows, id: id ?? run.follows?.id };
        this.set({ ...this.state, streamId: id });
      },
      onReconnect: (reconnects) => {
        if (signal.aborted) return;
        this.flush();
        this.set({ ...this.state, status: reconnects ? 'reconnecting' : 'streaming', reconnects });
      },
    });
  }

  private async start(
    open: (signal: AbortSignal, options: TOptions) => Promise<StreamSource>,
    resumeUrl?: string,
    streamId?: string,
  ): Promise<void> {
    const follows = resumeUrl === undefined ? undefined : { id: streamId, url: resumeUrl };
    // A newer submit replaces the running stream: the server stops generating the old one, unless this
    // run resumes that very stream (StrictMode running a mount effect's `resume(id)` twice, a double click).
    this.abortRun(true, follows);
    const controller = new AbortController();
    // Taken now: a render committed before the request starts (a handler's setState) must not give this
    // run its fetcher while the parse stage has the schema of the render that submitted.
    const options = this.options;
    let run: TRun;
    try {
      reconnectSettings(options.reconnect); // refused before any request, resumable or not
      run = this.latest = this.begin(controller, options);
    } catch (caught) {
      this.latest = undefined;
      // an invalid bound (`maxLength: NaN`): the request is never made, and submit still resolves
      this.fail({ ...this.initial, attempt: 1 }, asError(caught));
      return;
    }
    if (follows) {
      run.resumeUrl = follows.url;
      run.follows = follows;
    }
    this.run = run;
    // A resume by id keeps showing the id it follows (an app may store it) until the response names it.
    this.set({ ...this.initial, status: 'streaming', attempt: 1, streamId });
    // Starting on the next microtask lets a submit that is superseded in the same tick (StrictMode
    // running an effect twice) never reach the network.
    await Promise.resolve();
    const { signal } = controller;
    if (signal.aborted) return;
    if (this.detached) {
      // Submitted after the UI unmounted (a saved `submit` at the end of an async handler): no request.
      this.abortRun();
      this.state = { ...this.state, status: 'aborted' };
      return;
    }
    let source: StreamSource | undefined;
    try {
      source = await open(signal, options);
      if (signal.aborted) {
        // stopped while the fetcher ran: a body it made without the signal must not stay open
        cancelUnread(source);
        return;
      }
      await this.read(run, source, signal);
      if (signal.aborted) return;
    } catch (caught) {
      // A read that failed before it took the body (options set meanwhile that its stage refuses)
      // leaves it unread: released here, as a body being read is released by its reader.
      if (source !== undefined) cancelUnread(source);
      if (signal.aborted) return; // stop, reset, a newer submit or detach already set the state
      this.flush();
      if (signal.aborted) return; // a callback or a listener stopped it
      this.run = undefined;
      this.fail({ ...this.state, reconnects: 0 }, asError(caught));
      return;
    }
    this.flush();
    if (signal.aborted) return; // a callback or a listener stopped it
    this.run = undefined;
    const state = { ...this.done(run), reconnects: 0 };
    this.set(state);
    // `state`: a listener may already have started another run
    if (!this.detached) this.finished(state, undefined);
  }

  private resumeUrlFor(id: string): string {
    const { resumeUrl, fetcher } = this.options;
    if (resumeUrl) return resumeUrl(id);
    if (typeof fetcher === 'string') return `${fetcher.replace(/\/$/, '')}/${encodeURIComponent(id)}`;
    throw new PartialKitError('resume(id) needs the resumeUrl option when the fetcher is a function');
  }

  /**
   * Aborts the running request; `cancel`: the user gave it up (stop, reset, a newer submit), so a
   * resumable stream is cancelled on the server too, unless the newer run resumes it (`resumed`, its
   * URL). A detached UI (an unmount, a reload) leaves it running, to be resumed.
   */
  private abortRun(cancel = false, resumed?: RunFollows): void {
    this.throttle.cancel();
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.controller.abort(new DOMException('The request was superseded or stopped.', 'AbortError'));
    if (cancel && !(resumed && sameStream(run, resumed))) this.cancelRemote(run);
  }

  /** Sets the failed state, then tells the callbacks (which cannot change it). */
  protected fail(state: TState, error: Error): void {
    this.set({ ...state, status: 'error', error });
    if (this.detached) return;
    this.call(() => this.options.onError?.(error));
    this.finished(state, error); // `state`: onError may already have started another run
  }

  /** Runs a user callback: its error is reported, never allowed to change the stream's state. */
  protected call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      reportCallbackError(error);
    }
  }

  protected set(next: TState): void {
    this.state = next;
    if (!this.detached) this.notify();
  }

  /** Listeners are user code too: one that throws neither stops the others nor fails the stream. */
  private notify(): void {
    for (const listener of this.listeners) this.call(listener);
  }
}
