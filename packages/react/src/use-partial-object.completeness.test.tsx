/**
 * Completeness answers agree with what is rendered: an `initialValue` shown while a request starts (or
 * again after a re-ask) counts as complete, and under a throttle `isCompleteAt` answers for the snapshot
 * the component holds, not for the parser that runs ahead of it.
 */
import { encodeProtocolEvent } from '@partialkit/core';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, cleanup, render, renderHook, screen } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialStoreProvider, usePartialStore } from './context.tsx';
import { PartialText } from './partial-text.tsx';
import { type UsePartialObjectResult, usePartialObject } from './use-partial-object.ts';
import { usePartialSelector } from './use-partial-selector.ts';

afterEach(cleanup);

const Schema = z.object({ title: z.string(), n: z.number() });

describe('initialValue counts as complete (README: "An initialValue counts as complete")', () => {
  it('isCompleteAt stays true for the initial value shown while the request starts and after a re-ask', async () => {
    const src = controlledSource();
    const { result } = renderHook(() =>
      usePartialObject(Schema, src.fetcher, { throttle: 0, initialValue: { title: 'Draft' } }),
    );
    expect(result.current.isCompleteAt(['title'])).toBe(true); // idle: fine
    await act(async () => {
      void result.current.submit(1);
      await tick();
    });
    expect(result.current.object).toEqual({ title: 'Draft' });
    // `object.title` is still the initial value: complete, not streaming.
    expect(result.current.isCompleteAt(['title'])).toBe(true);
    await act(async () => {
      src.push(encodeProtocolEvent({ type: 'text', text: '{"title":"x' }));
      src.push(encodeProtocolEvent({ type: 'reset', attempt: 2 }));
      await tick();
    });
    expect(result.current.object).toEqual({ title: 'Draft' });
    expect(result.current.isCompleteAt(['title'])).toBe(true);
  });

  it('<PartialText path> shows no caret on the initial text while waiting for the first chunk', async () => {
    const src = controlledSource();
    const api: { current?: UsePartialObjectResult<typeof Schema, unknown> } = {};
    function Title() {
      const store = usePartialStore<typeof Schema>();
      const title = usePartialSelector(store, (o) => o?.title);
      return <PartialText value={title} path={['title']} data-testid="t" />;
    }
    function Page() {
      api.current = usePartialObject(Schema, src.fetcher, { throttle: 0, initialValue: { title: 'Draft' } });
      return (
        <PartialStoreProvider store={api.current.store}>
          <Title />
        </PartialStoreProvider>
      );
    }
    render(<Page />);
    await act(async () => {
      void api.current?.submit(1);
      await tick();
    });
    // Not "Draft▍" with aria-busy="true", as if the initial text were being typed.
    expect(screen.getByTestId('t').textContent).toBe('Draft');
    expect(screen.getByTestId('t').getAttribute('aria-busy')).toBeNull();
  });
});

describe('isCompleteAt agrees with the rendered snapshot', () => {
  it('under a throttle, a string whose close is still pending is not reported complete', async () => {
    const src = controlledSource();
    const { result } = renderHook(() => usePartialObject(Schema, src.fetcher, { throttle: 5000 }));
    await act(async () => {
      void result.current.submit(1);
      await tick();
      src.push('{"title":"He'); // leading edge: shown at once
      await tick();
      src.push('llo","n":'); // folded into the next throttled update
      await tick();
    });
    expect(result.current.object).toEqual({ title: 'He' });
    // The parser holds "Hello", closed; the object rendered holds "He", which will grow.
    expect(result.current.isCompleteAt(['title'])).toBe(false);
    act(() => result.current.stop());
  });

  it("README's <PartialText complete={!isLoading || isCompleteAt(path)}> keeps its caret on a truncated string", async () => {
    const src = controlledSource();
    function View() {
      const { object, isLoading, isCompleteAt, submit } = usePartialObject(Schema, src.fetcher, {
        throttle: 200,
      });
      useEffect(() => {
        void submit(null);
      }, [submit]);
      return (
        <PartialText data-testid="t" value={object?.title} complete={!isLoading || isCompleteAt(['title'])} />
      );
    }
    const { rerender } = render(<View />);
    await act(async () => {
      await tick();
      src.push('{"title":"He');
      await tick();
      src.push('llo","n":');
      await tick();
    });
    rerender(<View />); // any unrelated re-render (parent state, a context) within the throttle window
    // Not "He" without caret or aria-busy (looking final), then "Hello" up to 200 ms later.
    expect(screen.getByTestId('t').textContent).toBe('He▍');
    await act(async () => {
      await new Promise((r) => setTimeout(r, 250));
    });
  });
});
