import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@partialkit/server/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handleApi } from './api.ts';

let server: Server;
let base = '';
beforeAll(async () => {
  delete process.env.OPENAI_API_KEY;
  server = createServer(toNodeHandler(handleApi));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

it('HEAD on a resumable stream (a GET route) is answered like GET, not 405', async () => {
  const post = await fetch(`${base}/api/extract`, {
    method: 'POST',
    body: JSON.stringify({ text: '', speed: 0 }),
  });
  await post.text();
  const id = post.headers.get('x-partialkit-stream-id');
  expect((await fetch(`${base}/api/extract/${id}`)).status).toBe(200);
  const head = await fetch(`${base}/api/extract/${id}`, { method: 'HEAD' });
  expect(head.status).toBe(200);
});

it('a 405 says which methods the route allows (RFC 9110 §15.5.6: Allow is required)', async () => {
  const res = await fetch(`${base}/api/extract`, { method: 'GET' });
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe('POST');
});

it('the demo does not buffer a 15 MB "text" it never uses (replay mode) or would forward to the model', async () => {
  const text = 'a'.repeat(15 * 1024 * 1024);
  const res = await fetch(`${base}/api/extract`, {
    method: 'POST',
    body: JSON.stringify({ text, speed: 0 }),
  });
  await res.text();
  expect([400, 413]).toContain(res.status);
});
