/**
 * React 19.2's <Activity mode="hidden"> cleans up the effects of what it hides, as an unmount does, so a
 * store owned by a hidden component aborts its stream (React cannot tell the store it will come back).
 * The documented way to keep a stream running in a hidden tab: own the store above the Activity and read
 * it inside through `PartialStoreProvider`.
 */
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, cleanup, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialStoreProvider, usePartialStore } from './context.tsx';
import { usePartialObject } from './use-partial-object.ts';
import { usePartialSelector } from './use-partial-selector.ts';

afterEach(cleanup);

type Mode = 'visible' | 'hidden';
const Activity = (React as { Activity?: React.ComponentType<{ mode: Mode; children?: React.ReactNode }> })
  .Activity;
const Schema = z.object({ title: z.string() });
/** Feeds one request's stream; a stream already cancelled takes nothing. */
function feed(r: { controller: ReadableStreamDefaultController<string> }, text: string) {
  try {
    r.controller.enqueue(text);
  } catch {}
}

describe('<Activity> (React 19.2+)', () => {
  it.skipIf(!Activity)(
    'a store owned above a hidden Activity keeps streaming; a store inside it aborts',
    async () => {
      const Keep = Activity!;
      const src = controlledSource();
      const submits: Array<() => void> = [];
      function Title({ testId }: { testId: string }) {
        const store = usePartialStore<typeof Schema>();
        const title = usePartialSelector(store, (o) => o?.title);
        const { status } = React.useSyncExternalStore(store.subscribe, store.getSnapshot);
        return <p data-testid={testId}>{`${status}:${title ?? ''}`}</p>;
      }
      /** Owns its store: hidden, its effects are cleaned up, as on unmount. */
      function Inner() {
        const { store, submit } = usePartialObject(Schema, src.fetcher, { throttle: 0 });
        submits[1] = () => void submit(1);
        return (
          <PartialStoreProvider store={store}>
            <Title testId="inner" />
          </PartialStoreProvider>
        );
      }
      function App({ mode }: { mode: Mode }) {
        const { store, submit } = usePartialObject(Schema, src.fetcher, { throttle: 0 });
        submits[0] = () => void submit(0);
        return (
          <PartialStoreProvider store={store}>
            <Keep mode={mode}>
              <Title testId="outer" />
              <Inner />
            </Keep>
          </PartialStoreProvider>
        );
      }
      const { rerender } = render(<App mode="visible" />);
      await act(async () => {
        submits[0]!();
        submits[1]!();
        await tick();
        for (const r of src.requests) feed(r, '{"title":"a');
        await tick();
      });
      rerender(<App mode="hidden" />); // the user switches to another tab
      await act(async () => {
        await tick();
        for (const r of src.requests) feed(r, 'b');
        await tick();
      });
      rerender(<App mode="visible" />); // and back
      await act(async () => {
        await tick();
        for (const r of src.requests) feed(r, 'c');
        await tick();
      });
      expect(src.requests.map((r) => r.signal.aborted)).toEqual([false, true]);
      expect(screen.getByTestId('outer').textContent).toBe('streaming:abc');
      expect(screen.getByTestId('inner').textContent).toBe('aborted:a');
    },
  );
});
