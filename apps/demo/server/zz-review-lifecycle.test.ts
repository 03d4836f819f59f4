import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@partialkit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs, reads the first chunk, then leaves (the client disconnects mid-stream). */
async function startAndLeave(path: string, body: object): Promise<string | null> {
  const ac = new AbortController();
  const res = await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body), signal: ac.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  await reader.read();
  ac.abort();
  await reader.read().catch(() => {});
  return res.headers.get('x-partialkit-stream-id');
}

describe('review: server-side work after the client left', () => {
  it('extract: a generation whose client left ends within a bounded time, whatever speed the client asked', async () => {
    // speed 1e-6 passes the body check (any number >= 0): 40 ms / 1e-6 per event = 11 hours per event.
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await startAndLeave('/api/extract', { text: '', scenario: 'conference', speed: 1e-6 });
      ids.push(id!);
    }
    await sleep(500);
    // One replay timer per abandoned generation is still armed.
    expect(timers()).toBeGreaterThanOrEqual(20);
    // Nobody reads these, nobody can see them, yet each is a running generation with its timer, held in
    // the resume store (whose TTL only applies to ended streams): a client can pile up any number of them.
    const res = await fetch(`${base}/api/extract/${ids[0]}`, { signal: AbortSignal.timeout(1000) });
    expect(res.status).toBe(200);
    const text = await res.text().catch((e: Error) => `still running after 1s (${e.name})`);
    expect(text).not.toMatch(/still running/);
  });
});
