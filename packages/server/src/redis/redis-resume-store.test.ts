import { type RedisServer, startRedis } from '@partialkit/test-utils/redis-server';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeStoreContract } from '../../test/resume-store-contract.ts';
import { RedisResumeStore } from './redis-resume-store.ts';

let redis: RedisServer;
const clients: Array<ReturnType<typeof createClient>> = [];
const stores: RedisResumeStore[] = [];

async function store(options: { ttlSeconds?: number } = {}): Promise<RedisResumeStore> {
  const client = createClient({ url: redis.url });
  await client.connect();
  clients.push(client);
  const s = new RedisResumeStore({ client, blockMs: 200, ...options });
  stores.push(s);
  return s;
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(clients.map((c) => c.close()));
  await redis?.stop();
});

describe('RedisResumeStore (a real redis-server on 127.0.0.1)', () => {
  let shared: RedisResumeStore;
  let expiring: RedisResumeStore;
  beforeAll(async () => {
    shared = await store();
    expiring = await store({ ttlSeconds: 1 });
  });
  resumeStoreContract(() => shared, { store: () => expiring, waitMs: 1300 });

  it('lets one store append and another (another process, another connection) read and cancel', async () => {
    const writer = await store();
    const reader = await store();
    await writer.create('shared-1');
    let cancelled = 0;
    await writer.onCancel('shared-1', () => cancelled++);
    await writer.append('shared-1', { offset: 2, event: { type: 'text', text: '[1' } });
    const read = await reader.read('shared-1', 0);
    expect(read.status).toBe('found');
    expect(await reader.cancel('shared-1')).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(cancelled).toBe(1);
    await writer.append('shared-1', {
      offset: 2,
      event: { type: 'error', error: { type: 'cancelled', message: 'x' } },
    });
    const got: string[] = [];
    if (read.status === 'found') for await (const e of read.entries) got.push(e.event.type);
    expect(got).toEqual(['text', 'error']);
  });

  it('gives back text exactly, a surrogate pair split across two entries included', async () => {
    const s = await store();
    await s.create('unicode-1');
    const texts = ['"é 😀', '\uD83D', '\uDE00 ✓"'];
    let offset = 0;
    for (const text of texts) {
      offset += text.length;
      await s.append('unicode-1', { offset, event: { type: 'text', text } });
    }
    await s.append('unicode-1', { offset, event: { type: 'done' } });
    const read = await s.read('unicode-1', 0);
    const got: string[] = [];
    if (read.status === 'found')
      for await (const e of read.entries) if (e.event.type === 'text') got.push(e.event.text);
    expect(got).toEqual(texts);
  });

  it('a running stream’s log expires after maxRunSeconds, as its state does: a process that dies leaves nothing forever', async () => {
    const client = clients[0]!;
    const writer = new RedisResumeStore({ client, maxRunSeconds: 60, prefix: 'crash:' });
    await writer.create('s');
    // The generation streams two deltas, then its process dies: no done or error entry is written.
    await writer.append('s', { offset: 2, event: { type: 'text', text: '{"' } });
    await writer.append('s', { offset: 3, event: { type: 'text', text: 'a' } });
    for (const key of ['crash:s:state', 'crash:s:log']) {
      // TTL: -1 for a key that never expires, -2 for none.
      const ttl = Number(await client.sendCommand(['TTL', key]));
      expect([key, ttl > 0 && ttl <= 60]).toEqual([key, true]);
    }
  });

  it('accepts a node-redis client as it is typed', () => {
    const client = createClient();
    expect(() => new RedisResumeStore({ client })).not.toThrow();
  });
});
