import type { StreamSource } from '../decode/source.ts';
import type { ItemValidationError } from '../errors.ts';
import { bound } from '../parser/create-partial-parser.ts';
import { ItemStage } from '../pipeline/item-stage.ts';
import { checkShape, type ListShape, resolveShape } from '../pipeline/list-scanner.ts';
import { checkInvalidHandling, type InvalidItemHandling } from '../pipeline/stream-items.ts';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from '../schema/standard.ts';
import type { DeepPartial } from '../types.ts';
import {
  type StoreRun,
  StreamStore,
  type StreamStoreFields,
  type StreamStoreOptions,
  type StreamStoreState,
} from './stream-store.ts';
import { showsField } from './throttle.ts';

/** What a UI renders of a streamed list. A new object whenever something changed, the same otherwise. */
export type PartialItemsState<TItem, TPartial> = PartialItemsFields<TItem, TPartial> & StreamStoreState;

/** The fields of {@link PartialItemsState} that every status has. */
export interface PartialItemsFields<TItem, TPartial> extends StreamStoreFields {
  /**
   * The validated elements closed so far, in order. Each is the same object in every state; the array
   * is replaced (frozen) when elements are appended, so `items === previous.items` means no new ones.
   */
  readonly items: readonly TItem[];
  /** The element still streaming (partial, stable identity), or undefined between elements. */
  readonly current: TPartial | undefined;
  /** The elements that failed the item schema, each with its index in the list. */
  readonly issues: readonly ItemValidationError[];
}

/**
 * `decode.extractJson` (default true) applies to the list, as in `streamItems`; `throttle` defaults to
 * `'frame'`, appends are batched per notification. A re-ask (the server's `reset`) or `resume(streamId)`
 * starts the list over; a connection that drops and is resumed goes on with it.
 */
export interface PartialItemsStoreOptions<S extends StandardSchemaV1, I = unknown>
  extends StreamStoreOptions<I> {
  /** The schema of one element of the list. */
  schema: S;
  /** Where the list is (default `'auto'`; see `streamItems`). */
  shape?: ListShape | undefined;
  /** An invalid element: `'skip'` (default; kept in `issues`), `'throw'` (ends the run), or a callback. */
  onInvalid?: InvalidItemHandling | undefined;
  /** Maximum nesting depth inside one element (default 1000). */
  maxDepth?: number | undefined;
  /** Maximum length of one element's text in UTF-16 code units. */
  maxLength?: number | undefined;
  /** Each valid element as it closes (not throttled), with its index in the list. */
  onItem?: ((item: SchemaOutput<S>, index: number) => void) | undefined;
  /**
   * Called once when a run ends by itself: with its output, or with its error (after `onError`). Not
   * called when the app ends it: `stop`, `reset`, a newer `submit`, or the UI unmounting.
   */
  onFinish?:
    | ((result: {
        items: readonly SchemaOutput<S>[];
        issues: readonly ItemValidationError[];
        error: Error | undefined;
      }) => void)
    | undefined;
}

type State<S extends StandardSchemaV1> = PartialItemsState<SchemaOutput<S>, DeepPartial<SchemaInput<S>>>;
type Stage<S extends StandardSchemaV1> = ItemStage<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>;

/** One request. A superseded run changes nothing. */
interface Run<S extends StandardSchemaV1> extends StoreRun {
  readonly controller: AbortController;
  readonly options: PartialItemsStoreOptions<S, never>;
  resumeUrl?: string;
  /** Created once the response is there (its content type can choose the shape). */
  stage: Stage<S> | undefined;
  /** The elements taken from the stage so far; `state.items` is a frozen copy made at each flush. */
  items: SchemaOutput<S>[];
  issues: ItemValidationError[];
  /**
   * While an element that closed validates asynchronously, `current` shows it as parsed: the stage's
   * `current` is already the next one, which would show in its place (and replace it at a stop).
   */
  validating: { readonly parsed: DeepPartial<SchemaInput<S>> | undefined } | undefined;
  /** An invalid element ended the run (`onInvalid: 'throw'`): nothing after it shows. */
  ended: boolean;
}

const NONE: readonly never[] = /* @__PURE__ */ Object.freeze([]);

/**
 * A vanilla store for a streamed list (the items mode of `PartialObjectStore`): `items` holds each
 * validated element the moment it closes, `current` the one still streaming. Elements are parsed one at
 * a time (see `ItemStage`), so the parser never holds the list; the store keeps what it shows.
 */
export class PartialItemsStore<S extends StandardSchemaV1, I = unknown> extends StreamStore<
  State<S>,
  PartialItemsStoreOptions<S, I>,
  Run<S>,
  I
