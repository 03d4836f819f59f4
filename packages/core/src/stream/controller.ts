import type * as z4 from 'zod/v4/core';
import { type DecodeOptions, decodeEvents } from '../decode/decode-stream.ts';
import type { StreamSource } from '../decode/source.ts';
import type { PartialIssue } from '../errors.ts';
import { createPartialParser, type PartialParser } from '../parser/create-partial-parser.ts';
import type { DeepPartial, Path } from '../types.ts';
import { finishParser } from './stream-partial.ts';

export type StreamStatus = 'idle' | 'streaming' | 'success' | 'error' | 'aborted';

/** What a UI renders. A new object whenever something changed, the same object otherwise. */
export interface PartialState<TPartial, TFinal> {
  /** The partial value, with stable identity for unchanged subtrees. */
  readonly object: TPartial | undefined;
  /** The validated output, once the stream finished successfully. */
  readonly data: TFinal | undefined;
  readonly status: StreamStatus;
  readonly error: Error | undefined;
  /** Validation issues of the subtrees completed so far (paths from the root). */
  readonly issues: readonly PartialIssue[];
  /** 1 for the first attempt; grows when the server re-asks the model (a `reset` event). */
  readonly attempt: number;
}

/** Returns the response to read: a `Response`, a web stream or an async iterable of text or bytes. */
export type Fetcher<I> = (input: I, init: { signal: AbortSignal }) => StreamSource | Promise<StreamSource>;

export interface PartialStoreOptions<S extends z4.$ZodType, I = unknown>
  extends Omit<DecodeOptions, 'signal'> {
  schema: S;
  /** A function returning the stream, or a URL to POST `input` to as JSON. */
  fetcher: Fetcher<I> | string;
  /** Notification rate: `'frame'` (default, one per animation frame), `0` (every chunk) or milliseconds. */
  throttle?: 'frame' | number;
  /** Shown as `object` before the stream has produced anything. */
  initialValue?: DeepPartial<z4.input<S>>;
  maxDepth?: number;
  maxLength?: number;
  onUpdate?: (object: DeepPartial<z4.input<S>>) => void;
  onFinish?: (result: {
    data: z4.output<S> | undefined;
    object: DeepPartial<z4.input<S>> | undefined;
    error: Error | undefined;
  }) => void;
  onError?: (error: Error) => void;
}

type Listener = () => void;

/**
 * A vanilla store for one streamed object (Zustand's shape: `subscribe` + `getSnapshot`), usable from
 * React, Vue, Svelte or plain code. It owns the request, the parser and the throttling; frameworks only
 * bind to it.
 */
export class PartialObjectStore<S extends z4.$ZodType, I = unknown> {
  options: PartialStoreOptions<S, I>;
  private state: PartialState<DeepPartial<z4.input<S>>, z4.output<S>>;
  private readonly initial: PartialState<DeepPartial<z4.input<S>>, z4.output<S>>;
  private readonly listeners = new Set<Listener>();
  private parser: PartialParser<DeepPartial<z4.input<S>>, z4.output<S>> | undefined;
  private controller: AbortController | undefined;
  private run = 0;
  private scheduled: (() => void) | undefined;
  private detached = false;

  constructor(options: PartialStoreOptions<S, I>) {
    this.options = options;
    this.initial = {
      object: options.initialValue,
      data: undefined,
      status: 'idle',
      error: undefined,
      issues: [],
      attempt: 0,
    };
    this.state = this.initial;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): PartialState<DeepPartial<z4.input<S>>, z4.output<S>> => this.state;

  /** The state for server rendering: always the initial one. */
  getServerSnapshot = (): PartialState<DeepPartial<z4.input<S>>, z4.output<S>> => this.initial;

