// The demo API's answers to HTTP methods: HEAD where GET is, 405 with Allow elsewhere.
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

it('HEAD on a resumable stream answers as GET does, without its body', async () => {
  const post = await fetch(`${base}/api/extract`, {
    method: 'POST',
    body: JSON.stringify({ text: '', speed: 0 }),
  });
  await post.text();
  const id = post.headers.get('x-partialkit-stream-id');
  expect((await fetch(`${base}/api/extract/${id}`)).status).toBe(200);
  const head = await fetch(`${base}/api/extract/${id}`, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(await head.text()).toBe('');
  expect((await fetch(`${base}/api/extract/unknown-id`, { method: 'HEAD' })).status).toBe(404);
});

it('a 405 says which methods the route allows (RFC 9110: Allow is required)', async () => {
  for (const [method, path, allow] of [
    ['GET', '/api/extract', 'POST'],
    ['GET', '/api/talks', 'POST'],
    ['PUT', '/api/extract/some-id', 'GET, HEAD, DELETE'],
    ['GET', '/api/extract/some-id/drop', 'POST'],
  ] as const) {
    const res = await fetch(`${base}${path}`, { method });
    expect([method, path, res.status, res.headers.get('allow')]).toEqual([method, path, 405, allow]);
  }
});