> {
  constructor(options: PartialItemsStoreOptions<S, I>) {
    super(options, {
      items: NONE,
      current: undefined,
      status: 'idle',
      error: undefined,
      issues: NONE,
      attempt: 0,
      reconnects: 0,
      streamId: undefined,
    });
  }

  protected begin(controller: AbortController, options: PartialItemsStoreOptions<S, I>): Run<S> {
    // The stage waits for the response (its content type may tell the shape); its bounds cannot.
    bound('maxDepth', options.maxDepth, 0);
    bound('maxLength', options.maxLength, 0);
    checkShape(options.shape ?? 'auto');
    checkInvalidHandling(options.onInvalid ?? 'skip');
    return {
      controller,
      options,
      stage: undefined,
      items: [],
      issues: [],
      validating: undefined,
      ended: false,
    };
  }

  protected async read(run: Run<S>, source: StreamSource, signal: AbortSignal): Promise<void> {
    const { schema, shape = 'auto', maxDepth, maxLength } = run.options;
    const { extractJson, ...decode } = run.options.decode ?? {};
    const stage: Stage<S> = new ItemStage(schema, {
      shape: resolveShape(shape, source instanceof Response ? source.headers.get('content-type') : null),
      extract: extractJson ?? true,
      maxDepth,
      maxLength,
    });
    run.stage = stage;
    try {
      for await (const event of this.events(run, source, signal, { ...decode, extractJson: false })) {
        if (signal.aborted) return;
        let failure: { error: unknown } | undefined;
        try {
          if (stage.apply(event)) {
            this.throttle.cancel();
            run.fieldShown = false;
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
        // The elements that closed before an error are shown.
        if (stage.closed.length) {
          const taking = this.take(run, stage.closed.splice(0));
          if (taking) {
            // Only while an element validates asynchronously (no hop per event): shown as parsed meanwhile.
            this.requestFlush(run, () => run.items.length > 0 || showsField(run.validating?.parsed));
            await taking;
          }
          if (signal.aborted) return; // stopped or superseded while it validated
        }
        if (failure) throw failure.error;
        this.requestFlush(run, () => run.items.length > 0 || showsField(stage.current));
      }
    } catch (error) {
      // An element held in doubt is reported before an error of the input (a network error); the
      // stage's own errors released it already.
      stage.release();
      this.take(run, stage.closed.splice(0));
      throw error;
    }
    if (signal.aborted) return;
    try {
      stage.finish();
    } finally {
      await this.take(run, stage.closed.splice(0));
    }
  }

  protected done(): State<S> {
    return { ...this.state, status: 'success', error: undefined, current: undefined };
  }

  protected finished({ items, issues }: State<S>, error: Error | undefined): void {
    this.call(() => this.options.onFinish?.({ items, issues, error }));
  }

  /**
   * Moves the elements the stage closed into the run; an invalid one may end the run (`'throw'`). A
   * promise while an element's schema validates asynchronously (the ones after it wait for it).
   */
  private take(run: Run<S>, taken: Stage<S>['closed']): void | Promise<void> {
    const { onInvalid = 'skip', onItem } = this.options;
    for (let i = 0; i < taken.length; i++) {
      const closed = taken[i]!;
      if (closed instanceof Promise) return this.takeAsync(run, taken.slice(i));
      // A callback may stop the run or start another: what this run closed after that is not reported.
      if (run.controller.signal.aborted || this.run !== run) return;
      if (closed.valid) {
        run.items.push(closed.value);
        if (onItem && !this.detached) this.call(() => onItem(closed.value, closed.index));
        continue;
      }
      run.issues.push(closed.error);
      if (onInvalid === 'throw') {
        // The run ends at this element: the one the stage has opened after it is not shown.
        run.ended = true;
        throw closed.error;
      }
      if (typeof onInvalid === 'function' && !this.detached) this.call(() => onInvalid(closed.error));
    }
  }

  private async takeAsync(run: Run<S>, pending: Stage<S>['closed']): Promise<void> {
    try {
      for (const closed of pending) {
        if (closed instanceof Promise) run.validating = closed;
        const outcome = await closed;
        // Taken now: `onItem` may stop the run, and the state it keeps must not show the item twice.
        run.validating = undefined;
        await this.take(run, [outcome]);
      }
    } finally {
      run.validating = undefined;
    }
  }

  /** Applies the run's progress to the state now. */
  protected flush(): void {
    this.throttle.skipPending();
    const run = this.run;
    if (!run) return;
    const state = this.state;
    const current = run.ended ? undefined : run.validating ? run.validating.parsed : run.stage?.current;
    const items = run.items.length === state.items.length ? state.items : Object.freeze(run.items.slice());
    const issues =
      run.issues.length === state.issues.length ? state.issues : Object.freeze(run.issues.slice());
    if (items === state.items && issues === state.issues && current === state.current) return;
    this.set({ ...state, items, current, issues });
  }
}
