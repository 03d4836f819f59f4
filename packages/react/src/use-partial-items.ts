import {
  type DeepPartial,
  type Fetcher,
  type ItemValidationError,
  PartialItemsStore,
  type PartialItemsStoreOptions,
  type SchemaInput,
  type SchemaOutput,
  type StandardSchemaV1,
  type StreamStatusState,
} from '@partialkit/core';
import { useMemo } from 'react';
import { streamFields, useStreamStore } from './use-stream-store.ts';

export type UsePartialItemsOptions<S extends StandardSchemaV1, I = unknown> = Omit<
  PartialItemsStoreOptions<S, I>,
  'schema' | 'fetcher'
>;

/** What `usePartialItems` returns; `error` is set exactly when `status` is `'error'`. */
export type UsePartialItemsResult<S extends StandardSchemaV1, I> = UsePartialItemsFields<S, I> &
  StreamStatusState;

/** The fields of {@link UsePartialItemsResult} that every status has. */
export interface UsePartialItemsFields<S extends StandardSchemaV1, I> {
  /** The validated elements so far: each the same object across renders, the array growing by append. */
  items: readonly SchemaOutput<S>[];
  /** The element still streaming, partial; undefined between elements. */
  current: DeepPartial<SchemaInput<S>> | undefined;
  /** The elements that failed the item schema, each with its index in the list. */
  issues: readonly ItemValidationError[];
  /** 0 before the first submit, 1 for the first attempt, more after each `reset` (a server re-ask, a new AI SDK step). */
  attempt: number;
  /** Reconnects in a row while `status` is `reconnecting` (0 otherwise). */
  reconnects: number;
  /** The id of a resumable stream, to `resume` it after a page reload. */
  streamId: string | undefined;
  isLoading: boolean;
  submit: (input: I) => Promise<void>;
  /** Follows a resumable stream from its start (a stream id or its URL); the list starts over. */
  resume: (target: string) => Promise<void>;
  stop: () => void;
  reset: () => void;
  /** The underlying store. */
  store: PartialItemsStore<S, I>;
}

/**
 * Streams a list into a component, one validated element at a time (instructor's `create_iterable`):
 * render `items` with `<PartialList items={items} current={current}>`. `fetcher(input, { signal })`
 * returns a `Response`, a `ReadableStream` or an async iterable; a URL string POSTs `input` as JSON.
 */
export function usePartialItems<S extends StandardSchemaV1, I = unknown>(
  itemSchema: S,
  fetcher: Fetcher<I> | string,
  options: UsePartialItemsOptions<S, I> = {},
): UsePartialItemsResult<S, I> {
  const [store, state] = useStreamStore(
    () => new PartialItemsStore<S, I>({ ...options, schema: itemSchema, fetcher }),
    { ...options, schema: itemSchema, fetcher },
  );
  return useMemo(
    () => ({
      ...state,
      ...streamFields(state, store),
      submit: store.submit,
      store,
    }),
    [state, store],
  );
}
