import { isCompleteNode } from '@partialkit/core';
import { type Key, memo, type ReactNode } from 'react';

export interface PartialItemInfo {
  index: number;
  /** False for the item still streaming: show a skeleton or a caret. */
  complete: boolean;
}

export interface PartialListProps<T> {
  /** A (possibly still growing) array from a partial object. */
  items: readonly T[] | undefined;
  render: (item: T, info: PartialItemInfo) => ReactNode;
  /** Shown while the array has not started. */
  placeholder?: ReactNode;
  /** React key of an item (default: its index, which is stable since arrays only grow). */
  keyOf?: (item: T, index: number) => Key;
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
 * re-render while later items stream; the item still streaming gets `{ complete: false }`.
 */
export function PartialList<T>({ items, render, placeholder, keyOf, deps }: PartialListProps<T>): ReactNode {
  if (items === undefined) return placeholder ?? null;
  const whole = isCompleteNode(items);
  const last = items.length - 1;
  return (
    <>
      {items.map((item, index) => {
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
      })}
    </>
  );
}
