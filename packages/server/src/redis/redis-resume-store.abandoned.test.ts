/** RedisResumeStore against a real redis-server on 127.0.0.1: a stream ended as abandoned while its process lives. */
import { type RedisServer, startRedis } from '@partialkit/test-utils/redis-server';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultyClient } from '../../test/faulty-redis-client.ts';
import { toResumableResponse } from '../resume/resumable.ts';
import type { StreamEntry, StreamRead } from '../resume/resume-store.ts';
import { type RedisClient, RedisResumeStore } from './redis-resume-store.ts';

let redis: RedisServer;
let client: ReturnType<typeof createClient>;
let db: ReturnType<typeof createClient>;
const stores: RedisResumeStore[] = [];
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  db = createClient({ url: redis.url });
  await client.connect();
  await db.connect();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await client?.close();
  await db?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The shared client, but the live-key refreshes fail while `blip.on` (a Redis blip on that connection). */
const blipping = (c: RedisClient, blip: { on: boolean }): RedisClient =>
  faultyClient(c, (args) =>
    blip.on && args[0] === 'SET' && String(args[1]).endsWith(':live')
      ? new Error('Socket closed unexpectedly')
      : undefined,
  );

async function all(read: Promise<StreamRead>): Promise<StreamEntry[]> {
  const found = await read;
  if (found.status !== 'found') throw new Error(found.status);
  const out: StreamEntry[] = [];
  for await (const e of found.entries) out.push(e);
  return out;
}

describe('a stream declared abandoned whose process is in fact alive', () => {
  it('its generation is stopped (further appends refused), not run to its end into a log that already ended', async () => {
    const blip = { on: false };
    const writer = new RedisResumeStore({
      client: blipping(client as unknown as RedisClient, blip),
      liveSeconds: 1,
    });
    const reader = new RedisResumeStore({ client: client as unknown as RedisClient, blockMs: 100 });
    stores.push(writer, reader);
    let abandonedSeen = false;
    let pulledAfter = 0;
    let aborted = false;
    let finished = false;
    const id = `alive-${Date.now()}`;
    const response = await toResumableResponse(
      async function* ({ signal }) {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        try {
          yield '{"a":"';
          while (!abandonedSeen) await sleep(20);
          for (let i = 0; i < 20; i++) {
            pulledAfter++;
            yield 'x';
            await sleep(5);
          }
          yield '"}';
        } finally {
          finished = true;
        }
      },
      { store: writer, id, heartbeatMs: 0 },
    );
    void response.body?.cancel();
    await sleep(100);
    // The writer's refreshes of its live key fail for longer than liveSeconds (a blip, a GC pause…).
    blip.on = true;
    const log = await Promise.race([all(reader.read(id, 0)), sleep(5000).then(() => [] as StreamEntry[])]);
    expect(log.at(-1)?.event).toMatchObject({ type: 'error', error: { type: 'stream_abandoned' } });
    blip.on = false;
    abandonedSeen = true;
    for (let i = 0; i < 100 && !finished; i++) await sleep(20);
    // Nobody can read what it writes now (every read ends at stream_abandoned), and a cancel finds
    // nothing to stop (the state says ended): the upstream should be stopped at the next append.
    expect(await reader.cancel(id)).toBe(false);
    const raw = (await db.sendCommand(['XLEN', `partialkit:${id}:log`])) as number;
    expect({ aborted, stoppedEarly: pulledAfter < 20, entriesAfterTheEnd: raw - log.length }).toEqual({
      aborted: true,
      stoppedEarly: true,
      entriesAfterTheEnd: 0,
    });
  }, 15_000);
});
