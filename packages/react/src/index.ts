'use client';
export type { DeepPartial, PartialIssue, PartialState, Path, StreamStatus } from '@partialkit/core';
export { PartialStoreProvider, usePartialStore } from './context.tsx';
export { type PartialItemInfo, PartialList, type PartialListProps } from './partial-list.tsx';
export { PartialText, type PartialTextProps } from './partial-text.tsx';
export {
  type UsePartialObjectOptions,
  type UsePartialObjectResult,
  usePartialObject,
} from './use-partial-object.ts';
export { type PartialSelector, usePartialSelector } from './use-partial-selector.ts';
