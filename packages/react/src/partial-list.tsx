import { isCompleteNode } from '@partialkit/core';
import { type Key, memo, type ReactNode } from 'react';

export interface PartialItemInfo {
  index: number;
  /** False for the item still streaming: show a skeleton or a caret. */
  complete: boolean;
}

export interface PartialListProps<T, C = never> {
  /** A (possibly still growing) array from a partial object, or the complete `items` of `usePartialItems`. */
  items: readonly T[] | undefined;
  /** An element still streaming, rendered last with `{ complete: false }` (`usePartialItems`' `current`). */
  current?: C | undefined;
  render: (item: T | C, info: PartialItemInfo) => ReactNode;
  /** Shown while the array has not started. */
  placeholder?: ReactNode;
  /**
   * React key of an item (default: its index, which is stable since arrays only grow; `current` gets the
   * index it will have in `items`, so its row stays mounted when it completes).
   */
  keyOf?: (item: T | C, index: number) => Key;
  /** Values the `render` function reads besides the item; a change re-renders every item. */
  deps?: readonly unknown[];
}

interface ItemProps {
  item: unknown;
  info: PartialItemInfo;
  render: (item: unknown, info: PartialItemInfo) => ReactNode;
  deps: readonly unknown[] | undefined;
}

const sameDeps = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((v, i) => Object.is(v, b[i])));

// `render` is usually an inline function: comparing it would defeat the memo, so items compare by
// identity, position, completion and `deps` only.
const Item = memo(
  function PartialListItem({ item, info, render }: ItemProps) {
    return <>{render(item, info)}</>;
  },
  (a, b) =>
    a.item === b.item &&
    a.info.index === b.info.index &&
    a.info.complete === b.info.complete &&
    sameDeps(a.deps, b.deps),
);

/**
 * Renders an array that is still growing. Complete items are memoised by identity and do not
 * re-render while later items stream; the item still streaming gets `{ complete: false }`. With
 * `usePartialItems`, pass `items` (all complete) and `current` (the element still streaming, last).
 */
export function PartialList<T, C = never>({
  items,
  current,
  render,
  placeholder,
  keyOf,
  deps,
}: PartialListProps<T, C>): ReactNode {
  if (items === undefined && current === undefined) return placeholder ?? null;
  const list = items ?? [];
  const whole = isCompleteNode(list);
  const last = list.length - 1;
  const next = list.length;
  const rows = list.map((item, index) => {
    const complete =
      whole || index < last || (typeof item === 'object' && item !== null && isCompleteNode(item));
    return (
      <Item
        key={keyOf ? keyOf(item, index) : index}
        item={item}
        info={{ index, complete }}
        render={render as ItemProps['render']}
        deps={deps}
      />
    );
  });
  // In the same array as the items, so the row keeps its key (and stays mounted) when it completes.
  if (current !== undefined) {
    rows.push(
      <Item
        key={keyOf ? keyOf(current, next) : next}
        item={current}
        info={{ index: next, complete: false }}
        render={render as ItemProps['render']}
        deps={deps}
      />,
    );
  }
  return <>{rows}</>;
}
