/**
 * Live mode: a model API that cannot be reached (a wrong OPENAI_BASE_URL, DNS, no network) is a 502 that
 * says why, not a bare 500.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@partialkit/server/node';
import { afterEach, expect, it, vi } from 'vitest';
import { handleApi } from './api.ts';

afterEach(() => {
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  vi.restoreAllMocks();
});

it('an unreachable model API is a 502 whose body says why, not a bare 500', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  process.env.OPENAI_API_KEY = 'sk-test';
  process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1'; // nothing listens on the discard port
  const server = createServer(toNodeHandler(handleApi));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const response = await fetch(`http://127.0.0.1:${port}/api/extract`, {
      method: 'POST',
      body: JSON.stringify({ text: 'notes' }),
    });
    const body = await response.text();
    expect({
      status: response.status,
      hasReason: /connect|reach|fetch failed|ECONNREFUSED/i.test(body),
    }).toEqual({
      status: 502,
      hasReason: true,
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
