/**
 * <PartialText path> hydrates from the store's server snapshot (the initial state, as every binding
 * does), so hydrating over a store that already streams (e.g. `resume(streamId)` after a reload,
 * started before `hydrateRoot`) is no hydration mismatch.
 */
import { PartialObjectStore } from '@partialkit/core';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act } from '@testing-library/react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialStoreProvider, usePartialStore } from './context.tsx';
import { PartialText } from './partial-text.tsx';
import { usePartialSelector } from './use-partial-selector.ts';

const Schema = z.object({ title: z.string() });

function Title() {
  const store = usePartialStore<typeof Schema>();
  const title = usePartialSelector(store, (o) => o?.title);
  return <PartialText value={title ?? 'Untitled'} path={['title']} />;
}

describe('<PartialText path> hydration', () => {
  it('hydrates the server HTML without a mismatch while the client store already streams', async () => {
    const serverStore = new PartialObjectStore({ schema: Schema, fetcher: () => [] });
    const html = renderToString(
      <PartialStoreProvider store={serverStore}>
        <Title />
      </PartialStoreProvider>,
    );
    expect(html).toBe('<span>Untitled</span>');
    const src = controlledSource();
    const store = new PartialObjectStore({ schema: Schema, throttle: 0, fetcher: src.fetcher });
    void store.submit(null);
    await tick();
    expect(store.getSnapshot().status).toBe('streaming');
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const errors: string[] = [];
    const root = await act(async () => {
      const r = hydrateRoot(
        container,
        <PartialStoreProvider store={store}>
          <Title />
        </PartialStoreProvider>,
        { onRecoverableError: (e) => errors.push(String((e as Error).message).slice(0, 40)) },
      );
      await tick();
      return r;
    });
    // The hydrating render reads the initial snapshot for the caret, aria-busy and data-streaming too.
    expect(errors).toEqual([]);
    act(() => root.unmount());
    container.remove();
    store.stop();
  });
});
