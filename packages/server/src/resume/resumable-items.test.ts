import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeText, type PartialItemsState, PartialItemsStore } from '@partialkit/core';
import { replayResponse } from '@partialkit/replay';
import { cutPoints, type DroppingProxy, startDroppingProxy } from '@partialkit/test-utils/dropping-proxy';
import { fixture } from '@partialkit/test-utils/fixtures';
import { INVALID_TALK, Talk } from '@partialkit/test-utils/talks';
import { afterEach, describe, expect, it } from 'vitest';
import '@partialkit/core/providers';
import { toNodeHandler } from '../node/node.ts';
import { MemoryResumeStore } from './memory-resume-store.ts';
import { resumeOffset, resumeResponse, toResumableResponse } from './resumable.ts';

const recording = fixture('conference-talks.sse');

/** POST starts a resumable list of talks, GET /talks/:id resumes it; counts the model calls. */
async function startApp(): Promise<{ server: Server; port: number; calls: () => number }> {
  const store = new MemoryResumeStore();
  let calls = 0;
  const server = createServer(
    toNodeHandler(async (request) => {
      const id = new URL(request.url).pathname.split('/')[2];
      if (request.method === 'POST') {
        return toResumableResponse(
          ({ signal }) => {
            calls++;
            return replayResponse(recording, { speed: 1, untimedIntervalMs: 1, signal });
          },
          { store, resumeUrl: (streamId) => `/talks/${streamId}` },
        );
      }
      if (!id) return new Response('not found', { status: 404 });
      return resumeResponse(id, resumeOffset(request), { store });
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, calls: () => calls };
}

const open: Array<{ close(): Promise<void> } | Server> = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    if ('closeAllConnections' in o) {
      o.closeAllConnections();
      await new Promise((r) => o.close(r));
    } else await o.close();
  }
});

/** The elements of the recorded `{"items":[...]}`, parsed from the text the model wrote. */
async function recordedElements(): Promise<unknown[]> {
  let text = '';
  for await (const t of decodeText([recording])) text += t;
  return (JSON.parse(text) as { items: unknown[] }).items;
}

describe('PartialItemsStore over a resumable stream whose connection drops', () => {
  it.each([1, 2, 3])(
    'cut every 500–2 000 bytes (seed %i): every talk arrives once, in order, each keeping its identity; the model is called once',
    async (seed) => {
      const app = await startApp();
      const next = cutPoints(seed, 500, 1500);
      const proxy: DroppingProxy = await startDroppingProxy({ host: '127.0.0.1', port: app.port }, () =>
        next(),
      );
      open.push(app.server, proxy);
      const client = new PartialItemsStore({
        schema: Talk,
        fetcher: `${proxy.url}/talks`,
        throttle: 0,
        reconnect: { baseDelayMs: 5, maxAttempts: 20 },
      });
      const states: Array<PartialItemsState<Talk, unknown>> = [];
      client.subscribe(() => states.push(client.getSnapshot()));
      await client.submit({});
      const last = client.getSnapshot();
      expect(last.error).toBeUndefined();
      expect(last.status).toBe('success');
      const elements = await recordedElements();
      expect(last.items).toEqual(elements.filter((_, i) => i !== INVALID_TALK));
      expect(last.issues.map((issue) => issue.index)).toEqual([INVALID_TALK]);
      expect(last.streamId).toMatch(/\S/);
      expect(last.reconnects).toBe(0);
      expect(proxy.drops).toBeGreaterThanOrEqual(2);
      expect(states.some((state) => state.status === 'reconnecting' && state.reconnects > 0)).toBe(true);
      expect(app.calls()).toBe(1);
      // Appends only: each state's items are a prefix of the next, as the same objects.
      for (let i = 1; i < states.length; i++) {
        const before = states[i - 1]!.items;
        const after = states[i]!.items;
        expect(after.length).toBeGreaterThanOrEqual(before.length);
        for (const [k, item] of before.entries()) expect(after[k]).toBe(item);
      }
    },
  );

  it('resume(streamId) follows the stream from its start in a new store (a page reload)', async () => {
    const app = await startApp();
    open.push(app.server);
    const fetcher = `http://127.0.0.1:${app.port}/talks`;
    const first = new PartialItemsStore({ schema: Talk, fetcher, throttle: 0 });
    const detach = first.attach();
    const started = first.submit({});
    while (first.getSnapshot().items.length < 2) await new Promise((r) => setTimeout(r, 1));
    const { streamId } = first.getSnapshot();
    detach(); // the page goes away: the connection closes, the generation goes on
    await started;
    expect(streamId).toBeDefined();
    const second = new PartialItemsStore({ schema: Talk, fetcher, throttle: 0 });
    await second.resume(streamId!);
    const last = second.getSnapshot();
    expect(last.error).toBeUndefined();
    expect(last.status).toBe('success');
    expect(last.items).toEqual((await recordedElements()).filter((_, i) => i !== INVALID_TALK));
    expect(app.calls()).toBe(1);
  });
});
