import { type DecodeOptions, decode } from '../decode/decode.ts';
import type { ItemValidationError } from '../errors.ts';
import { ItemStage } from '../pipeline/item-stage.ts';
import { type ListShape, resolveShape } from '../pipeline/list-scanner.ts';
import type { InvalidItemHandling } from '../pipeline/stream-items.ts';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from '../schema/standard.ts';
import type { DeepPartial } from '../types.ts';
import type { Fetcher, StreamStatus } from './partial-object-store.ts';
import { asError, fetchSource } from './request.ts';
import { StreamStore } from './stream-store.ts';
import type { ThrottleSetting } from './throttle.ts';

/** What a UI renders of a streamed list. A new object whenever something changed, the same otherwise. */
export interface PartialItemsState<TItem, TPartial> {
  /**
   * The validated elements closed so far, in order. Each is the same object in every state; the array
   * is replaced (frozen) when elements are appended, so `items === previous.items` means no new ones.
   */
  readonly items: readonly TItem[];
  /** The element still streaming (partial, stable identity), or undefined between elements. */
  readonly current: TPartial | undefined;
  readonly status: StreamStatus;
  readonly error: Error | undefined;
  /** The elements that failed the item schema, each with its index in the list. */
  readonly issues: readonly ItemValidationError[];
  /** 1 for the first attempt; grows when the server re-asks the model (the list starts over). */
  readonly attempt: number;
}

export interface PartialItemsStoreOptions<S extends StandardSchemaV1, I = unknown> {
  /** The schema of one element of the list. */
  schema: S;
  /** A function returning the stream, or a URL to POST `input` to as JSON. */
  fetcher: Fetcher<I> | string;
  /** How to decode the response; `extractJson` (default true) applies to the list, as in `streamItems`. */
  decode?: Omit<DecodeOptions, 'signal'>;
  /** Where the list is (default `'auto'`; see `streamItems`). */
  shape?: ListShape;
  /** An invalid element: `'skip'` (default; kept in `issues`), `'throw'` (ends the run), or a callback. */
  onInvalid?: InvalidItemHandling;
  /** Notification rate (default `'frame'`); appends are batched per notification. */
  throttle?: ThrottleSetting;
  /** Maximum nesting depth inside one element (default 1000). */
  maxDepth?: number;
  /** Maximum length of one element's text in UTF-16 code units. */
  maxLength?: number;
  /** Each valid element as it closes (not throttled), with its index in the list. */
  onItem?: (item: SchemaOutput<S>, index: number) => void;
  onFinish?: (result: {
    items: readonly SchemaOutput<S>[];
    issues: readonly ItemValidationError[];
    error: Error | undefined;
  }) => void;
  onError?: (error: Error) => void;
}

type State<S extends StandardSchemaV1> = PartialItemsState<SchemaOutput<S>, DeepPartial<SchemaInput<S>>>;

/** One request. A superseded run changes nothing. */
interface Run<S extends StandardSchemaV1> {
  readonly controller: AbortController;
  /** Created once the response is there (its content type can choose the shape). */
  stage: ItemStage<DeepPartial<SchemaInput<S>>, SchemaOutput<S>> | undefined;
  /** The elements taken from the stage so far; `state.items` is a frozen copy made at each flush. */
  items: SchemaOutput<S>[];
  issues: ItemValidationError[];
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * A vanilla store for a streamed list (the items mode of `PartialObjectStore`): `items` holds each
 * validated element the moment it closes, `current` the one still streaming. Elements are parsed one at
 * a time (see `ItemStage`), so the parser never holds the list; the store keeps what it shows.
 */
export class PartialItemsStore<S extends StandardSchemaV1, I = unknown> extends StreamStore<
  State<S>,
  PartialItemsStoreOptions<S, I>,
  Run<S>
> {
  constructor(options: PartialItemsStoreOptions<S, I>) {
    super(options, {
      items: NONE,
      current: undefined,
      status: 'idle',
      error: undefined,
      issues: NONE,
      attempt: 0,
    });
  }

  /** Starts a request; a request still running is aborted first, so two never interleave. */
  submit = async (input: I): Promise<void> => {
    this.abortRun();
    const run: Run<S> = { controller: new AbortController(), stage: undefined, items: [], issues: [] };
    this.run = run;
    this.set({ ...this.initial, status: 'streaming', attempt: 1 });
    // A submit superseded in the same tick (StrictMode running an effect twice) never reaches the network.
    await Promise.resolve();
    const { signal } = run.controller;
    if (signal.aborted) return;
    try {
      const source = await fetchSource(this.options.fetcher, input, signal);
      const { schema, shape = 'auto', maxDepth, maxLength } = this.options;
      const { extractJson, ...decodeOptions } = this.options.decode ?? {};
      const stage = new ItemStage<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>(schema, {
        shape: resolveShape(shape, source instanceof Response ? source.headers.get('content-type') : null),
        extract: extractJson ?? true,
        maxDepth,
        maxLength,
      });
      run.stage = stage;
      for await (const event of decode(source, { ...decodeOptions, extractJson: false, signal })) {
        if (signal.aborted) return;
        let failure: { error: unknown } | undefined;
        try {
          if (stage.apply(event)) {
            this.throttle.cancel();
            run.items = [];
            run.issues = [];
            this.set({
              ...this.state,
              items: NONE,
              current: undefined,
              issues: NONE,
              attempt: stage.attempt,
            });
            continue;
          }
        } catch (error) {
          failure = { error };
        }
        this.take(run, stage); // the elements that closed before an error are shown
        if (failure) throw failure.error;
        this.throttle.request(this.options.throttle ?? 'frame');
      }
      if (signal.aborted) return;
      try {
        stage.finish();
      } finally {
        this.take(run, stage);
      }
    } catch (caught) {
      if (signal.aborted) return; // stop, reset, a newer submit or detach already set the state
      this.flush();
      const error = asError(caught);
      this.run = undefined;
      this.set({ ...this.state, status: 'error', error });
      if (!this.detached) {
        this.call(() => this.options.onError?.(error));
        const { items, issues } = this.state;
        this.call(() => this.options.onFinish?.({ items, issues, error }));
      }
      return;
    }
    this.flush();
    this.run = undefined;
    this.set({ ...this.state, status: 'success', current: undefined });
    if (!this.detached) {
      const { items, issues } = this.state;
      this.call(() => this.options.onFinish?.({ items, issues, error: undefined }));
    }
  };

  /** Moves the elements the stage closed into the run; an invalid one may end the run (`'throw'`). */
  private take(run: Run<S>, stage: ItemStage<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>): void {
    if (!stage.closed.length) return;
    const { onInvalid = 'skip', onItem } = this.options;
    for (const closed of stage.closed.splice(0)) {
      if (closed.valid) {
        run.items.push(closed.value);
        if (onItem && !this.detached) this.call(() => onItem(closed.value, closed.index));
        continue;
      }
      run.issues.push(closed.error);
      if (onInvalid === 'throw') throw closed.error;
      if (typeof onInvalid === 'function' && !this.detached) this.call(() => onInvalid(closed.error));
    }
  }

  /** Applies the run's progress to the state now. */
  protected flush(): void {
    this.throttle.cancel();
    const run = this.run;
    if (!run) return;
    const state = this.state;
    const current = run.stage?.current;
    const items = run.items.length === state.items.length ? state.items : Object.freeze(run.items.slice());
    const issues =
      run.issues.length === state.issues.length ? state.issues : Object.freeze(run.issues.slice());
    if (items === state.items && issues === state.issues && current === state.current) return;
    this.set({ ...state, items, current, issues });
  }
}
