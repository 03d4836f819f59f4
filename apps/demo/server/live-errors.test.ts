/**
 * Live mode, both routes: a model API that cannot be reached (a wrong OPENAI_BASE_URL, DNS, no network) is
 * a 502 that says why, not a bare 500; one that takes the connection and never answers a 504 after
 * OPENAI_TIMEOUT_MS; one that refuses (a bad key) passes its status and body through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@partialkit/server/node';
import { afterEach, expect, it, vi } from 'vitest';
import { handleApi } from './api.ts';

const servers: Server[] = [];
afterEach(async () => {
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_TIMEOUT_MS;
  vi.restoreAllMocks();
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string) => fetch(url, { method: 'POST', body: JSON.stringify({ text: 'notes' }) });

it.each(['/api/extract', '/api/talks'])(
  '%s: an unreachable model API is a 502 that says why',
  async (route) => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    process.env.OPENAI_API_KEY = 'sk-test';
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1'; // nothing listens on the discard port
    const api = await listen(createServer(toNodeHandler(handleApi)));
    const response = await post(`${api}${route}`);
    const body = await response.text();
    expect({
      status: response.status,
      hasReason: /connect|reach|fetch failed|ECONNREFUSED/i.test(body),
    }).toEqual({ status: 502, hasReason: true });
  },
);

it.each(['/api/extract', '/api/talks'])(
  '%s: a model API that refuses passes its status and body',
  async (route) => {
    const refusal = JSON.stringify({
      error: { message: 'Incorrect API key provided', code: 'invalid_api_key' },
    });
    const model = await listen(
      createServer((_request, response) => {
        response.writeHead(401, { 'content-type': 'application/json' }).end(refusal);
      }),
    );
    process.env.OPENAI_API_KEY = 'sk-wrong';
    process.env.OPENAI_BASE_URL = `${model}/v1`;
    const api = await listen(createServer(toNodeHandler(handleApi)));
    const response = await post(`${api}${route}`);
    expect({
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.text(),
    }).toEqual({ status: 401, type: 'application/json', body: refusal });
  },
);

it.each(['/api/extract', '/api/talks'])(
  "%s: a model API that never answers is a 504 after OPENAI_TIMEOUT_MS, not a wait for fetch's 5 minutes",
  async (route) => {
    let asked = 0;
    const model = await listen(
      createServer(() => {
        asked++; // reads the request, never answers
      }),
    );
    process.env.OPENAI_API_KEY = 'sk-test';
    process.env.OPENAI_BASE_URL = `${model}/v1`;
    process.env.OPENAI_TIMEOUT_MS = '300';
    const api = await listen(createServer(toNodeHandler(handleApi)));
    const started = Date.now();
    const response = await fetch(`${api}${route}`, {
      method: 'POST',
      body: JSON.stringify({ text: 'notes' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect({ asked, status: response.status, body: await response.json() }).toEqual({
      asked: 1,
      status: 504,
      body: { error: { message: 'The model API did not answer within 0.3 s' } },
    });
    expect(Date.now() - started).toBeLessThan(5000);
  },
);

it('a model API that answers in time streams on past OPENAI_TIMEOUT_MS', async () => {
  const chunk = (content: string) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
  const model = await listen(
    createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(chunk('{"title":"a'));
      // The rest after the timeout: it bounds the wait for the answer, not its length.
      setTimeout(() => response.end(`${chunk('b"}')}data: [DONE]\n\n`), 600);
    }),
  );
  process.env.OPENAI_API_KEY = 'sk-test';
  process.env.OPENAI_BASE_URL = `${model}/v1`;
  process.env.OPENAI_TIMEOUT_MS = '200';
  const api = await listen(createServer(toNodeHandler(handleApi)));
  const response = await fetch(`${api}/api/talks`, {
    method: 'POST',
    body: JSON.stringify({ text: 'notes' }),
  });
  expect(response.status).toBe(200);
  const body = await response.text();
  expect(body).toContain('event: done');
  expect(body).not.toContain('event: error');
});

it('an OPENAI_TIMEOUT_MS no timer can hold (-1, 1e10, Infinity, abc) is the default, not a 504 at once', async () => {
  const chunk = (content: string) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
  const model = await listen(
    createServer((_request, response) => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(`${chunk('[]')}data: [DONE]\n\n`);
      }, 50);
    }),
  );
  process.env.OPENAI_API_KEY = 'sk-test';
  process.env.OPENAI_BASE_URL = `${model}/v1`;
  const api = await listen(createServer(toNodeHandler(handleApi)));
  for (const value of ['-1', '1e10', 'Infinity', 'abc']) {
    process.env.OPENAI_TIMEOUT_MS = value;
    const response = await post(`${api}/api/talks`);
    await response.text();
    expect([value, response.status]).toEqual([value, 200]);
  }
});
