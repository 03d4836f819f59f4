import { type DeepPartial, PartialObjectStore } from '@partialkit/core';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { usePartialSelector } from './use-partial-selector.ts';

const Talk = z.object({ title: z.string(), done: z.boolean() });
const Schema = z.object({ heading: z.string(), talks: z.array(Talk) });

afterEach(cleanup);

const sameTitles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

function setup() {
  const src = controlledSource();
  const store = new PartialObjectStore({ schema: Schema, fetcher: src.fetcher, throttle: 0 });
  const push = (text: string) =>
    act(async () => {
      src.push(text);
      await tick();
    });
  return { src, store, push };
}

describe('usePartialSelector', () => {
  it('takes a selector that derives a new array, and re-renders only when isEqual says it changed', async () => {
    const { store, push } = setup();
    let renders = 0;
    const selected: unknown[] = [];
    const doneTitles = (o: DeepPartial<z.input<typeof Schema>> | undefined, state: unknown) => {
      selected.push(state);
      return (o?.talks ?? []).filter((t) => t?.done).map((t) => t?.title ?? '');
    };
    function Done() {
      const titles = usePartialSelector(store, doneTitles, sameTitles);
      renders++;
      return <p>{titles.join(', ') || 'none'}</p>;
    }
    render(<Done />);
    await act(async () => {
      void store.submit(null);
      await tick();
    });
    const initial = renders;
    await push('{"heading":"Talks');
    await push(' of the day","talks":[{"title":"Streams","done":true}');
    expect(screen.getByText('Streams')).toBeTruthy();
    const afterFirst = renders;
    expect(afterFirst).toBe(initial + 1);
    // The heading and a talk that is not done change the object, not the selection: no render.
    await push(',{"title":"Par');
    await push('sers","done":false}');
    expect(renders).toBe(afterFirst);
    await push(',{"title":"Identity","done":true}]}');
    expect(screen.getByText('Streams, Identity')).toBeTruthy();
    expect(renders).toBe(afterFirst + 1);
    // A selector that stays the same runs once per snapshot, however often React asks for it.
    expect(selected.length).toBe(new Set(selected).size);
  });

  it('keeps Object.is by default: a selected node re-renders only when it changes', async () => {
    const { store, push } = setup();
    const seen: unknown[] = [];
    function First() {
      const talk = usePartialSelector(store, (o) => o?.talks?.[0]);
      seen.push(talk);
      return <p>{talk?.title ?? '-'}</p>;
    }
    render(<First />);
    await act(async () => {
      void store.submit(null);
      await tick();
    });
    await push('{"heading":"x","talks":[{"title":"A","done":true}');
    const count = seen.length;
    await push(',{"title":"B"');
    expect(seen.length).toBe(count);
    expect(seen.at(-1)).toEqual({ title: 'A', done: true });
  });

  it('uses the new selector when it changes between renders', async () => {
    const { store, push } = setup();
    function Pick({ index }: { index: number }) {
      const title = usePartialSelector(store, (o) => o?.talks?.[index]?.title);
      return <p>{title ?? '-'}</p>;
    }
    const { rerender } = render(<Pick index={0} />);
    await act(async () => {
      void store.submit(null);
      await tick();
    });
    await push('{"heading":"x","talks":[{"title":"A","done":true},{"title":"B","done":true}]}');
    expect(screen.getByText('A')).toBeTruthy();
    rerender(<Pick index={1} />);
    expect(screen.getByText('B')).toBeTruthy();
  });
});
