import { encodeProtocolEvent } from '@partialkit/core';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, cleanup, render, screen } from '@testing-library/react';
import { memo, useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialStoreProvider, usePartialStore } from './context.tsx';
import { PartialText } from './partial-text.tsx';
import { type UsePartialObjectResult, usePartialObject } from './use-partial-object.ts';
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

function setup(options: { initialValue?: { title: string } } = {}) {
  const src = controlledSource();
  const api: { current?: UsePartialObjectResult<typeof Schema, unknown> } = {};
  function Title() {
    const store = usePartialStore<typeof Schema>();
    const title = usePartialSelector(store, (o) => o?.title);
    return <PartialText value={title} path={['title']} data-testid="t" />;
  }
  function Page() {
    api.current = usePartialObject(Schema, src.fetcher, { throttle: 0, ...options });
    return (
      <PartialStoreProvider store={api.current.store}>
        <Title />
      </PartialStoreProvider>
    );
  }
  render(<Page />);
  return { src, api: () => api.current! };
}

describe('<PartialText path> once nothing streams', () => {
  afterEach(cleanup);
  it('drops aria-busy and the caret after stop()', async () => {
    const { src, api } = setup();
    await act(async () => {
      void api().submit(1);
      await tick();
      src.push('{"title":"Hel');
      await tick();
    });
    expect(screen.getByTestId('t').getAttribute('aria-busy')).toBe('true');
    act(() => api().stop());
    expect(api().status).toBe('aborted');
    expect(screen.getByTestId('t').getAttribute('aria-busy')).toBeNull();
    expect(screen.getByTestId('t').textContent).toBe('Hel');
  });

  it('drops aria-busy and the caret after an error', async () => {
    const { src, api } = setup();
    await act(async () => {
      void api().submit(1);
      await tick();
      src.push(encodeProtocolEvent({ type: 'text', text: '{"title":"Hel' }));
      await tick();
      src.push(encodeProtocolEvent({ type: 'error', error: { type: 'overloaded', message: 'busy' } }));
      await tick();
    });
    expect(api().status).toBe('error');
    expect(screen.getByTestId('t').getAttribute('aria-busy')).toBeNull();
  });

  it('shows an initialValue idle, without a caret', () => {
    setup({ initialValue: { title: 'Draft' } });
    expect(screen.getByTestId('t').textContent).toBe('Draft');
    expect(screen.getByTestId('t').getAttribute('aria-busy')).toBeNull();
  });
});

describe('<PartialText value>', () => {
  it('a null value (a .nullish() field) shows the placeholder, as undefined does', () => {
    const { container } = render(
      <p>
        <PartialText value={null} placeholder="none yet" />|
        <PartialText value={undefined} placeholder="none" />
      </p>,
    );
    expect(container.textContent).toBe('none yet|none');
  });
});
