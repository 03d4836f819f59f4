import type { StreamSource } from '../decode/source.ts';
import type { PartialIssue } from '../errors.ts';
import { valueAt } from '../parser/builder.ts';
import { isCompleteNode, markTreeComplete } from '../parser/completeness.ts';
import { ParseStage } from '../pipeline/parse-stage.ts';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from '../schema/standard.ts';
import type { DeepPartial, Path } from '../types.ts';
import {
  type StoreRun,
  type StreamStatus,
  StreamStore,
  type StreamStoreFields,
  type StreamStoreOptions,
} from './stream-store.ts';
import { showsField } from './throttle.ts';

export type { Fetcher, StreamStatus } from './stream-store.ts';

/**
 * What a UI renders. A new object whenever something changed, the same object otherwise. Checking
 * `status` narrows the outcome: `data` is the validated output exactly when it is `'success'`, and
 * `error` is set exactly when it is `'error'`.
 */
export type PartialState<TPartial, TFinal> = PartialStateFields<TPartial> & PartialOutcome<TFinal>;

/** The fields of {@link PartialState} that every status has. */
export interface PartialStateFields<TPartial> extends StreamStoreFields {
  /** The partial value, with stable identity for unchanged subtrees. */
  readonly object: TPartial | undefined;
  /** Validation issues of the subtrees completed so far (paths from the root). */
  readonly issues: readonly PartialIssue[];
}

/**
 * How a run stands. `error`: why the stream failed. Every failure the kit detects is a
 * {@link PartialKitError} subclass: a lost connection is a {@link NetworkError} (the original
 * `TypeError` is its `cause`), a fetcher that returns something unreadable a `PartialKitError`. An
 * error thrown by the app's own fetcher (fetch's `TypeError` in it included) or source is passed on
 * unchanged, so it can be told apart.
 */
export type PartialOutcome<TFinal> =
  | {
      readonly status: 'success';
      /** The validated output (set exactly when `status` is `'success'`). */
      readonly data: TFinal;
      readonly error: undefined;
    }
  | {
      readonly status: 'error';
      readonly data: undefined;
      /** Why the stream failed: a `PartialKitError` subclass, or the app's own fetcher's error, unchanged. */
      readonly error: Error;
    }
  | {
      readonly status: Exclude<StreamStatus, 'success' | 'error'>;
      readonly data: undefined;
      readonly error: undefined;
    };

/** What `onFinish` is told: the output and no error, or an error and no output. */
export type PartialFinishResult<TPartial, TFinal> = { readonly object: TPartial | undefined } & (
  | { readonly data: TFinal; readonly error: undefined }
  | { readonly data: undefined; readonly error: Error }
);

/** `decode.extractJson` is on by default here, and knows the schema (as in `streamPartial`). */
export interface PartialStoreOptions<S extends StandardSchemaV1, I = unknown> extends StreamStoreOptions<I> {
  schema: S;
  /**
   * Shown as `object` before the stream has produced anything (also after `reset` and a server re-ask).
   * Read once, when the store is made, as `useState`'s initial value is: a later value is ignored. Its
   * objects and arrays count as complete (`isComplete`, `<PartialList>`): nothing streams into them.
   */
  initialValue?: DeepPartial<SchemaInput<S>> | undefined;
  /** Maximum nesting depth of the JSON (default 1000); an invalid value fails the run with `InvalidOptionError`. */
  maxDepth?: number | undefined;
  /** Maximum JSON text length in UTF-16 code units; an invalid value fails the run with `InvalidOptionError`. */
  maxLength?: number | undefined;
  onUpdate?: ((object: DeepPartial<SchemaInput<S>>) => void) | undefined;
  /**
   * Called once when a run ends by itself: with its output, or with its error (after `onError`). Not
   * called when the app ends it: `stop`, `reset`, a newer `submit`, or the UI unmounting.
   */
  onFinish?:
    | ((result: PartialFinishResult<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>) => void)
    | undefined;
}

type State<S extends StandardSchemaV1> = PartialState<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>;
type Stage<S extends StandardSchemaV1> = ParseStage<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>;

/** One request: its abort controller and its parse stage. A superseded run changes nothing. */
interface Run<S extends StandardSchemaV1> extends StoreRun {
  readonly controller: AbortController;
  readonly options: PartialStoreOptions<S, never>;
  readonly stage: Stage<S>;
  resumeUrl?: string;
  /** The validated output, once the stage finished. */
  data?: SchemaOutput<S>;
}

