import '@partialkit/core/providers';
import { encodeProtocolEvent, HTTPError, ProviderError } from '@partialkit/core';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { fixtureBytes } from '@partialkit/test-utils/fixtures';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { act, render, renderHook, screen } from '@testing-library/react';
import { Profiler, StrictMode, useEffect, useRef } from 'react';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { usePartialObject } from './use-partial-object.ts';

const Schema = z.object({ title: z.string(), status: z.enum(['draft', 'final']), n: z.number() });

describe('usePartialObject', () => {
  it('streams a recorded provider response into a typed object', async () => {
    const events = new TextDecoder().decode(fixtureBytes('conference-extraction.sse')).split(/(?<=\n\n)/);
    const src = controlledSource();
    const { result } = renderHook(() => usePartialObject(MeetingInfo, src.fetcher, { throttle: 0 }));
    expect(result.current.status).toBe('idle');
    await act(async () => {
      void result.current.submit({ text: 'meeting notes' });
      await tick();
    });
    expect(result.current.status).toBe('streaming');
    expect(src.requests[0]!.input).toEqual({ text: 'meeting notes' });
    const seen = new Set<unknown>();
    for (const event of events) {
      await act(async () => {
        src.push(event);
        await tick();
      });
      seen.add(result.current.object);
      const budget = result.current.object?.budget;
      if (budget !== undefined) expect(budget).toBe(50000);
    }
    await act(async () => {
      src.end();
      await tick();
    });
    expect(seen.size).toBeGreaterThan(30);
    expect(result.current.status).toBe('success');
    expect(result.current.data).toEqual(MEETING_RESULT);
    expect(result.current.isCompleteAt(['users', 2])).toBe(true);
  });

  it('keeps submit/stop/reset identity across renders', async () => {
    const src = controlledSource();
    const { result, rerender } = renderHook(() => usePartialObject(Schema, src.fetcher));
    const { submit, stop, reset, isComplete } = result.current;
    rerender();
    expect(result.current.submit).toBe(submit);
    expect(result.current.stop).toBe(stop);
    expect(result.current.reset).toBe(reset);
    expect(result.current.isComplete).toBe(isComplete);
  });

  it('submit while streaming aborts the previous request; stop keeps the partial', async () => {
    const src = controlledSource();
    const { result } = renderHook(() => usePartialObject(Schema, src.fetcher, { throttle: 0 }));
    await act(async () => {
      void result.current.submit(1);
      await tick();
      src.push('{"title":"one');
      await tick();
    });
    expect(result.current.object).toEqual({ title: 'one' });
    await act(async () => {
      void result.current.submit(2);
      await tick();
    });
    expect(src.requests[0]!.signal.aborted).toBe(true);
    expect(result.current.object).toBeUndefined();
    await act(async () => {
      src.push('{"title":"two');
      await tick();
    });
    expect(result.current.object).toEqual({ title: 'two' });
    act(() => result.current.stop());
    expect(result.current.status).toBe('aborted');
    expect(result.current.object).toEqual({ title: 'two' });
    expect(src.requests[1]!.signal.aborted).toBe(true);
    act(() => result.current.reset());
    expect(result.current.status).toBe('idle');
    expect(result.current.object).toBeUndefined();
  });

  it('aborts on unmount and updates nothing afterwards', async () => {
    const src = controlledSource();
    let renders = 0;
    const { result, unmount } = renderHook(() => {
      renders++;
      return usePartialObject(Schema, src.fetcher, { throttle: 0 });
    });
    await act(async () => {
      void result.current.submit(1);
      await tick();
    });
    unmount();
    await Promise.resolve(); // the abort waits one microtask, for a StrictMode remount
    expect(src.requests[0]!.signal.aborted).toBe(true);
    const before = renders;
    expect(src.push('{"title":"late"}')).toBe(false); // the reader was cancelled
    await tick();
    expect(renders).toBe(before);
  });

  it('in StrictMode, a submit made once on mount (a ref guard) survives the remount and streams', async () => {
    const src = controlledSource();
    function Once() {
      const { submit, object, status } = usePartialObject(Schema, src.fetcher, { throttle: 0 });
      const started = useRef(false);
      useEffect(() => {
        if (started.current) return;
        started.current = true;
        void submit('go');
      }, [submit]);
      return <p data-testid="once">{`${status}:${object?.title ?? ''}`}</p>;
    }
    render(
      <StrictMode>
        <Once />
      </StrictMode>,
    );
    await act(async () => {
      await tick();
    });
    expect(src.requests.length).toBe(1);
    await act(async () => {
      src.push('{"title":"strict"');
      await tick();
    });
    expect(screen.getByTestId('once').textContent).toBe('streaming:strict');
  });

  it('in StrictMode, a submit from a mount effect reaches the fetcher once', async () => {
    const src = controlledSource();
    function Auto() {
      const { submit, object } = usePartialObject(Schema, src.fetcher, { throttle: 0 });
      useEffect(() => {
        void submit('go');
      }, [submit]);
      return <p>{object?.title ?? 'empty'}</p>;
    }
    render(
      <StrictMode>
        <Auto />
      </StrictMode>,
    );
    await act(async () => {
      await tick();
    });
    expect(src.requests.length).toBe(1);
    await act(async () => {
      src.push('{"title":"strict"');
      await tick();
    });
    expect(screen.getByText('strict')).toBeTruthy();
  });

  it('an error mid-stream keeps the partial and calls the latest callbacks', async () => {
    const src = controlledSource();
    const calls: string[] = [];
    const { result, rerender } = renderHook(
      ({ tag }) =>
        usePartialObject(Schema, src.fetcher, {
          throttle: 0,
          onError: (e) => calls.push(`${tag}:${e.message}`),
        }),
      { initialProps: { tag: 'old' } },
    );
    await act(async () => {
      void result.current.submit(1);
      await tick();
      src.push(encodeProtocolEvent({ type: 'text', text: '{"title":"kept","status":"dra' }));
      await tick();
    });
    rerender({ tag: 'new' });
    await act(async () => {
      src.push(encodeProtocolEvent({ type: 'error', error: { type: 'rate_limit', message: 'slow down' } }));
      await tick();
    });
    expect(result.current.status).toBe('error');
    expect(result.current.error).toBeInstanceOf(ProviderError);
    expect(result.current.object).toEqual({ title: 'kept' });
    expect(calls).toEqual(['new:slow down']);
  });

  it('a URL fetcher reports HTTP errors', async () => {
    const original = globalThis.fetch;
    globalThis.fetch = async () => new Response('nope', { status: 500, statusText: 'Server Error' });
    try {
      const { result } = renderHook(() => usePartialObject(Schema, '/api/extract'));
      await act(async () => {
        await result.current.submit({ q: 1 });
      });
      expect(result.current.error).toBeInstanceOf(HTTPError);
      expect((result.current.error as HTTPError).body).toBe('nope');
    } finally {
      globalThis.fetch = original;
    }
  });

  it('throttle coalesces chunks into fewer renders', async () => {
    const src = controlledSource();
    let commits = 0;
    function View() {
      const { object, submit } = usePartialObject(Schema, src.fetcher, { throttle: 40 });
      useEffect(() => {
        void submit(1);
      }, [submit]);
      return <p>{object?.title}</p>;
    }
    render(
      <Profiler id="v" onRender={() => commits++}>
        <View />
      </Profiler>,
    );
    await act(async () => {
      await tick();
    });
    const start = commits;
    await act(async () => {
      src.push('{"title":"');
      for (let i = 0; i < 50; i++) src.push('x');
      await tick();
      await new Promise((r) => setTimeout(r, 60));
    });
    // the leading edge (`{ title: '' }`), the first field at once, the rest in one
    expect(commits - start).toBeLessThanOrEqual(3);
    expect(screen.getByText('x'.repeat(50))).toBeTruthy();
  });

  it('a submit made after unmount makes no request that stays open', async () => {
    const src = controlledSource();
    const { result, unmount } = renderHook(() => usePartialObject(Schema, src.fetcher, { throttle: 0 }));
    const { submit } = result.current;
    unmount(); // e.g. a saved `submit` at the end of an async click handler
    const done = submit('late');
    await tick();
    await tick();
    expect(src.requests.every((r) => r.signal.aborted)).toBe(true);
    expect(src.push('{"title":"nobody is listening"')).toBe(false);
    src.end();
    await done;
  });

  it('reads initialValue once, as useState does: idle, a re-ask and reset show the first one', async () => {
    const src = controlledSource();
    const first = { title: 'first draft' };
    const { result, rerender } = renderHook(
      ({ initialValue }) => usePartialObject(Schema, src.fetcher, { throttle: 0, initialValue }),
      { initialProps: { initialValue: first } },
    );
    rerender({ initialValue: { title: 'second draft' } });
    const seen: Record<string, unknown> = { idle: result.current.object };
    await act(async () => {
      void result.current.submit(1);
      await tick();
    });
    seen.submitted = result.current.object;
    await act(async () => {
      src.push(encodeProtocolEvent({ type: 'text', text: '{"title":"x' }));
      src.push(encodeProtocolEvent({ type: 'reset', attempt: 2 })); // the server re-asks the model
      await tick();
    });
    seen.reasked = result.current.object;
    expect(result.current.attempt).toBe(2);
    act(() => result.current.reset());
    seen.reset = result.current.object;
    expect(seen).toEqual({ idle: first, submitted: first, reasked: first, reset: first });
    expect(seen.reasked).toBe(first);
  });
});
