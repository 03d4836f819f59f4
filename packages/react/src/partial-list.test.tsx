import type { DeepPartial } from '@partialkit/core';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, cleanup, render, screen } from '@testing-library/react';
import { memo, type ReactNode, useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialStoreProvider, usePartialStore } from './context.tsx';
import { PartialList } from './partial-list.tsx';
import { PartialText } from './partial-text.tsx';
import { usePartialObject } from './use-partial-object.ts';
import { usePartialSelector } from './use-partial-selector.ts';

const User = z.object({ name: z.string(), bio: z.string() });
const Schema = z.object({ users: z.array(User) });

afterEach(cleanup);

/** Streams `src` into `Schema` (throttle 0) and renders its users with `list`, inside a `<ul>`. */
function StreamedUsers({
  src,
  list,
}: {
  src: ReturnType<typeof controlledSource>;
  list: (users: DeepPartial<z.input<typeof Schema>>['users']) => ReactNode;
}) {
  const { object, submit } = usePartialObject(Schema, src.fetcher, { throttle: 0 });
  useEffect(() => {
    void submit(null);
  }, [submit]);
  return <ul>{list(object?.users)}</ul>;
}

/** The JSON of `count` users, cut into several chunks per user (name and bio stream in pieces). */
function usersChunks(count: number): string[] {
  const chunks = ['{"users":['];
  for (let i = 0; i < count; i++) {
    chunks.push(`${i ? ',' : ''}{"name":"User `, `${i}","bio":"Bio `, `of user `, `${i}"}`);
  }
  chunks.push(']}');
  return chunks;
}

describe('<PartialList>', () => {
  it('renders each completed item of a 100-item list once after it completes', async () => {
    const src = controlledSource();
    const completeRenders = new Map<number, number>();
    const streamingRenders = new Map<number, number>();
    render(
      <StreamedUsers
        src={src}
        list={(users) => (
          <PartialList
            items={users}
            placeholder={<li>loading</li>}
            render={(user, { index, complete }) => {
              const counts = complete ? completeRenders : streamingRenders;
              counts.set(index, (counts.get(index) ?? 0) + 1);
              return (
                <li data-complete={complete}>
                  {user.name}: {user.bio}
                </li>
              );
            }}
          />
        )}
      />,
    );
    await act(async () => {
      await tick();
    });
    expect(screen.getByText('loading')).toBeTruthy();
    for (const chunk of usersChunks(100)) {
      await act(async () => {
        src.push(chunk);
        await tick();
      });
    }
    await act(async () => {
      src.end();
      await tick();
    });
    expect(screen.getAllByRole('listitem')).toHaveLength(100);
    for (let i = 0; i < 100; i++) {
      expect(completeRenders.get(i), `item ${i}`).toBe(1);
      expect(streamingRenders.get(i) ?? 0, `item ${i}`).toBeGreaterThanOrEqual(2);
    }
    expect(screen.getAllByRole('listitem').every((li) => li.dataset.complete === 'true')).toBe(true);
  });

  it('re-renders items when deps change', () => {
    const items = [{ a: 1 }, { a: 2 }];
    let renders = 0;
    const view = (suffix: string) => (
      <PartialList
        items={items}
        deps={[suffix]}
        render={(item) => {
          renders++;
          return <span>{`${item.a}${suffix}`}</span>;
        }}
      />
    );
    const { rerender } = render(view('!'));
    rerender(view('!'));
    expect(renders).toBe(2);
    rerender(view('?'));
    expect(renders).toBe(4);
    expect(screen.getByText('2?')).toBeTruthy();
  });

  it('maps only the open block of items on a commit: a block of completed items is not visited', async () => {
    const src = controlledSource();
    // keyOf runs once per item each time the block holding the item renders.
    const keyed = new Map<number, number>();
    render(
      <StreamedUsers
        src={src}
        list={(users) => (
          <PartialList
            items={users}
            keyOf={(_, index) => {
              keyed.set(index, (keyed.get(index) ?? 0) + 1);
              return index;
            }}
            render={(user) => <li>{user.name}</li>}
          />
        )}
      />,
    );
    await act(async () => {
      await tick();
    });
    const chunks = usersChunks(100);
    let whenFirstBlockClosed: number[] = [];
    for (const [i, chunk] of chunks.entries()) {
      await act(async () => {
        src.push(chunk);
        await tick();
      });
      // chunk 1 + 4·40: user 40 has started, so users 0–31 (the first block) are all complete
      if (i === 1 + 4 * 40) whenFirstBlockClosed = [keyed.get(0)!, keyed.get(31)!];
    }
    await act(async () => {
      src.end();
      await tick();
    });
    expect(screen.getAllByRole('listitem')).toHaveLength(100);
    // users 32–39 streamed after the snapshot, over 30 commits: the first block was never rendered again
    expect(whenFirstBlockClosed[0]).toBeGreaterThan(100);
    expect([keyed.get(0), keyed.get(31)]).toEqual(whenFirstBlockClosed);
  });

  it('keeps the row of `current` mounted when it completes at a block boundary', () => {
    const mounts = new Map<number, number>();
    function Row({ index, label }: { index: number; label: string }) {
      useEffect(() => {
        mounts.set(index, (mounts.get(index) ?? 0) + 1);
      }, [index]);
      return <li>{label}</li>;
    }
    const first = Array.from({ length: 32 }, (_, i) => ({ name: `User ${i}` }));
    const view = (items: Array<{ name: string }>, current?: { name: string }) => (
      <PartialList
        items={items}
        current={current}
        render={(user, { index }) => <Row index={index} label={user.name} />}
      />
    );
    const { rerender } = render(view(first, { name: 'User 3' }));
    expect(screen.getAllByRole('listitem')).toHaveLength(33);
    rerender(view(first, { name: 'User 32' }));
    rerender(view([...first, { name: 'User 32' }], { name: 'User 33' }));
    expect(
      screen
        .getAllByRole('listitem')
        .map((li) => li.textContent)
        .join(),
    ).toBe([...first.map((u) => u.name), 'User 32', 'User 33'].join());
    expect(mounts.get(32)).toBe(1);
    expect(mounts.get(33)).toBe(1);
    expect(mounts.get(0)).toBe(1);
  });
});

