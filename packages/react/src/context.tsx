import type { PartialObjectStore, StandardSchemaV1 } from '@partialkit/core';
import { createContext, type ReactNode, useContext } from 'react';

// Stores of every schema share one context; `usePartialStore` restores the caller's types.
const StoreContext = createContext<unknown>(null);

/** Shares one stream with a subtree; children read slices with `usePartialStore` + `usePartialSelector`. */
export function PartialStoreProvider<S extends StandardSchemaV1, I>({
  store,
  children,
}: {
  store: PartialObjectStore<S, I>;
  children?: ReactNode;
}): ReactNode {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** The store of the nearest `PartialStoreProvider`. Pass the schema's type to get typed slices. */
export function usePartialStore<
  S extends StandardSchemaV1 = StandardSchemaV1,
  I = unknown,
>(): PartialObjectStore<S, I> {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePartialStore must be used inside <PartialStoreProvider store={…}>');
  return store as PartialObjectStore<S, I>;
}

/** The store of the nearest provider, or null outside one (for components that work either way). */
export function useOptionalPartialStore(): Pick<
  PartialObjectStore<StandardSchemaV1, unknown>,
  'subscribe' | 'getSnapshot' | 'isCompleteAt'
> | null {
  return useContext(StoreContext) as PartialObjectStore<StandardSchemaV1, unknown> | null;
}
