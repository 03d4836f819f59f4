import type { StreamStatus } from '@partialkit/core';
import { useEffect, useInsertionEffect, useState, useSyncExternalStore } from 'react';

/** What the hooks read of a store's state themselves (the rest is passed on as it is). */
interface StreamState {
  status: StreamStatus;
}

/** What the hooks need of a store: the vanilla store's shape, which both of core's stores have. */
interface BindableStore {
  /** Its own options type, taken from the store at the call (`never` accepts every one). */
  setOptions(options: never): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): StreamState;
  getServerSnapshot(): StreamState;
  attach(): () => void;
  resume: (target: string) => Promise<void>;
  stop: () => void;
  reset: () => void;
}

/**
 * One store for the component's lifetime, bound through `useSyncExternalStore`. The latest options are
 * applied on commit (before any effect can submit), so callbacks and the next submit always see them and
 * a render React throws away never leaks into the store; unmounting detaches it (aborting a request).
 */
export function useStreamStore<T extends BindableStore>(
  make: () => T,
  options: Parameters<T['setOptions']>[0],
): [T, ReturnType<T['getSnapshot']>] {
  const [store] = useState(make);
  useInsertionEffect(() => {
    store.setOptions(options);
  });
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  useEffect(() => store.attach(), [store]);
  return [store, state as ReturnType<T['getSnapshot']>];
}

/** The fields both hooks return besides the store's state. */
export function streamFields<T extends BindableStore>(state: StreamState, store: T) {
  return {
    isLoading: state.status === 'streaming' || state.status === 'reconnecting',
    resume: store.resume,
    stop: store.stop,
    reset: store.reset,
  };
}
