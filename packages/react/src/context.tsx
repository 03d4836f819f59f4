import type { PartialObjectStore } from '@partialkit/core';
import { createContext, type ReactNode, useContext } from 'react';
import type * as z4 from 'zod/v4/core';

// biome-ignore lint/suspicious/noExplicitAny: the context holds stores of any schema; usePartialStore restores the type.
type AnyStore = PartialObjectStore<any, any>;

const StoreContext = createContext<AnyStore | null>(null);

/** Shares one stream with a subtree; children read slices with `usePartialStore` + `usePartialSelector`. */
export function PartialStoreProvider({
  store,
  children,
}: {
  store: AnyStore;
  children?: ReactNode;
}): ReactNode {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** The store of the nearest `PartialStoreProvider`. Pass the schema's type to get typed slices. */
export function usePartialStore<S extends z4.$ZodType = z4.$ZodType, I = unknown>(): PartialObjectStore<
  S,
  I
> {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePartialStore must be used inside <PartialStoreProvider store={…}>');
  return store as PartialObjectStore<S, I>;
}

/** The store of the nearest provider, or undefined outside one. */
export function useOptionalPartialStore(): AnyStore | null {
  return useContext(StoreContext);
}
