import type {
  DeepPartial,
  PartialObjectStore,
  PartialState,
  SchemaInput,
  SchemaOutput,
  StandardSchemaV1,
} from '@partialkit/core';
import { useCallback, useSyncExternalStore } from 'react';

export type PartialSelector<S extends StandardSchemaV1, T> = (
  object: DeepPartial<SchemaInput<S>> | undefined,
  state: PartialState<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>,
) => T;

/**
 * Subscribes to one slice of a streamed object: the component re-renders only when the selected value
 * changes (`Object.is`). The parser keeps identity for unchanged subtrees, so selecting a node
 * (`s => s?.users?.[3]`) is enough; a selector must not build a new object on every call.
 */
export function usePartialSelector<S extends StandardSchemaV1, I, T>(
  store: PartialObjectStore<S, I>,
  selector: PartialSelector<S, T>,
): T {
  const get = useCallback(() => {
    const state = store.getSnapshot();
    return selector(state.object, state);
  }, [store, selector]);
  const getServer = useCallback(() => {
    const state = store.getServerSnapshot();
    return selector(state.object, state);
  }, [store, selector]);
  return useSyncExternalStore(store.subscribe, get, getServer);
}