/**
 * A vanilla store for one streamed object (Zustand's shape: `subscribe` + `getSnapshot`), usable from
 * React, Vue, Svelte or plain code. It owns the request, the parse stage and the throttling; frameworks
 * only bind to it. Callback errors are reported and never change the stream's state.
 */
export class PartialObjectStore<S extends StandardSchemaV1, I = unknown> extends StreamStore<
  State<S>,
  PartialStoreOptions<S, I>,
  Run<S>,
  I
> {
  constructor(options: PartialStoreOptions<S, I>) {
    // Marked, not frozen: the app's own objects are left as they are.
    markTreeComplete(options.initialValue);
    super(options, {
      object: options.initialValue,
      data: undefined,
      status: 'idle',
      error: undefined,
      issues: [],
      attempt: 0,
      reconnects: 0,
      streamId: undefined,
    });
  }

  /** Whether an object or array node of any snapshot (or of `initialValue`) is complete (will never change again). */
  isComplete = (node: object | undefined): boolean => isCompleteNode(node);

  /**
   * Whether the value at `path` of the current value (`getSnapshot().object`) is complete: closed in the
   * stream's JSON (a value a stop cut off is not), or present in `initialValue` while that is shown.
   */
  isCompleteAt = (path: Path): boolean => {
    const shown = valueAt(this.state.object, path);
    if (shown === undefined) return false;
    // The initial value, before a stream's first snapshot (or again after a re-ask) counts as complete.
    const latest = this.latest;
    if (!latest || this.state.object === this.initial.object) return true;
    // The parser runs ahead of a throttled state: its answer holds for the value shown only when that is
    // still the value the parser holds there (strings only grow; an open container is a fresh copy).
    const { parser } = latest.stage;
    return parser.isCompleteAt(path) && valueAt(parser.value, path) === shown;
  };

  protected begin(controller: AbortController, options: PartialStoreOptions<S, I>): Run<S> {
    const { schema, maxDepth, maxLength } = options;
    const stage: Stage<S> = new ParseStage({
      schema,
      ...(maxDepth !== undefined && { maxDepth }),
      ...(maxLength !== undefined && { maxLength }),
      extract: options.decode?.extractJson ?? true,
    });
    return { controller, options, stage };
  }

  protected async read(run: Run<S>, source: StreamSource, signal: AbortSignal): Promise<void> {
    // The parse stage extracts the JSON, by the schema.
    const decode = { ...run.options.decode, extractJson: false };
    for await (const event of this.events(run, source, signal, decode)) {
      if (signal.aborted) return;
      if (run.stage.apply(event)) {
        // The discarded attempt's pending flush would show nothing new (and call onUpdate with it).
        this.throttle.cancel();
        run.fieldShown = false;
        this.set({
          ...this.state,
          object: this.initial.object,
          issues: [],
          attempt: run.stage.attempt,
        });
        continue;
      }
      this.requestFlush(run, () => showsField(run.stage.parser.value));
    }
    if (signal.aborted) return;
    run.data = await run.stage.finish();
  }

  protected done({ data, stage }: Run<S>): State<S> {
    const { value: object, issues } = stage.parser;
    // `data` is set: `done` follows a `read` that finished
    return {
      ...this.state,
      status: 'success',
      data: data as SchemaOutput<S>,
      error: undefined,
      object,
      issues,
    };
  }

  protected finished({ data, object }: State<S>, error: Error | undefined): void {
    const result =
      error === undefined
        ? { object, data: data as SchemaOutput<S>, error }
        : { object, data: undefined, error };
    this.call(() => this.options.onFinish?.(result));
  }

  /** Applies parser progress to the state now. */
  protected flush(): void {
    this.throttle.skipPending();
    const run = this.run;
    if (!run) return;
    const parser = run.stage.parser;
    const object = parser.value ?? this.initial.object;
    // A new attempt's parser has its own empty list: no issues either way is no change.
    const issues = parser.issues.length || this.state.issues.length ? parser.issues : this.state.issues;
    if (object === this.state.object && issues === this.state.issues) return;
    this.set({ ...this.state, object, issues });
    if (object !== undefined && !this.detached) this.call(() => this.options.onUpdate?.(object));
  }
}
