import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, render, screen, within } from '@testing-library/react';
import { useEffect, useRef } from 'react';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialList } from './partial-list.tsx';
import { usePartialItems } from './use-partial-items.ts';

const Talk = z.object({ title: z.string(), speaker: z.string(), minutes: z.number().int().positive() });

/** `count` talks as a wrapped list, each cut into pieces, with talk 3 invalid (negative minutes). */
function talkChunks(count: number): string[] {
  const chunks = ['{"items":['];
  for (let i = 0; i < count; i++) {
    chunks.push(
      `${i ? ',' : ''}{"title":"Talk `,
      `${i}","speaker":"Speaker `,
      `${i}","minutes":`,
      `${i === 3 ? -5 : 30}}`,
    );
  }
  chunks.push(']}');
  return chunks;
}

describe('usePartialItems with <PartialList current>', () => {
  it('renders items plus the element still streaming; a row stays mounted when it completes', async () => {
    const src = controlledSource();
    const mounts = new Map<number, number>();
    const completeRenders = new Map<number, number>();
    const itemsSeen: Array<readonly unknown[]> = [];
    function Row({
      index,
      title,
      complete,
    }: {
      index: number;
      title: string | undefined;
      complete: boolean;
    }) {
      const mounted = useRef(false);
      useEffect(() => {
        if (!mounted.current) mounts.set(index, (mounts.get(index) ?? 0) + 1);
        mounted.current = true;
      }, [index]);
      if (complete) completeRenders.set(index, (completeRenders.get(index) ?? 0) + 1);
      return <li data-complete={complete}>{title ?? '…'}</li>;
    }
    function Talks() {
      const { items, current, issues, submit } = usePartialItems(Talk, src.fetcher, { throttle: 0 });
      itemsSeen.push(items);
      useEffect(() => {
        void submit(null);
      }, [submit]);
      return (
        <>
          <ul>
            <PartialList
              items={items}
              current={current}
              render={(talk, { index, complete }) => (
                <Row index={index} title={talk.title} complete={complete} />
              )}
            />
          </ul>
          <p data-testid="issues">{issues.map((e) => e.index).join(',')}</p>
        </>
      );
    }
    render(<Talks />);
    await act(async () => {
      await tick();
    });
    const chunks = talkChunks(10);
    for (const chunk of chunks) {
      await act(async () => {
        src.push(chunk);
        await tick();
      });
      const rows = screen.queryAllByRole('listitem');
      // every row but the last is complete; the last is complete only between elements
      expect(rows.slice(0, -1).every((li) => li.dataset.complete === 'true')).toBe(true);
    }
    await act(async () => {
      src.end();
      await tick();
    });
    const rows = screen.getAllByRole('listitem');
    expect(rows.map((li) => li.textContent)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9].map((i) => `Talk ${i}`));
    expect(rows.every((li) => li.dataset.complete === 'true')).toBe(true);
    expect(screen.getByTestId('issues').textContent).toBe('3');
    for (let i = 0; i < 9; i++) {
      // rendered complete once, and never remounted from its streaming row to its complete row (row 3
      // was mounted first for the invalid talk 3, whose row went away when it closed)
      expect(completeRenders.get(i), `row ${i}`).toBe(1);
      expect(mounts.get(i), `row ${i}`).toBe(i === 3 ? 2 : 1);
    }
    // items grow by append: each element is the same object in every later array
    for (let k = 1; k < itemsSeen.length; k++) {
      const [before, after] = [itemsSeen[k - 1]!, itemsSeen[k]!];
      expect(after.length).toBeGreaterThanOrEqual(before.length);
      for (const [i, item] of before.entries()) expect(after[i]).toBe(item);
    }
  });

  it('with the hook, shows the placeholder until the first element starts, then the element', async () => {
    const src = controlledSource();
    function Talks() {
      const { items, current, submit } = usePartialItems(Talk, src.fetcher, { throttle: 0 });
      useEffect(() => {
        void submit(null);
      }, [submit]);
      return (
        <ul>
          <PartialList
            items={items}
            current={current}
            placeholder={<li>waiting</li>}
            render={(talk) => <li>{talk.title ?? '…'}</li>}
          />
        </ul>
      );
    }
    const view = within(render(<Talks />).container);
    await act(async () => {
      await tick();
    });
    expect(view.getByText('waiting')).toBeTruthy();
    await act(async () => {
      src.push('{"items":[');
      await tick();
    });
    expect(view.getByText('waiting')).toBeTruthy();
    await act(async () => {
      src.push('{"title":"Talk 0"');
      await tick();
    });
    expect(view.queryByText('waiting')).toBeNull();
    expect(view.getByText('Talk 0')).toBeTruthy();
  });
});
