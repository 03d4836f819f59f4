import { isCompleteItem } from '@partialkit/core';
import { type Key, memo, type ReactNode } from 'react';

export interface PartialItemInfo {
  index: number;
  /** False for the item still streaming: show a skeleton or a caret. */
  complete: boolean;
}

export interface PartialListProps<T, C = never> {
  /**
   * A (possibly still growing) array from a partial object, or the complete `items` of `usePartialItems`;
   * `null` (a `.nullable()` list, as OpenAI's strict mode asks for optional fields) shows the placeholder.
   */
  items: readonly T[] | null | undefined;
  /** An element still streaming, rendered last with `{ complete: false }` (`usePartialItems`' `current`). */
  current?: C | undefined;
  render: (item: T | C, info: PartialItemInfo) => ReactNode;
  /**
   * Shown while there is no item: the array has not started, or it is empty and no element streams
   * (`usePartialItems`' `items` is `[]` until its first element closes).
   */
  placeholder?: ReactNode | undefined;
  /**
   * React key of an item (default: its index, which is stable since arrays only grow; `current` gets the
   * index it will have in `items`, so its row stays mounted when it completes). Read, like `render`, when
   * an item changes: a key that depends on other values needs them in `deps`. A key read from the item
   * must be complete when the item is first shown, or the row remounts as it grows: an id that is a
   * `z.uuid()` or `atomic(z.string())`, or required with `partial(Item, { require: ['id'] })`.
   */
  keyOf?: ((item: T | C, index: number) => Key) | undefined;
  /** Values the `render` function reads besides the item; a change re-renders every item. */
  deps?: readonly unknown[] | undefined;
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
 * Items per block. The list is cut into blocks by index, each memoised: a block whose items are all
 * unchanged bails out after one identity check per item, so a commit reconciles N / BLOCK blocks and
 * the items of the open block, not all N items (an item never changes block, so it never remounts).
 */
const BLOCK = 32;

interface BlockProps {
  list: readonly unknown[];
  start: number;
  end: number;
  /** The index of the item still streaming in this block, or -1. */
  open: number;
  /** The element streaming after `list` (`usePartialItems`' `current`), when it falls in this block. */
  current: unknown;
  render: ItemProps['render'];
  keyOf: ((item: unknown, index: number) => Key) | undefined;
  deps: readonly unknown[] | undefined;
}

const Block = memo(
  function PartialListBlock({ list, start, end, open, current, render, keyOf, deps }: BlockProps) {
    const rows: ReactNode[] = [];
    const row = (item: unknown, index: number, complete: boolean) =>
      rows.push(
        <Item
          key={keyOf ? keyOf(item, index) : index}
          item={item}
          info={{ index, complete }}
          render={render}
          deps={deps}
        />,
      );
    for (let index = start; index < end; index++) row(list[index], index, index !== open);
    // In the same block as the item it becomes, so the row keeps its key (and stays mounted) when it completes.
    if (current !== undefined) row(current, end, false);
    return <>{rows}</>;
  },
  (a, b) => {
    if (a.start !== b.start || a.end !== b.end || a.open !== b.open || a.current !== b.current) return false;
    if (!sameDeps(a.deps, b.deps)) return false;
    if (a.list === b.list) return true;
    for (let i = a.start; i < a.end; i++) if (a.list[i] !== b.list[i]) return false;
    return true;
  },
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
  if (!items?.length && current === undefined) return placeholder ?? null;
  const list: readonly unknown[] = items ?? [];
  const last = list.length - 1;
  // Only the last item can still be streaming: every earlier one is closed once a later one starts.
  const open = last < 0 || isCompleteItem(list, last) ? -1 : last;
  const total = list.length + (current === undefined ? 0 : 1);
  const blocks: ReactNode[] = [];
  for (let start = 0; start < total; start += BLOCK) {
    const end = Math.min(start + BLOCK, list.length);
    blocks.push(
      <Block
        key={start}
        list={list}
        start={start}
        end={end}
        open={open >= start && open < end ? open : -1}
        current={end === list.length && end < start + BLOCK ? current : undefined}
        render={render as ItemProps['render']}
        keyOf={keyOf as BlockProps['keyOf']}
        deps={deps}
      />,
    );
  }
  return <>{blocks}</>;
}
