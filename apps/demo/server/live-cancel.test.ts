/**
 * Live mode (OPENAI_API_KEY set), against a fake OpenAI on 127.0.0.1: the model call stops when the user
 * gives up on the extraction: Stop after or before the first byte, and Reset.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PartialObjectStore } from '@partialkit/core';
import { replayResponse } from '@partialkit/replay';
import { sendNodeResponse, toNodeHandler } from '@partialkit/server/node';
import { MeetingInfo } from '@partialkit/test-utils/conference';
import recording from '@partialkit/test-utils/fixtures/conference-extraction.sse?raw';
import { afterEach, expect, it } from 'vitest';
import { handleApi, resumeStore } from './api.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const servers: Server[] = [];
const ids: string[] = [];
afterEach(async () => {
  for (const id of ids.splice(0)) await resumeStore.cancel(id);
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
});

/** A fake OpenAI: answers after `headerDelayMs`, then streams the recording over ~5 s. */
async function fakeOpenAI(headerDelayMs = 0) {
  const upstream = { requests: 0, closed: false, finished: false };
  const server = createServer((req, res) => {
    upstream.requests++;
    req.resume();
    res.on('close', () => {
      upstream.closed = true;
      upstream.finished = res.writableFinished;
    });
    setTimeout(() => {
      if (!res.destroyed)
        void sendNodeResponse(res, replayResponse(recording, { speed: 1, untimedIntervalMs: 40 }));
    }, headerDelayMs);
  });
  servers.push(server);
  process.env.OPENAI_API_KEY = 'sk-test';
  process.env.OPENAI_BASE_URL = `${await listen(server)}/v1`;
  return upstream;
}

async function demoServer() {
  const server = createServer(toNodeHandler(handleApi));
  servers.push(server);
  return `${await listen(server)}/api/extract`;
}

function storeFor(url: string) {
  const store = new PartialObjectStore({ schema: MeetingInfo, fetcher: url, throttle: 0 });
  store.subscribe(() => {
    const id = store.getSnapshot().streamId;
    if (id && !ids.includes(id)) ids.push(id);
  });
  return store;
}

/** Runs `action` once the first participant has arrived. */
function whenFirstCard(store: PartialObjectStore<typeof MeetingInfo, unknown>, action: () => void) {
  let done = false;
  store.subscribe(() => {
    if (!done && (store.getSnapshot().object?.users?.length ?? 0) >= 1) {
      done = true;
      action();
    }
  });
}

it('control: Stop mid-stream cancels the model call (passes)', async () => {
  const upstream = await fakeOpenAI();
  const store = storeFor(await demoServer());
  whenFirstCard(store, () => store.stop());
  await store.submit({ text: 'notes' });
  await sleep(1000);
  expect(upstream.closed && !upstream.finished).toBe(true);
});

it('Reset mid-stream (the Reset button) cancels the model call', async () => {
  const upstream = await fakeOpenAI();
  const store = storeFor(await demoServer());
  whenFirstCard(store, () => store.reset());
  await store.submit({ text: 'notes' });
  await sleep(1000);
  expect(upstream.closed && !upstream.finished).toBe(true);
});

it('Stop before the first byte (model slow to answer) cancels the model call', async () => {
  const upstream = await fakeOpenAI(400);
  const store = storeFor(await demoServer());
  const run = store.submit({ text: 'notes' });
  await sleep(100);
  store.stop(); // no stream id yet, so no DELETE: only the POST is aborted
  await run;
  await sleep(1500);
  expect(upstream.requests).toBe(1);
  expect(upstream.closed && !upstream.finished).toBe(true);
});
