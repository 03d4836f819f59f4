/**
 * The "Dropped connection" recording ("the server drops the connection half-way", "what had arrived is
 * kept") at every replay speed, instant included: the bytes queued before the drop reach the page.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PartialObjectStore } from '@partialkit/core';
import { toNodeHandler } from '@partialkit/server/node';
import { MeetingInfo } from '@partialkit/test-utils/conference';
import { expect, it } from 'vitest';
import { handleApi } from './api.ts';

it('dropped recording at instant speed still shows the part that arrived before the drop', async () => {
  delete process.env.OPENAI_API_KEY;
  const server = createServer(toNodeHandler(handleApi));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/extract`;
  try {
    const store = new PartialObjectStore({ schema: MeetingInfo, fetcher: url, throttle: 0 });
    await store.submit({ text: '', scenario: 'dropped', speed: 0 });
    const { status, error, object } = store.getSnapshot();
    expect([status, error?.name]).toEqual(['error', 'NetworkError']);
    // At 1× and 4× two participants arrive; at instant, `object` is undefined.
    expect(object?.users?.length ?? 0).toBeGreaterThanOrEqual(1);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
