import type { StreamStatus } from './partial-object-store.ts';
import { reportCallbackError } from './report.ts';
import { Throttle } from './throttle.ts';

type Listener = () => void;

/** What a store's run holds at least: the controller that aborts its request. */
export interface StoreRun {
  readonly controller: AbortController;
}

/**
 * What the vanilla stores share (Zustand's shape: `subscribe` + `getSnapshot`): the state and the
 * initial one served to SSR, one run at a time with its own AbortController, the throttle, user
 * callbacks that can never change the stream's state, and detaching from a UI that unmounted.
 * Subclasses own `submit` and `flush` (how the run's progress becomes state).
 */
export abstract class StreamStore<
  TState extends { readonly status: StreamStatus },
  TOptions,
  TRun extends StoreRun,
> {
  protected options: TOptions;
  protected state: TState;
  protected readonly initial: TState;
  protected run: TRun | undefined;
  protected readonly throttle = new Throttle(() => this.flush());
  protected detached = false;
  private readonly listeners = new Set<Listener>();

  constructor(options: TOptions, initial: TState) {
    this.options = options;
    this.initial = initial;
    this.state = initial;
  }

  /** Replaces the options (the latest callbacks, fetcher and decode options apply from now on). */
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

  /** Aborts the request and keeps what arrived (`status: 'aborted'`). */
  stop = (): void => {
    if (!this.run) return;
    this.flush();
    this.abortRun();
    this.set({ ...this.state, status: 'aborted' });
  };

  /** Aborts any request and returns to the initial state. */
  reset = (): void => {
    this.abortRun();
    this.set(this.initial);
  };

  /**
   * Binds the store to a mounted UI. The returned function detaches it: a running request is aborted
   * (`status: 'aborted'`, what arrived kept) and callbacks are silenced until the next `attach`.
   */
  attach = (): (() => void) => {
    this.detached = false;
    return () => {
      if (this.run) {
        this.flush();
        this.abortRun();
        this.state = { ...this.state, status: 'aborted' };
      }
      this.detached = true;
    };
  };

  /** Applies the run's progress to the state now. */
  protected abstract flush(): void;

  protected abortRun(): void {
    this.throttle.cancel();
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.controller.abort(new DOMException('The request was superseded or stopped.', 'AbortError'));
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
    if (this.detached) return;
    for (const listener of this.listeners) listener();
  }
}
