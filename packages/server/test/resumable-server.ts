/**
 * One server process of the two-process resume test (`src/redis/two-processes.test.ts`): POST /extract
 * starts a resumable extraction (the conference recording replayed as the model), GET /extract/:id
 * resumes it, DELETE /extract/:id cancels it, all through a RedisResumeStore on `REDIS_URL`.
 * The request body's `msPerEvent` paces the replay (default `MS_PER_EVENT`, else 3 ms).
 * Run with `node --import tsx --conditions=@partialkit/source`; prints `listening <port>` when ready.
 *
 * What the test checks it records in Redis, under `TEST_PREFIX`: `generations` (INCR per model call),
 * `generator:<id>` (which process runs a stream), `served` (a list of `<name> <method>` per request)
 * and `aborted` (a list of `<name> <id>` per model call whose signal aborted), with `log-at-abort:<id>`
 * (the length of the stream's log when its signal aborted).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { replayResponse } from '@partialkit/replay';
import { fixture } from '@partialkit/test-utils/fixtures';
import { createClient } from 'redis';
import '@partialkit/core/providers';
import { toNodeHandler } from '../src/node/node.ts';
import { RedisResumeStore } from '../src/redis/redis-resume-store.ts';
import {
  cancelResponse,
  resumeOffset,
  resumeResponse,
  toResumableResponse,
} from '../src/resume/resumable.ts';

const name = process.env.NAME ?? 'server';
const prefix = process.env.TEST_PREFIX ?? 'test:';
const msPerEvent = Number(process.env.MS_PER_EVENT ?? '3');
const recording = fixture('conference-extraction.sse');

const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
await client.connect();
const store = new RedisResumeStore({ client, blockMs: 200 });

const handler = toNodeHandler(async (request) => {
  const { pathname } = new URL(request.url);
  await client.rPush(`${prefix}served`, `${name} ${request.method}`);
  const [, route, id] = pathname.split('/');
  if (route !== 'extract') return new Response('not found', { status: 404 });
  if (request.method === 'POST') {
    const body = (await request.json().catch(() => ({}))) as { msPerEvent?: number };
    const pace = body.msPerEvent ?? msPerEvent;
    return toResumableResponse(
      async ({ signal, id: streamId }) => {
        await client.incr(`${prefix}generations`);
        await client.set(`${prefix}generator:${streamId}`, name);
        signal.addEventListener('abort', () => {
          // Issued now, on the store's own connection: counts every entry appended before the abort.
          void client
            .xLen(`partialkit:${streamId}:log`)
            .then((length) => client.set(`${prefix}log-at-abort:${streamId}`, length));
          void client.rPush(`${prefix}aborted`, `${name} ${streamId}`);
        });
        return replayResponse(recording, { speed: 1, untimedIntervalMs: pace, signal });
      },
      { store, resumeUrl: (streamId) => `/extract/${streamId}` },
    );
  }
  if (!id) return new Response('not found', { status: 404 });
  if (request.method === 'DELETE') return cancelResponse(id, { store });
  return resumeResponse(id, resumeOffset(request), { store });
});

const server = createServer(handler);
server.listen(Number(process.env.PORT ?? '0'), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void store
    .close()
    .then(() => client.close())
    .finally(() => process.exit(0));
});
