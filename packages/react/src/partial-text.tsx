import type { Path, StreamStatus } from '@partialkit/core';
import {
  type ElementType,
  type HTMLAttributes,
  type ReactNode,
  useCallback,
  useSyncExternalStore,
} from 'react';
import { useOptionalPartialStore } from './context.tsx';

const noSubscription = () => () => {};
const serverDone = () => true;
/** A string can grow only while its stream runs: after a stop, an error or before any, it shows as final. */
const isLive = (status: StreamStatus) => status === 'streaming' || status === 'reconnecting';

export interface PartialTextProps extends HTMLAttributes<HTMLElement> {
  /** A string from a partial object (`null`, as a `.nullish()` field may be, shows the placeholder). */
  value: string | null | undefined;
  /**
   * Whether the string is final: `!isLoading || isCompleteAt(path)`, so that a string a stop cut off
   * shows as final too. Or give `path` inside a `PartialStoreProvider`, which does that itself.
   */
  complete?: boolean | undefined;
  path?: Path | undefined;
  /** Shown after the text while it streams. */
  caret?: ReactNode | undefined;
  /** Shown while the string has not started. */
  placeholder?: ReactNode | undefined;
  /** The element (default `span`), or a component that takes what it is given: HTML attributes and the text. */
  as?: ElementType<HTMLAttributes<HTMLElement> & { 'data-streaming'?: '' | undefined }> | undefined;
}

/**
 * A string that may still be streaming: while it can grow it carries `aria-busy="true"` and
 * `data-streaming`, and a caret follows it. Nothing else changes.
 */
export function PartialText({
  value,
  complete,
  path,
  caret = '▍',
  placeholder,
  as: Tag = 'span',
  ...rest
}: PartialTextProps): ReactNode {
  const store = useOptionalPartialStore();
  const watched = complete === undefined && path && store ? store : undefined;
  const key = path?.join('\u0000');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path is compared by value (`key`)
  const getDone = useCallback(
    () => (watched && path ? watched.isCompleteAt(path) || !isLive(watched.getSnapshot().status) : true),
    [watched, key],
  );
  // Subscribed, so the caret and aria-busy go when the string closes, not at the next unrelated render.
  // The server's HTML (and so hydration) shows the store's initial state, where no stream runs.
  const fromStore = useSyncExternalStore(watched?.subscribe ?? noSubscription, getDone, serverDone);
  if (value === undefined || value === null) return placeholder ?? null;
  const done = complete ?? fromStore;
  return (
    <Tag {...rest} aria-busy={done ? undefined : true} data-streaming={done ? undefined : ''}>
      {value}
      {done ? null : (
        <span aria-hidden="true" data-partial-caret="">
          {caret}
        </span>
      )}
    </Tag>
  );
}
