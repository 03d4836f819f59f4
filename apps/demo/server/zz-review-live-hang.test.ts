/** Live mode: a model API that accepts the connection but never answers. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@partialkit/server/node';
import { afterEach, expect, it } from 'vitest';
import { handleApi } from './api.ts';

const servers: Server[] = [];
afterEach(async () => {
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it.each(['/api/extract', '/api/talks'])(
  '%s: a model API that never answers is a 502/504 within 15 s, not a hang',
  async (route) => {
    const model = await listen(createServer(() => {})); // reads the request, never answers
    process.env.OPENAI_API_KEY = 'sk-test';
    process.env.OPENAI_BASE_URL = `${model}/v1`;
    const api = await listen(createServer(toNodeHandler(handleApi)));
    const outcome = await fetch(`${api}${route}`, {
      method: 'POST',
      body: JSON.stringify({ text: 'notes' }),
      signal: AbortSignal.timeout(15_000),
    }).then(
      (r) => r.status,
      (e: Error) => `no answer after 15 s (${e.name})`,
    );
    expect([502, 503, 504]).toContain(outcome);
  },
  40_000,
);
