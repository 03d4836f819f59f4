import type {
  DeepPartial,
  PartialObjectStore,
  PartialState,
  SchemaInput,
  SchemaOutput,
  StandardSchemaV1,
} from '@partialkit/core';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';

export type PartialSelector<S extends StandardSchemaV1, T> = (
  object: DeepPartial<SchemaInput<S>> | undefined,
  state: PartialState<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>,
) => T;

/**
 * Subscribes to one slice of a streamed object: the component re-renders only when the selected value
 * changes by `isEqual` (`Object.is` by default). The parser keeps identity for unchanged subtrees, so
 * selecting a node (`s => s?.users?.[3]`) needs nothing more; a selector that derives a new value
 * (`s => s?.talks?.filter(…)`) passes an `isEqual` that compares it (e.g. item by item), and keeps its
 * last value while they are equal. A selector that stays the same runs once per snapshot.
 */
export function usePartialSelector<S extends StandardSchemaV1, I, T>(
  store: PartialObjectStore<S, I>,
  selector: PartialSelector<S, T>,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  // The last selection committed, kept across renders: an inline selector (a new function at every
  // render) still compares against it, instead of handing React a new value that loops.
  const committed = useRef<{ value: T }>(undefined);
  const [get, getServer] = useMemo(() => {
    const memoised = (snapshot: () => PartialState<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>) => {
      let memo: { state: unknown; value: T } | undefined;
      return (): T => {
        const state = snapshot();
        if (memo?.state === state) return memo.value;
        const next = selector(state.object, state);
        const previous = memo ?? committed.current;
        const value = previous && isEqual(previous.value, next) ? previous.value : next;
        memo = { state, value };
        return value;
      };
    };
    return [memoised(store.getSnapshot), memoised(store.getServerSnapshot)];
  }, [store, selector, isEqual]);
  const value = useSyncExternalStore(store.subscribe, get, getServer);
  useEffect(() => {
    committed.current = { value };
  }, [value]);
  return value;
}