describe('usePartialSelector and PartialStoreProvider', () => {
  it('re-renders a child only when its own slice changes', async () => {
    const src = controlledSource();
    const renders: number[] = [0, 0, 0];
    const Row = memo(function Row({ index }: { index: number }) {
      const store = usePartialStore<typeof Schema>();
      const user = usePartialSelector(store, (o) => o?.users?.[index]);
      renders[index]!++;
      return <p>{user?.name ?? '-'}</p>;
    });
    function Parent() {
      const { store, submit } = usePartialObject(Schema, src.fetcher, { throttle: 0 });
      useEffect(() => {
        void submit(null);
      }, [submit]);
      return (
        <PartialStoreProvider store={store}>
          <Row index={0} />
          <Row index={1} />
          <Row index={2} />
        </PartialStoreProvider>
      );
    }
    render(<Parent />);
    await act(async () => {
      await tick();
    });
    const chunks = usersChunks(3);
    // users[0] streams and completes
    for (const chunk of chunks.slice(0, 5)) {
      await act(async () => {
        src.push(chunk);
        await tick();
      });
    }
    const afterFirst = [...renders];
    // users[1] and users[2] stream: row 0 stays untouched
    for (const chunk of chunks.slice(5)) {
      await act(async () => {
        src.push(chunk);
        await tick();
      });
    }
    expect(renders[0]).toBe(afterFirst[0]);
    expect(renders[1]).toBeGreaterThan(afterFirst[1]!);
    expect(screen.getByText('User 2')).toBeTruthy();
  });
});

describe('<PartialText>', () => {
  it('marks a streaming string with aria-busy and a caret, and nothing else', () => {
    const { rerender, container } = render(<PartialText value="Hel" complete={false} className="t" />);
    const span = container.querySelector('span.t')!;
    expect(span.getAttribute('aria-busy')).toBe('true');
    expect(span.textContent).toBe('Hel▍');
    rerender(<PartialText value="Hello" complete className="t" />);
    const done = container.querySelector('span.t')!;
    expect(done.getAttribute('aria-busy')).toBeNull();
    expect(done.textContent).toBe('Hello');
    rerender(<PartialText value={undefined} placeholder="…" />);
    expect(container.textContent).toBe('…');
  });
});

