import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, render, screen } from '@testing-library/react';
import { memo, useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialStoreProvider, usePartialStore } from './context.tsx';
import { PartialText } from './partial-text.tsx';
import { usePartialObject } from './use-partial-object.ts';
import { usePartialSelector } from './use-partial-selector.ts';

const Schema = z.object({ title: z.string(), n: z.number() });

describe('<PartialText path> inside a PartialStoreProvider', () => {
  it('drops its caret and aria-busy when its string closes, without a re-render from its parent', async () => {
    const src = controlledSource();
    // The title only re-renders when its own slice changes, and the slice does not change at the close.
    const Title = memo(function Title() {
      const store = usePartialStore<typeof Schema>();
      const title = usePartialSelector(store, (o) => o?.title);
      return <PartialText value={title} path={['title']} data-testid="title" />;
    });
    function Page() {
      const { store, submit } = usePartialObject(Schema, src.fetcher, { throttle: 0 });
      useEffect(() => {
        void submit(null);
      }, [submit]);
      return (
        <PartialStoreProvider store={store}>
          <Title />
        </PartialStoreProvider>
      );
    }
    render(<Page />);
    await act(async () => {
      await tick();
    });
    await act(async () => {
      src.push('{"title": "Hello');
      await tick();
    });
    expect(screen.getByTestId('title').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByTestId('title').textContent).toBe('Hello▍');
    await act(async () => {
      src.push('", "n": 1}');
      src.end();
      await tick();
    });
    expect(screen.getByTestId('title').getAttribute('aria-busy')).toBeNull();
    expect(screen.getByTestId('title').textContent).toBe('Hello');
  });
});
