import type { Path } from '@partialkit/core';
import type { ElementType, HTMLAttributes, ReactNode } from 'react';
import { useOptionalPartialStore } from './context.tsx';

export interface PartialTextProps extends HTMLAttributes<HTMLElement> {
  /** A string from a partial object. */
  value: string | undefined;
  /** Whether the string is final; or give `path` inside a `PartialStoreProvider`. */
  complete?: boolean;
  path?: Path;
  /** Shown after the text while it streams. */
  caret?: ReactNode;
  /** Shown while the string has not started. */
  placeholder?: ReactNode;
  as?: ElementType;
}

/**
 * A string that may still be streaming: while it grows it carries `aria-busy="true"` and
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
  if (value === undefined) return placeholder ?? null;
  const done = complete ?? (path && store ? store.isComplete(path) : true);
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