describe('<PartialList> with an initialValue', () => {
  it('renders every item of the initial value as complete while nothing streams, and after reset()', () => {
    const Users = z.object({ users: z.array(z.object({ name: z.string() })) });
    const api: { reset?: () => void; status?: string } = {};
    function List() {
      const { object, status, reset } = usePartialObject(Users, () => [], {
        initialValue: { users: [{ name: 'Ada' }, { name: 'Grace' }] },
      });
      Object.assign(api, { reset, status });
      return (
        <ul>
          <PartialList
            items={object?.users}
            render={(user, { complete }) => <li data-complete={String(complete)}>{user.name}</li>}
          />
        </ul>
      );
    }
    render(<List />);
    expect(api.status).toBe('idle');
    const rows = () =>
      screen.getAllByRole('listitem').map((li) => `${li.textContent}:${li.dataset.complete}`);
    expect(rows()).toEqual(['Ada:true', 'Grace:true']);
    act(() => api.reset!());
    expect(rows()).toEqual(['Ada:true', 'Grace:true']);
  });
});

describe('streaming indicators once nothing streams (the README pattern)', () => {
  const Meeting = z.object({ location: z.string(), users: z.array(z.object({ name: z.string() })) });

  function setup(options: { initialValue?: { location: string } } = {}) {
    const src = controlledSource();
    const api: { current?: ReturnType<typeof usePartialObject<typeof Meeting, unknown>> } = {};
    // As the README writes it: final once the string closed or nothing streams any more.
    function View() {
      const result = usePartialObject(Meeting, src.fetcher, { throttle: 0, ...options });
      api.current = result;
      const { object, isCompleteAt, isLoading } = result;
      return (
        <>
          <PartialText
            value={object?.location}
            complete={!isLoading || isCompleteAt(['location'])}
            data-testid="loc"
          />
          <ul>
            <PartialList
              items={object?.users}
              deps={[isLoading]}
              render={(user, { complete }) => (
                <li aria-busy={(isLoading && !complete) || undefined} data-complete={String(complete)}>
                  {user.name}
                </li>
              )}
            />
          </ul>
        </>
      );
    }
    render(<View />);
    return { src, api: () => api.current! };
  }

  it('after stop(): no caret or aria-busy; the cut-off item still says it is incomplete', async () => {
    const { src, api } = setup();
    await act(async () => {
      void api().submit(1);
      await tick();
      src.push('{"location":"Berl');
      await tick();
    });
    expect(screen.getByTestId('loc').getAttribute('aria-busy')).toBe('true');
    await act(async () => {
      src.push('","users":[{"name":"Ada"},{"name":"Gra');
      await tick();
    });
    act(() => api().stop());
    expect(api().status).toBe('aborted');
    expect(screen.getByTestId('loc').getAttribute('aria-busy')).toBeNull();
    expect(api().isCompleteAt(['location'])).toBe(true);
    const rows = screen.getAllByRole('listitem');
    expect(rows.map((li) => li.getAttribute('aria-busy'))).toEqual([null, null]);
    expect(rows.map((li) => li.dataset.complete)).toEqual(['true', 'false']);
  });

  it('an idle initialValue is complete: isCompleteAt finds it, no caret', () => {
    const { api } = setup({ initialValue: { location: 'Berlin' } });
    expect(api().status).toBe('idle');
    expect(api().isCompleteAt(['location'])).toBe(true);
    expect(api().isCompleteAt(['users'])).toBe(false);
    expect(screen.getByTestId('loc').textContent).toBe('Berlin');
    expect(screen.getByTestId('loc').getAttribute('aria-busy')).toBeNull();
  });
});

describe('<PartialList items={null}>', () => {
  it('a nullable list that is null shows the placeholder, as one not begun does', () => {
    const Result = z.object({ tags: z.array(z.string()).nullable() });
    const object: DeepPartial<z.input<typeof Result>> = { tags: null };
    render(
      <ul>
        <PartialList items={object.tags} placeholder={<li>no tags</li>} render={(tag) => <li>{tag}</li>} />
      </ul>,
    );
    expect(screen.getByText('no tags')).toBeTruthy();
  });
});
