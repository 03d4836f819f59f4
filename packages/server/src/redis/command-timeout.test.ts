import { afterEach, describe, expect, it } from 'vitest';
import { type RedisClient, RedisResumeStore } from './redis-resume-store.ts';

/** A main client answering every command after `delay` ms: GET → null, EXISTS → 0. */
function slowClient(delay: number, fail = false): RedisClient {
  const client: RedisClient = {
    sendCommand: (args) =>
      new Promise((resolve, reject) =>
        setTimeout(
          () => (fail ? reject(new Error('late failure')) : resolve(args[0] === 'GET' ? null : 0)),
          delay,
        ),
      ),
    duplicate: () => client,
    connect: async () => undefined,
    subscribe: async () => undefined,
    on: () => client,
  };
  return client;
}

const rejections: unknown[] = [];
const onRejection = (r: unknown) => rejections.push(r);
process.on('unhandledRejection', onRejection);
afterEach(() => {
  rejections.length = 0;
});

describe('RedisResumeStore commandTimeoutMs', () => {
  it('a large valid commandTimeoutMs (2^31 ms, accepted by the constructor) does not time out a 30 ms answer', async () => {
    const store = new RedisResumeStore({ client: slowClient(30), commandTimeoutMs: 2 ** 31 });
    const read = await store.read('x', 0).catch((e: unknown) => e);
    expect(read).toEqual({ status: 'unknown' });
  });

  it('control: the default 5000 ms takes the same 30 ms answer', async () => {
    const store = new RedisResumeStore({ client: slowClient(30) });
    expect(await store.read('x', 0)).toEqual({ status: 'unknown' });
  });

  it('a reply that fails after the timeout is no unhandled rejection', async () => {
    const store = new RedisResumeStore({ client: slowClient(80, true), commandTimeoutMs: 20 });
    const read = await store.read('x', 0).catch((e: unknown) => e);
    expect(read).toMatchObject({ name: 'ProviderError', type: 'stream_unavailable' });
    await new Promise((r) => setTimeout(r, 150));
    expect(rejections).toEqual([]);
  });
});