  /** Starts a request; a request still running is aborted first, so two never interleave. */
  submit = async (input: I): Promise<void> => {
    this.abortRequest();
    const run = ++this.run;
    const controller = new AbortController();
    this.controller = controller;
    this.parser = this.makeParser();
    this.set({ ...this.initial, status: 'streaming', attempt: 1 });
    // Starting on the next microtask lets a submit that is superseded in the same tick (StrictMode
    // running an effect twice) never reach the network.
    await Promise.resolve();
    if (run !== this.run) return;
    const { signal } = controller;
    try {
      const fetcher = this.options.fetcher;
      const source =
        typeof fetcher === 'string'
          ? await postJson(fetcher, input, signal)
          : await fetcher(input, { signal });
      const {
        schema: _s,
        fetcher: _f,
        throttle: _t,
        initialValue: _i,
        onUpdate: _u,
        onFinish: _e,
        onError: _r,
        ...decode
      } = this.options;
      for await (const event of decodeEvents(source, { extractJson: true, ...decode, signal })) {
        if (run !== this.run) return;
        if (event.type === 'reset') {
          this.parser = this.makeParser();
          this.set({ ...this.state, object: this.options.initialValue, issues: [], attempt: event.attempt });
          continue;
        }
        this.parser.write(event.text);
        this.schedule();
      }
      if (run !== this.run) return;
      const data = finishParser(this.parser);
      this.flush();
      this.set({
        ...this.state,
        status: 'success',
        data,
        object: this.parser.value,
        issues: this.parser.issues,
      });
      if (!this.detached) this.options.onFinish?.({ data, object: this.state.object, error: undefined });
    } catch (caught) {
      if (run !== this.run) return;
      this.flush();
      if (signal.aborted) {
        this.set({ ...this.state, status: 'aborted' });
        return;
      }
      const error = caught instanceof Error ? caught : new Error(String(caught));
      this.set({ ...this.state, status: 'error', error, issues: this.parser?.issues ?? this.state.issues });
      if (!this.detached) {
        this.options.onError?.(error);
        this.options.onFinish?.({ data: undefined, object: this.state.object, error });
      }
    } finally {
      if (run === this.run) this.controller = undefined;
    }
  };

  /** Aborts the request and keeps the partial value (`status: 'aborted'`). */
  stop = (): void => {
    if (this.state.status !== 'streaming') return;
    this.run++;
    this.abortRequest();
    this.flush();
    this.set({ ...this.state, status: 'aborted' });
  };

  /** Aborts any request and returns to the initial state. */
  reset = (): void => {
    this.run++;
    this.abortRequest();
    this.parser = undefined;
    this.set(this.initial);
  };

  /** Whether the value at a path, or an object/array node, is complete. */
  isComplete = (target: Path | object): boolean => this.parser?.isComplete(target) ?? false;

  /** Binds the store to a mounted UI; the returned function aborts a running request and silences callbacks. */
  attach = (): (() => void) => {
    this.detached = false;
    return () => {
      this.detached = true;
      this.run++;
      this.abortRequest();
      this.cancelSchedule();
    };
  };

  private makeParser(): PartialParser<DeepPartial<z4.input<S>>, z4.output<S>> {
    const { schema, maxDepth, maxLength } = this.options;
    return createPartialParser({
      schema,
      ...(maxDepth !== undefined && { maxDepth }),
      ...(maxLength !== undefined && { maxLength }),
    });
  }

  private abortRequest(): void {
    this.cancelSchedule();
    this.controller?.abort(new DOMException('The request was superseded or stopped.', 'AbortError'));
    this.controller = undefined;
  }

  /** Applies parser progress to the state now. */
  private flush(): void {
    this.cancelSchedule();
    const parser = this.parser;
    if (!parser) return;
    const object = parser.value ?? this.options.initialValue;
    if (object === this.state.object && parser.issues === this.state.issues) return;
    this.set({ ...this.state, object, issues: parser.issues });
    if (object !== undefined && !this.detached) this.options.onUpdate?.(object);
  }

  private schedule(): void {
    if (this.scheduled) return;
    const throttle = this.options.throttle ?? 'frame';
    if (throttle === 0) {
      this.flush();
      return;
    }
    const run = () => {
      this.scheduled = undefined;
      this.flush();
    };
    if (throttle === 'frame' && typeof requestAnimationFrame === 'function') {
      const id = requestAnimationFrame(run);
      this.scheduled = () => cancelAnimationFrame(id);
    } else {
      const id = setTimeout(run, throttle === 'frame' ? 16 : throttle);
      this.scheduled = () => clearTimeout(id);
    }
  }

  private cancelSchedule(): void {
    this.scheduled?.();
    this.scheduled = undefined;
  }

  private set(next: PartialState<DeepPartial<z4.input<S>>, z4.output<S>>): void {
    this.state = next;
    if (this.detached) return;
    for (const listener of this.listeners) listener();
  }
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
