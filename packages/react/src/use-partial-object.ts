import {
  type DeepPartial,
  type Fetcher,
  type PartialIssue,
  PartialObjectStore,
  type PartialOutcome,
  type PartialStoreOptions,
  type Path,
  type SchemaInput,
  type SchemaOutput,
  type StandardSchemaV1,
} from '@partialkit/core';
import { useMemo } from 'react';
import { streamFields, useStreamStore } from './use-stream-store.ts';

export type UsePartialObjectOptions<S extends StandardSchemaV1, I = unknown> = Omit<
  PartialStoreOptions<S, I>,
  'schema' | 'fetcher'
>;

/**
 * What `usePartialObject` returns. Checking `status` narrows the outcome: `data` is the validated output
 * exactly when it is `'success'`, and `error` is set exactly when it is `'error'`.
 */
export type UsePartialObjectResult<S extends StandardSchemaV1, I> = UsePartialObjectFields<S, I> &
  PartialOutcome<SchemaOutput<S>>;

/** The fields of {@link UsePartialObjectResult} that every status has. */
export interface UsePartialObjectFields<S extends StandardSchemaV1, I> {
  /** The partial value while streaming (stable identity for unchanged subtrees), and after. */
  object: DeepPartial<SchemaInput<S>> | undefined;
  /** Validation issues of completed subtrees, with paths from the root. */
  issues: readonly PartialIssue[];
  /** 0 before the first submit, 1 for the first attempt, more after each `reset` (a server re-ask, a new AI SDK step). */
  attempt: number;
  /** Reconnects in a row while `status` is `reconnecting`. */
  reconnects: number;
  /** The id of a resumable stream, to `resume` it after a page reload. */
  streamId: string | undefined;
  /** True while streaming or reconnecting. */
  isLoading: boolean;
  submit: (input: I) => Promise<void>;
  /** Follows a resumable stream by id (or URL) from its start, e.g. after a page reload. */
  resume: (target: string) => Promise<void>;
  stop: () => void;
  reset: () => void;
  /** Whether an object or array node of any snapshot is complete. */
  isComplete: (node: object | undefined) => boolean;
  /** Whether the value at `path` of the current object is complete. */
  isCompleteAt: (path: Path) => boolean;
  /** The underlying store, to share with child components (`PartialStoreProvider`, `usePartialSelector`). */
  store: PartialObjectStore<S, I>;
}

/**
 * Streams a typed object from a server into a component. `schema` is any Standard Schema (zod 4,
 * valibot, arktype…); `object` and `data` are typed from its input and output. `fetcher(input, { signal })` returns a
 * `Response`, a `ReadableStream` or an async iterable; a URL string POSTs `input` as JSON.
 */
export function usePartialObject<S extends StandardSchemaV1, I = unknown>(
  schema: S,
  fetcher: Fetcher<I> | string,
  options: UsePartialObjectOptions<S, I> = {},
): UsePartialObjectResult<S, I> {
  const [store, state] = useStreamStore(() => new PartialObjectStore<S, I>({ ...options, schema, fetcher }), {
    ...options,
    schema,
    fetcher,
  });
  return useMemo(
    () => ({
      ...state,
      ...streamFields(state, store),
      submit: store.submit,
      isComplete: store.isComplete,
      isCompleteAt: store.isCompleteAt,
      store,
    }),
    [state, store],
  );
}
