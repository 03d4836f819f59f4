/**
 * `resume(streamId)` from a mount effect (the "after a page reload" use) under StrictMode, which runs the
 * effect twice: the second run supersedes the first, and must not cancel (DELETE) the stream it resumes.
 */
import { encodeProtocolEvent, PartialObjectStore } from '@partialkit/core';
import { tick } from '@partialkit/test-utils/stream-source';
import { act, cleanup, render, screen } from '@testing-library/react';
import { StrictMode, useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { usePartialItems } from './use-partial-items.ts';
import { usePartialObject } from './use-partial-object.ts';

afterEach(cleanup);

const Schema = z.object({ title: z.string() });

function server() {
  const log: string[] = [];
  let cancelled = false;
  // As resumeResponse/cancelResponse behave: a cancelled stream is gone (410 with an error event).
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    log.push(`${method} ${String(url)}`);
    if (method === 'DELETE') {
      cancelled = true;
      return new Response(null, { status: 204 });
    }
    if (cancelled)
      return new Response(
        encodeProtocolEvent({ type: 'error', error: { type: 'stream_cancelled', message: 'gone' } }),
        {
          status: 410,
          headers: { 'content-type': 'text/event-stream' },
        },
      );
    return new Response(
      encodeProtocolEvent({ type: 'text', text: '{"title":"Hello"}', id: '17' }) +
        encodeProtocolEvent({ type: 'done' }),
      { headers: { 'content-type': 'text/event-stream' } },
    );
  };
  return { log, fetch: fetch as typeof globalThis.fetch };
}

describe('resume(streamId) on mount', () => {
  it('in StrictMode, resuming once from a mount effect never cancels the stream on the server', async () => {
    const { log, fetch } = server();
    function Reloaded({ id }: { id: string }) {
      const { resume, object, status } = usePartialObject(Schema, '/api/extract', { fetch, throttle: 0 });
      useEffect(() => {
        void resume(id);
      }, [resume, id]);
      return <p data-testid="out">{`${status}:${object?.title ?? ''}`}</p>;
    }
    render(
      <StrictMode>
        <Reloaded id="abc" />
      </StrictMode>,
    );
    await act(async () => {
      await tick();
      await tick();
    });
    expect(screen.getByTestId('out').textContent).toBe('success:Hello');
    // Only the GET of the resume: the user never gave the stream up.
    expect(log).toEqual(['GET /api/extract/abc']);
  });

  it('usePartialItems: in StrictMode, resuming once from a mount effect never cancels the stream on the server', async () => {
    const { log, fetch } = server();
    function Reloaded({ id }: { id: string }) {
      const { resume, items, status } = usePartialItems(z.string(), '/api/titles', {
        fetch,
        throttle: 0,
        shape: { key: 'title' },
      });
      useEffect(() => {
        void resume(id);
      }, [resume, id]);
      return <p data-testid="items">{`${status}:${items.length}`}</p>;
    }
    render(
      <StrictMode>
        <Reloaded id="abc" />
      </StrictMode>,
    );
    await act(async () => {
      await tick();
      await tick();
    });
    expect(log).toEqual(['GET /api/titles/abc']);
  });

  it('resume(id) twice follows the stream once; a submit that replaces the resume still cancels the resumed stream', async () => {
    const { log, fetch } = server();
    const store = new PartialObjectStore({ schema: Schema, fetcher: '/api/extract', fetch, throttle: 0 });
    void store.resume('abc');
    await store.resume('abc');
    expect(log).toEqual(['GET /api/extract/abc']);
    expect(store.getSnapshot().object).toEqual({ title: 'Hello' });
    void store.resume('def');
    await store.submit({});
    // The user gave up the stream being resumed: it stops on the server too.
    expect(log).toEqual(['GET /api/extract/abc', 'DELETE /api/extract/def', 'POST /api/extract']);
  });
});
