/**
 * One server process for the fault tests of `two-processes.test.ts` (not a test): a RedisResumeStore
 * whose main client has an `error` listener, as node-redis asks of its users, and a live key of 1 s, so
 * that its death shows within a test. POST /s starts a slow resumable stream (10 s), GET /s/:id resumes
 * it, DELETE /s/:id cancels it. Prints `listening <port>`; logs `client-error` when the app's own
 * client reports an error. Run with `node --import tsx --conditions=@partialkit/source`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { toNodeHandler } from '../src/node/node.ts';
import { RedisResumeStore } from '../src/redis/redis-resume-store.ts';
import {
  cancelResponse,
  resumeOffset,
  resumeResponse,
  toResumableResponse,
} from '../src/resume/resumable.ts';

const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
client.on('error', (e: Error) => process.stderr.write(`client-error ${e.message}\n`));
await client.connect();
const store = new RedisResumeStore({ client, blockMs: 200, liveSeconds: 1 });

async function* slow(signal: AbortSignal): AsyncGenerator<string> {
  yield '{"a":"';
  for (let i = 0; i < 400 && !signal.aborted; i++) {
    await new Promise((r) => setTimeout(r, 25));
    yield 'x';
  }
  yield '"}';
}

const handler = toNodeHandler(async (request) => {
  const { pathname } = new URL(request.url);
  const [, , id] = pathname.split('/');
  if (request.method === 'POST') {
    return toResumableResponse(({ signal }) => slow(signal), { store, resumeUrl: (s) => `/s/${s}` });
  }
  if (request.method === 'DELETE') return cancelResponse(id!, { store });
  return resumeResponse(id!, resumeOffset(request), { store });
});
const server = createServer(handler);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void store.close().finally(() => process.exit(0));
});
