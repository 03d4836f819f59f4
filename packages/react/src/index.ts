'use client';
export type {
  DeepPartial,
  PartialIssue,
  PartialItemsState,
  PartialState,
  Path,
  StreamStatus,
} from '@partialkit/core';
export { ItemValidationError } from '@partialkit/core';
export { PartialStoreProvider, usePartialStore } from './context.tsx';
export { type PartialItemInfo, PartialList, type PartialListProps } from './partial-list.tsx';
export { PartialText, type PartialTextProps } from './partial-text.tsx';
export {
  type UsePartialItemsOptions,
  type UsePartialItemsResult,
  usePartialItems,
} from './use-partial-items.ts';
export {
  type UsePartialObjectOptions,
  type UsePartialObjectResult,
  usePartialObject,
} from './use-partial-object.ts';
export { type PartialSelector, usePartialSelector } from './use-partial-selector.ts';
