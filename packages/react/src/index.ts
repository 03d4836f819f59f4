'use client';
export type {
  DeepPartial,
  PartialFinishResult,
  PartialIssue,
  PartialItemsFields,
  PartialItemsState,
  PartialOutcome,
  PartialState,
  PartialStateFields,
  Path,
  StreamStatus,
  StreamStatusState,
} from '@partialkit/core';
export { ItemValidationError } from '@partialkit/core';
export { PartialStoreProvider, usePartialStore } from './context.tsx';
export { type PartialItemInfo, PartialList, type PartialListProps } from './partial-list.tsx';
export { PartialText, type PartialTextProps } from './partial-text.tsx';
export {
  type UsePartialItemsFields,
  type UsePartialItemsOptions,
  type UsePartialItemsResult,
  usePartialItems,
} from './use-partial-items.ts';
export {
  type UsePartialObjectFields,
  type UsePartialObjectOptions,
  type UsePartialObjectResult,
  usePartialObject,
} from './use-partial-object.ts';
export { type PartialSelector, usePartialSelector } from './use-partial-selector.ts';
