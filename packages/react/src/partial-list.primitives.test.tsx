/**
 * <PartialList> over an array of primitives: a number or an enum is final the moment it is shown, and a
 * string once its closing quote came, so its row gets `complete: true` while the array is still open.
 */
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, cleanup, render } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialList } from './partial-list.tsx';
import { usePartialObject } from './use-partial-object.ts';

afterEach(cleanup);

const Schema = z.object({
  scores: z.array(z.number()),
  tracks: z.array(z.enum(['main', 'workshop'])),
});

function setup(field: 'scores' | 'tracks') {
  const src = controlledSource();
  const seen: string[] = [];
  function Scores() {
    const { object, submit } = usePartialObject(Schema, src.fetcher, { throttle: 0 });
    useEffect(() => {
      void submit(null);
    }, [submit]);
    return (
      <ul>
        <PartialList
          items={object?.[field] as readonly unknown[] | undefined}
          render={(value, { index, complete }) => {
            seen.push(`${index}:${String(value)}:${complete}`);
            return <li>{String(value)}</li>;
          }}
        />
      </ul>
    );
  }
  render(<Scores />);
  return { src, seen };
}

describe('<PartialList> over an array of primitives', () => {
  it('a number that is already shown (so complete) is rendered with complete: true', async () => {
    const { src, seen } = setup('scores');
    await act(async () => {
      await tick();
    });
    // `2` is only shown once the `,` after it arrived: it can never change again.
    await act(async () => {
      src.push('{"scores":[1,2,');
      await tick();
    });
    // Not a skeleton until the array closes (or forever, after a stop).
    expect(seen.at(-1)).toBe('1:2:true');
  });

  it('an enum value (shown only once complete) is rendered with complete: true', async () => {
    const { src, seen } = setup('tracks');
    await act(async () => {
      await tick();
    });
    await act(async () => {
      src.push('{"scores":[],"tracks":["main","work');
      await tick();
    });
    // Only "main" is shown ("work" is an incomplete enum, held back); "main" is final.
    expect(seen.at(-1)).toBe('0:main:true');
  });
});
