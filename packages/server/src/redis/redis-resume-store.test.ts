import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeResumable, ProviderError } from '@partialkit/core';
import { type RedisServer, startRedis } from '@partialkit/test-utils/redis-server';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { faultyClient } from '../../test/faulty-redis-client.ts';
import { REFUSED_TEXT, resumeStoreContract } from '../../test/resume-store-contract.ts';
import { toNodeHandler } from '../node/node.ts';
import { resumeOffset, resumeResponse, toResumableResponse } from '../resume/resumable.ts';
import type { StreamEntry, StreamRead } from '../resume/resume-store.ts';
import { type RedisClient, RedisResumeStore, type RedisResumeStoreOptions } from './redis-resume-store.ts';

let redis: RedisServer;
const clients: Array<ReturnType<typeof createClient>> = [];
const stores: RedisResumeStore[] = [];

async function store(options: Partial<RedisResumeStoreOptions> = {}): Promise<RedisResumeStore> {
  const client = createClient({ url: redis.url });
  await client.connect();
  clients.push(client);
  const s = new RedisResumeStore({ client, blockMs: 200, ...options });
  stores.push(s);
  return s;
}

let db: ReturnType<typeof createClient>;
const cleanups: Array<() => Promise<unknown> | undefined> = [];

beforeAll(async () => {
  redis = await startRedis();
  db = createClient({ url: redis.url });
  await db.connect();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await db?.close();
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(clients.map((c) => c.close()));
  await redis?.stop();
});

/** The client of `store`, refusing every command carrying {@link REFUSED_TEXT} as a Redis over its `maxmemory` does. */
const refusingClient = (client: RedisClient): RedisClient =>
  faultyClient(client, (args) =>
    args.includes(REFUSED_TEXT)
      ? new Error("OOM command not allowed when used memory > 'maxmemory'.")
      : undefined,
  );

describe('RedisResumeStore (a real redis-server on 127.0.0.1)', () => {
  let shared: RedisResumeStore;
  let expiring: RedisResumeStore;
  let refusing: RedisResumeStore;
  beforeAll(async () => {
    shared = await store();
    expiring = await store({ ttlSeconds: 1 });
    refusing = new RedisResumeStore({ client: refusingClient(clients[0]!), blockMs: 200 });
    stores.push(refusing);
  });
  resumeStoreContract(
    () => shared,
    { store: () => expiring, waitMs: 1300 },
    () => refusing,
  );

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
    stores.push(writer);
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

  it('goes on when Redis forgot its scripts mid-stream (a restart, SCRIPT FLUSH): the append sends the script', async () => {
    const s = await store();
    await s.create('flushed-1');
    await s.append('flushed-1', { offset: 2, event: { type: 'text', text: '[1' } });
    await db.sendCommand(['SCRIPT', 'FLUSH']);
    await s.append('flushed-1', { offset: 4, event: { type: 'text', text: ',2' } });
    await s.append('flushed-1', { offset: 5, event: { type: 'text', text: ']' } });
    await s.append('flushed-1', { offset: 5, event: { type: 'done' } });
    const read = await s.read('flushed-1', 0);
    const got: string[] = [];
    if (read.status === 'found')
      for await (const e of read.entries) got.push(e.event.type === 'text' ? e.event.text : e.event.type);
    expect(got).toEqual(['[1', ',2', ']', 'done']);
  });

  it('keeps appends in order when Redis forgot its scripts with several in flight (one sent meanwhile lands last)', async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    clients.push(client);
    let sendNext: () => void = () => {};
    let sentA = 0;
    const watched: RedisClient = {
      ...refusingClient(client),
      sendCommand: (args) => {
        const sent = client.sendCommand(args);
        // The entry the app sends next goes out as soon as the first one was sent again (a retry) …
        if (args.includes('a') && ++sentA === 2) sendNext();
        return sent;
      },
    };
    const s = new RedisResumeStore({ client: watched, blockMs: 200 });
    stores.push(s);
    const id = fresh('flushed-in-flight');
    await s.create(id);
    await db.sendCommand(['SCRIPT', 'FLUSH']);
    const first = [s.append(id, text(1, 'a')), s.append(id, text(2, 'b')), s.append(id, text(3, 'c'))];
    const next = new Promise<void>((resolve) => {
      sendNext = () => resolve(s.append(id, text(4, 'd')));
    });
    // … or once the first append is done, whichever comes first.
    void first[0]!.then(() => sendNext());
    await within(Promise.all([...first, next]), 5000, 'the appends');
    await s.append(id, done(4));
    expect(
      (await entries(s.read(id, 0))).map((e) => (e.event.type === 'text' ? e.event.text : e.event.type)),
    ).toEqual(['a', 'b', 'c', 'd', 'done']);
  });

  it('accepts a node-redis client as it is typed', () => {
    const client = createClient();
    expect(() => new RedisResumeStore({ client })).not.toThrow();
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (offset: number, t: string): StreamEntry => ({ offset, event: { type: 'text', text: t } });
const done = (offset: number): StreamEntry => ({ offset, event: { type: 'done' } });
let n = 0;
const fresh = (name: string) => `${name}-${Date.now()}-${n++}`;

/** Starts streams `ids` in `writer`, each with its first entry, '[' (offset 1). */
async function started(writer: RedisResumeStore, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await writer.create(id);
    await writer.append(id, text(1, '['));
  }
}

async function entries(read: Promise<StreamRead>): Promise<StreamEntry[]> {
  const found = await read;
  if (found.status !== 'found') throw new Error(found.status);
  const out: StreamEntry[] = [];
  for await (const entry of found.entries) out.push(entry);
  return out;
}

/** Rejects when `promise` takes longer than `ms`: a hang fails the test rather than its timeout. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(condition: () => Promise<boolean>, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

async function clientList(): Promise<string[]> {
  const list = (await db.sendCommand(['CLIENT', 'LIST'])) as string;
  return list.trim().split('\n');
}
const connections = async () => (await clientList()).length;

/** Kills the connections blocked in XREAD (the live followers); how many there were. */
async function killFollowers(): Promise<number> {
  const followers = (await clientList()).filter((line) => / cmd=xread/.test(line));
  for (const line of followers) {
    await db.sendCommand(['CLIENT', 'KILL', 'ID', /(?:^| )id=(\d+)/.exec(line)![1]!]);
  }
  return followers.length;
}

async function serve(handler: (request: Request) => Promise<Response>): Promise<number> {
  const server = createServer(toNodeHandler(handler, { onError: () => {} }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** Starts a GET and resolves once `bytes` of its body arrived. */
function openStream(
  port: number,
  path: string,
  bytes: number,
): Promise<{ body: () => string; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      let resolved = false;
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
        if (!resolved && body.length >= bytes) {
          resolved = true;
          resolve({ body: () => body, destroy: () => req.destroy() });
        }
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end();
  });
}

describe('RedisResumeStore: a reader that leaves', () => {
  it('a read whose signal aborts ends at once and closes its follower connection, on a silent stream; an aborted read opens none', async () => {
    const s = await store();
    const id = fresh('abort');
    await s.create(id);
    await s.append(id, text(1, '['));
    const before = await connections();
    const reader = new AbortController();
    const read = await s.read(id, 0, reader.signal);
    if (read.status !== 'found') throw new Error(read.status);
    const it = read.entries[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual(text(1, '['));
    const waiting = it.next();
    await until(async () => (await connections()) === before + 1, 'its XREAD BLOCK connection');
    const t0 = Date.now();
    reader.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(Date.now() - t0).toBeLessThan(100);
    await until(async () => (await connections()) === before, 'its connection to close', 500);
    expect(await entries(s.read(id, 0, reader.signal))).toEqual([]);
    expect(await connections()).toBe(before);
    await s.append(id, done(1));
  });

  it('a resume of a stalled stream whose client disconnected releases its Redis connection', async () => {
    const s = await store();
    const id = fresh('stalled');
    await s.create(id);
    await s.append(id, { offset: 6, event: { type: 'text', text: '{"a":"' } });
    // The generation is now silent (a reasoning model thinking).
    const port = await serve(async (request) => {
      const streamId = new URL(request.url).pathname.split('/')[2]!;
      return resumeResponse(streamId, resumeOffset(request), { store: s });
    });
    const before = await connections();
    // A phone that reconnects five times, each time leaving again before anything new came.
    for (let i = 0; i < 5; i++) {
      const resumed = await openStream(port, `/s/${id}`, 30);
      expect(resumed.body()).toContain('id: 6');
      await sleep(50);
      expect(await connections()).toBeGreaterThan(before); // its follower's XREAD BLOCK connection
      resumed.destroy();
      await sleep(600); // three blockMs rounds: time enough to notice
    }
    expect(await connections()).toBe(before);
    await s.append(id, done(6));
  }, 10_000);
});

describe('RedisResumeStore: many live reads share one connection', () => {
  it('60 reads of 40 running streams hold one XREAD BLOCK connection, and each gets its own entries exactly', async () => {
    const writer = await store();
    const reader = await store({ blockMs: 30_000 });
    const ids = Array.from({ length: 40 }, (_, i) => fresh(`many-${i}`));
    await started(writer, ids);
    const before = await connections();
    // Two reads of each of the first 20 streams (two tabs), one of each of the others.
    const reads = [...ids, ...ids.slice(0, 20)].map((id) => ({ id, got: entries(reader.read(id, 0)) }));
    await until(
      async () => (await clientList()).filter((line) => / cmd=xread/.test(line)).length === 1,
      'the one blocked XREAD',
    );
    expect(await connections()).toBe(before + 1);
    // Each stream goes on by its own text, from the last stream to the first.
    for (const [i, id] of [...ids.entries()].reverse()) {
      await writer.append(id, text(1 + `${i}`.length, `${i}`));
      await writer.append(id, done(1 + `${i}`.length));
    }
    const got = await within(Promise.all(reads.map((r) => r.got)), 5000, 'the reads');
    got.forEach((read, r) => {
      const i = ids.indexOf(reads[r]!.id);
      expect(read).toEqual([text(1, '['), text(1 + `${i}`.length, `${i}`), done(1 + `${i}`.length)]);
    });
    // The last read to end closes the connection.
    await until(async () => (await connections()) === before, 'the shared connection to close', 1000);
  });

  it('a read that joins while the connection blocks gets what is appended at once, not after blockMs', async () => {
    const writer = await store();
    const reader = await store({ blockMs: 60_000 });
    const [a, b] = [fresh('blocked'), fresh('joins')];
    await started(writer, [a, b]);
    const first = entries(reader.read(a, 0));
    await until(async () => (await clientList()).some((line) => / cmd=xread/.test(line)), 'the XREAD');
    const read = await reader.read(b, 1);
    if (read.status !== 'found') throw new Error(read.status);
    const it = read.entries[Symbol.asyncIterator]();
    const next = it.next();
    // Only once the second read waits in the XREAD (its own entries are all read) does the text come.
    await sleep(50);
    await writer.append(b, text(2, '1'));
    expect((await within(next, 2000, 'the joined read')).value).toEqual(text(2, '1'));
    await it.return?.();
    await writer.append(a, done(1));
    expect(await within(first, 2000, 'the first read')).toEqual([text(1, '['), done(1)]);
  });

  it('a log that is no stream any more fails only its own read: the others sharing the XREAD go on at once', async () => {
    const writer = await store();
    const reader = await store({ blockMs: 60_000 });
    const [bad, good] = [fresh('wrongtype'), fresh('goes-on')];
    await started(writer, [bad, good]);
    const badRead = entries(reader.read(bad, 0));
    const read = await reader.read(good, 1);
    if (read.status !== 'found') throw new Error(read.status);
    const it = read.entries[Symbol.asyncIterator]();
    const next = it.next();
    await until(blockedXread, 'the XREAD');
    // Another writer of the same prefix takes the key: every XREAD naming it fails with WRONGTYPE. The
    // round that waits for both is sent again (as a joining read has it) and fails.
    await db.sendCommand(['DEL', `partialkit:${bad}:log`]);
    await db.sendCommand(['SET', `partialkit:${bad}:log`, 'not a stream']);
    const xread = (await clientList()).find((line) => / cmd=xread/.test(line))!;
    await db.sendCommand(['CLIENT', 'UNBLOCK', /(?:^| )id=(\d+)/.exec(xread)![1]!]);
    await sleep(100);
    await writer.append(good, text(2, '1'));
    // At once: a read failed with the other would wait out a reconnect's backoff (250 ms) first.
    const appended = performance.now();
    expect((await within(next, 2000, 'the other read')).value).toEqual(text(2, '1'));
    expect(performance.now() - appended).toBeLessThan(200);
    await expect(within(badRead, 5000, 'the refused read')).rejects.toMatchObject({
      type: 'stream_unavailable',
      message: 'Redis refused a command of the resume store (WRONGTYPE)',
    });
    await writer.append(good, done(2));
    expect((await within(it.next(), 2000, 'the end')).value).toEqual(done(2));
    await it.return?.();
  });

  it('with an ACL that denies CLIENT, the reads still follow: a joining one waits for the round to end', async () => {
    const user = fresh('no-client');
    await db.sendCommand(['ACL', 'SETUSER', user, 'on', '>secret', '~*', '&*', '+@all', '-client']);
    cleanups.push(() => db.sendCommand(['ACL', 'DELUSER', user]));
    const client = createClient({ url: redis.url, username: user, password: 'secret' });
    await client.connect();
    await expect(client.sendCommand(['CLIENT', 'ID'])).rejects.toThrow(/NOPERM/);
    const reader = new RedisResumeStore({ client, blockMs: 300 });
    // Closed before the user is deleted (cleanups run last first): Redis drops a deleted user's connections.
    cleanups.push(async () => {
      await reader.close();
      await client.close();
    });
    const writer = await store();
    const [a, b] = [fresh('acl-a'), fresh('acl-b')];
    await started(writer, [a, b]);
    const first = entries(reader.read(a, 0));
    await until(async () => (await clientList()).some((line) => / cmd=xread/.test(line)), 'the XREAD');
    const second = entries(reader.read(b, 0));
    await sleep(50);
    for (const id of [a, b]) await writer.append(id, done(1));
    expect(await within(Promise.all([first, second]), 2000, 'the reads')).toEqual([
      [text(1, '['), done(1)],
      [text(1, '['), done(1)],
    ]);
  });

  it('a read whose client does not take its entries holds up no other read', async () => {
    const writer = await store();
    const reader = await store({ blockMs: 30_000 });
    const [slow, quick] = [fresh('slow'), fresh('quick')];
    await started(writer, [slow, quick]);
    const stalled = await reader.read(slow, 0);
    if (stalled.status !== 'found') throw new Error(stalled.status);
    const held = stalled.entries[Symbol.asyncIterator]();
    expect((await held.next()).value).toEqual(text(1, '['));
    const taking = entries(reader.read(quick, 0));
    for (let i = 0; i < 20; i++) {
      await writer.append(slow, text(2 + i, 'x'));
      await writer.append(quick, text(2 + i, 'y'));
    }
    await writer.append(quick, done(21));
    const got = await within(taking, 2000, 'the quick read');
    expect(got.map((e) => (e.event.type === 'text' ? e.event.text : e.event.type)).join('')).toBe(
      `[${'y'.repeat(20)}done`,
    );
    // The slow one gets everything when it reads on.
    await writer.append(slow, done(21));
    const rest: StreamEntry[] = [];
    for (let r = await held.next(); !r.done; r = await held.next()) rest.push(r.value);
    expect(rest).toHaveLength(21);
  });
});

/** The entries of a found read, as an iterator the test pulls by hand. */
async function pulled(read: Promise<StreamRead>): Promise<AsyncIterator<StreamEntry>> {
  const found = await read;
  if (found.status !== 'found') throw new Error(found.status);
  return found.entries[Symbol.asyncIterator]();
}

const blockedXread = async () =>
  (await clientList()).some((line) => / cmd=xread/.test(line) && / flags=b/.test(line));

describe('RedisResumeStore: the shared connection drops while no read waits, or the clock moves', () => {
  it('a read that joins after the idle connection was killed gets its entry at once, not after blockMs', async () => {
    const writer = await store();
    const reader = await store({ blockMs: 30_000 });
    const [a, b] = [fresh('idle-a'), fresh('idle-b')];
    await started(writer, [a, b]);
    const first = await pulled(reader.read(a, 0));
    expect((await first.next()).value).toEqual(text(1, '['));
    const live = first.next();
    await until(blockedXread, 'the XREAD');
    await writer.append(a, text(2, '1'));
    expect((await within(live, 2000, 'the live entry')).value).toEqual(text(2, '1'));
    // The first read is at its yield: the shared connection is open, and idle, when it drops.
    // (its last command was an XREAD, which returned)
    expect(await killFollowers()).toBe(1);
    await sleep(100);
    const waiting = first.next();
    await until(blockedXread, 'the XREAD on a new connection');
    const second = await pulled(reader.read(b, 0));
    expect((await second.next()).value).toEqual(text(1, '['));
    const joined = second.next();
    await sleep(50);
    await writer.append(b, text(2, '2'));
    expect((await within(joined, 2000, 'the joining read')).value).toEqual(text(2, '2'));
    await writer.append(a, done(2));
    expect((await within(waiting, 2000, 'the first read')).value).toEqual(done(2));
    await second.return?.();
  });

  it('a read that goes live while Redis is down ends with stream_unavailable, not a hang', async () => {
    const own = await startRedis();
    const client = createClient({ url: own.url });
    client.on('error', () => {});
    await client.connect();
    const s = new RedisResumeStore({ client, blockMs: 200, commandTimeoutMs: 300 });
    try {
      await started(s, ['down-a', 'down-b']);
      const first = await pulled(s.read('down-a', 0));
      await first.next();
      const live = first.next();
      await sleep(100);
      await s.append('down-a', text(2, '1'));
      await within(live, 2000, 'the live entry'); // the first read now idles at its yield
      const second = await pulled(s.read('down-b', 0));
      expect((await second.next()).value).toEqual(text(1, '['));
      await own.stop();
      await sleep(200);
      const outcome = await within(
        second.next().then(
          () => 'an entry',
          (error: unknown) => error,
        ),
        4000,
        'the read going live',
      );
      expect(outcome).toBeInstanceOf(ProviderError);
      expect((outcome as ProviderError).type).toBe('stream_unavailable');
    } finally {
      await s.close();
      client.destroy();
      await own.stop();
    }
  });

  it('a read aborted while its consumer holds it at a yield releases the shared connection', async () => {
    const s = await store();
    const id = fresh('held');
    await started(s, [id]);
    const before = await connections();
    const reader = new AbortController();
    const it = await pulled(s.read(id, 0, reader.signal));
    await it.next();
    const live = it.next();
    await until(async () => (await connections()) === before + 1, 'the live connection');
    await s.append(id, text(2, '1'));
    expect((await live).value).toEqual(text(2, '1'));
    reader.abort(); // its consumer never pulls again
    await until(async () => (await connections()) === before, 'the live connection to close', 1000);
    await s.append(id, done(2));
  });

  it('a silent wait still times out after blockMs when the wall clock is set back', async () => {
    const writer = new RedisResumeStore({ client: clients[0]!, liveSeconds: 1 });
    const reader = await store();
    const id = fresh('clock');
    await started(writer, [id]);
    const it = await pulled(reader.read(id, 0));
    await it.next();
    const next = it.next();
    await sleep(50);
    const now = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => now() - 60_000);
    try {
      await writer.close(); // the process that runs the stream stops keeping it alive
      const got = await within(next, 4000, 'the abandoned entry');
      expect(got.value).toMatchObject({ event: { type: 'error', error: { type: 'stream_abandoned' } } });
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a read that joins as the last one leaves while the connection opens is not failed by its drop', async () => {
    const client = clients[0]!;
    let failures = 0;
    // A connect that takes 50 ms (a remote or TLS Redis), counting the XREADs that fail.
    const slow: RedisClient = {
      sendCommand: (args) => client.sendCommand(args),
      connect: () => client.connect(),
      subscribe: (channel, listener) => client.subscribe(channel, listener),
      on: (event, listener) => client.on(event, listener),
      duplicate: () => {
        const d = client.duplicate();
        return {
          sendCommand: (args: string[]) =>
            d.sendCommand(args).catch((error: unknown) => {
              if (args[0] === 'XREAD') failures++;
              throw error;
            }),
          connect: async () => {
            await sleep(50);
            return d.connect();
          },
          on: (event: string, listener: (...args: unknown[]) => void) => d.on(event, listener),
          destroy: () => d.destroy(),
          duplicate: () => d.duplicate(),
          subscribe: (channel: string, listener: (message: string) => void) => d.subscribe(channel, listener),
        };
      },
    };
    const s = new RedisResumeStore({ client: slow, blockMs: 200 });
    stores.push(s);
    const [a, b] = [fresh('leaves'), fresh('joins')];
    await started(s, [a, b]);
    const leaving = new AbortController();
    const first = await pulled(s.read(a, 0, leaving.signal));
    await first.next();
    void first.next(); // goes live: the connection starts opening
    const second = await pulled(s.read(b, 0));
    leaving.abort();
    await sleep(0);
    expect((await second.next()).value).toEqual(text(1, '['));
    const next = second.next();
    await s.append(b, text(2, '1'));
    expect((await within(next, 2000, 'the joining read')).value).toEqual(text(2, '1'));
    expect(failures).toBe(0);
    await s.append(b, done(2));
    await s.append(a, done(1));
  });
});

describe('RedisResumeStore: the connections it opens drop', () => {
  it("a live read whose store's own client fails (a silent stream) ends with stream_unavailable", async () => {
    const writer = await store();
    const client = createClient({ url: redis.url });
    await client.connect();
    clients.push(client);
    const broken = { on: false };
    const reader = new RedisResumeStore({
      client: faultyClient(client, () => (broken.on ? new Error('Socket closed unexpectedly') : undefined)),
      blockMs: 100,
    });
    stores.push(reader);
    const id = fresh('main-client');
    await writer.create(id);
    await writer.append(id, text(1, '['));
    const reading = entries(reader.read(id, 0)).then(
      () => undefined,
      (error: unknown) => error,
    );
    await sleep(150);
    // The follower's XREAD times out on the silent stream; its check of the state uses the main client.
    broken.on = true;
    const error = await within(reading, 3000, 'the read');
    broken.on = false;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'stream_unavailable' });
  });

  it('a resume and a cancel while Redis is down answer within commandTimeoutMs (a 503), not when it is back', async () => {
    const own = await startRedis();
    const client = createClient({ url: own.url });
    client.on('error', () => {});
    await client.connect();
    const down = new RedisResumeStore({ client, blockMs: 100, commandTimeoutMs: 300 });
    const id = fresh('down');
    await down.create(id);
    await down.append(id, text(1, '['));
    await own.stop();
    try {
      const read = await within(
        down.read(id, 0).catch((e: unknown) => e),
        2000,
        'the read',
      );
      expect(read).toMatchObject({ name: 'ProviderError', type: 'stream_unavailable' });
      const cancel = await within(
        down.cancel(id).catch((e: unknown) => e),
        2000,
        'the cancel',
      );
      expect(cancel).toMatchObject({ name: 'ProviderError', type: 'stream_unavailable' });
      const response = await within(resumeResponse(id, 0, { store: down }), 2000, 'the response');
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('stream_unavailable');
    } finally {
      await down.close();
      client.destroy();
    }
  });

  it('while Redis is down a new stream is refused within commandTimeoutMs before its model is called, and a running one releases its upstream', async () => {
    const own = await startRedis();
    const client = createClient({ url: own.url });
    client.on('error', () => {});
    await client.connect();
    const down = new RedisResumeStore({ client, blockMs: 100, commandTimeoutMs: 300 });
    let released: unknown;
    let delta = 0;
    const running = await toResumableResponse(
      async function* ({ signal }) {
        try {
          while (!signal.aborted) {
            await new Promise((r) => setTimeout(r, 20));
            yield delta++ === 0 ? '[0' : ',0';
          }
        } finally {
          released = signal.reason ?? 'returned';
        }
      },
      { store: down, id: fresh('running') },
    );
    await running.body?.cancel();
    await vi.waitFor(() => expect(delta).toBeGreaterThan(3));
    await own.stop();
    try {
      let calls = 0;
      const refused = await within(
        toResumableResponse(
          () => {
            calls++;
            return (async function* () {
              yield '[1]';
            })();
          },
          { store: down, id: fresh('new') },
        ).catch((e: unknown) => e),
        2000,
        'the new stream',
      );
      expect(refused).toMatchObject({ name: 'ProviderError', type: 'stream_unavailable' });
      expect(calls).toBe(0);
      // Returned at its next event, once an append failed: never left waiting on Redis.
      await vi.waitFor(() => expect(released).toBeDefined(), { timeout: 2000 });
    } finally {
      await down.close();
      client.destroy();
    }
  });

  it('appends that outlive their commandTimeoutMs land later in order, and the end entry stands where the log then ends', async () => {
    const paused = await store({ blockMs: 100, commandTimeoutMs: 300 });
    const id = fresh('paused');
    let n = 0;
    const response = await toResumableResponse(
      async function* ({ signal }) {
        while (!signal.aborted && n < 40) {
          await sleep(20);
          // Redis stops answering for 1.2 s: the appends in flight give up after 300 ms, and run after.
          if (n === 5) await db.sendCommand(['CLIENT', 'PAUSE', '1200', 'ALL']);
          yield n++ === 0 ? '[0' : `,${n}`;
        }
      },
      { store: paused, id },
    );
    await response.body?.cancel();
    await until(async () => (await db.exists(`partialkit:${id}:gone`)) === 1, 'the end of the log', 5000);
    const log = (await entries(paused.read(id, 0))).map((e) => [e.event.type, e.offset] as const);
    const texts = log.filter(([type]) => type === 'text');
    expect(texts.length).toBeGreaterThan(5);
    for (let i = 1; i < log.length; i++) expect(log[i]![1]).toBeGreaterThanOrEqual(log[i - 1]![1]);
    // The error of the append that gave up, where the text ends: a client that has it all hears it.
    expect(log.at(-1)).toEqual(['error', texts.at(-1)![1]]);
    const resumed = await resumeResponse(id, texts.at(-1)![1], { store: paused });
    expect(await resumed.text()).toContain('stream_unavailable');
  });

  it('a create that outlives its commandTimeoutMs is undone when it lands: a retry of the id starts', async () => {
    const paused = await store({ blockMs: 100, commandTimeoutMs: 300 });
    const id = fresh('create');
    const answer = () =>
      (async function* () {
        yield '[1]';
      })();
    await db.sendCommand(['CLIENT', 'PAUSE', '800', 'ALL']);
    const refused = await toResumableResponse(answer, { store: paused, id }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'ProviderError', type: 'stream_unavailable' });
    await sleep(1000);
    const retried = await toResumableResponse(answer, { store: paused, id });
    expect(await retried.text()).toContain('event: done');
  });

  it('a live read whose connection drops goes on from its last entry on a new one: nothing lost or repeated', async () => {
    const writer = await store();
    const reader = await store();
    const id = fresh('dropped');
    await writer.create(id);
    await writer.append(id, text(1, '['));
    const reading = entries(reader.read(id, 0));
    await until(async () => (await killFollowers()) > 0, 'the follower to block in XREAD');
    // Appended while the reader has no connection: it must not miss it.
    await writer.append(id, text(2, '1'));
    await sleep(400);
    await writer.append(id, text(3, ','));
    await until(async () => (await killFollowers()) > 0, 'the new follower to block in XREAD');
    await writer.append(id, text(4, '2'));
    await writer.append(id, text(5, ']'));
    await writer.append(id, done(5));
    expect(await within(reading, 3000, 'the read')).toEqual([
      text(1, '['),
      text(2, '1'),
      text(3, ','),
      text(4, '2'),
      text(5, ']'),
      done(5),
    ]);
  });

  it('a live read whose Redis goes away ends with stream_unavailable after a few attempts, never a hang', async () => {
    const own = await startRedis();
    const client = createClient({ url: own.url });
    client.on('error', () => {});
    await client.connect();
    const s = new RedisResumeStore({ client, blockMs: 200 });
    cleanups.push(async () => {
      await s.close();
      client.destroy();
      await own.stop();
    });
    const id = fresh('outage');
    await s.create(id);
    await s.append(id, text(1, '['));
    const reading = entries(s.read(id, 0));
    await sleep(100);
    await own.stop();
    const failure = await within(
      reading.then(
        () => undefined,
        (error: unknown) => error,
      ),
      5000,
      'the read',
    );
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).type).toBe('stream_unavailable');
    // What the browser is sent names no host or port (the socket's error, in `raw`, does).
    expect((failure as ProviderError).message).toBe('The resume store lost its connection to Redis');
    expect(String(((failure as ProviderError).raw as Error).message)).toMatch(/127\.0\.0\.1|closed/i);
  });

  it('the cancel subscriber survives its connection dropping: a cancel sent while it was away, and one after, arrive', async () => {
    const writer = await store();
    const other = await store();
    const [early, late] = [fresh('away'), fresh('after')];
    const calls: string[] = [];
    for (const id of [early, late]) {
      await writer.create(id);
      await writer.onCancel(id, () => calls.push(id));
    }
    // The connection drops, and a cancel comes (as `cancel()` sends it) before node-redis has
    // reconnected and subscribed again: in one transaction, so that its PUBLISH is heard by nobody.
    const sent = await db
      .multi()
      .addCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      .addCommand(['SET', `partialkit:${early}:cancel`, '1'])
      .addCommand(['PUBLISH', 'partialkit:cancel', early])
      .exec();
    const [killed, , heard] = sent as unknown as [number, string, number];
    expect(killed).toBeGreaterThan(0); // the writer's subscriber (and those of the other stores here)
    expect(heard).toBe(0);
    await until(async () => calls.includes(early), 'the cancel sent while the subscriber was away');
    expect(await other.cancel(late)).toBe(true);
    await until(async () => calls.includes(late), 'the cancel sent after it came back');
    expect(calls.sort()).toEqual([early, late].sort());
    for (const id of [early, late]) await writer.append(id, done(0));
  });

  it('one failed subscriber connect does not make every later toResumableResponse fail, nor close()', async () => {
    const real = createClient({ url: redis.url });
    real.on('error', () => {});
    await real.connect();
    cleanups.push(() => real.close());
    // The first connection the store opens meets a refused connect (Redis restarting at that moment):
    // a real ECONNREFUSED, from a port nothing listens on.
    const refused = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as AddressInfo).port;
        server.close(() => resolve(port));
      });
    });
    let first = true;
    const client = {
      sendCommand: (args: string[]) => real.sendCommand(args),
      connect: () => real.connect(),
      subscribe: (channel: string, listener: (m: string) => void) => real.subscribe(channel, listener),
      on: (event: string, listener: (...args: unknown[]) => void) => real.on(event, listener),
      duplicate: () => {
        if (!first) return real.duplicate();
        first = false;
        return real.duplicate({ url: `redis://127.0.0.1:${refused}`, socket: { reconnectStrategy: false } });
      },
    };
    const s = new RedisResumeStore({ client, blockMs: 200 });
    cleanups.push(() => s.close());
    const port = await serve(async () =>
      toResumableResponse(
        async function* () {
          yield '{}';
        },
        { store: s },
      ),
    );
    const post = () =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await post()).toBe(500); // that one failed: fair
    expect(await real.sendCommand(['PING'])).toBe('PONG');
    expect([await post(), await post(), await post()]).toEqual([200, 200, 200]);
    await expect(s.close()).resolves.toBeUndefined();
  });

  it('a resume whose process closes its store mid-stream (a rolling deploy) is cut, not ended: the client resumes on another and gets every character once', async () => {
    const writer = await store();
    const leaving = await store();
    const staying = await store();
    const resumeAt = (s: RedisResumeStore) =>
      serve((request) =>
        resumeResponse(new URL(request.url).pathname.split('/')[2]!, resumeOffset(request), {
          store: s,
          resumeUrl: (streamId) => `/s/${streamId}`,
        }),
      );
    const [portB, portC] = [await resumeAt(leaving), await resumeAt(staying)];
    const parts = Array.from({ length: 30 }, (_, i) => (i === 0 ? '[0' : `,${i}`)).concat(']');
    const id = fresh('deploy');
    const first = await toResumableResponse(
      async function* () {
        for (const part of parts) {
          await sleep(15);
          yield part;
        }
      },
      { store: writer, id },
    );
    await first.body?.cancel(); // the client follows through process B
    const reconnects: number[] = [];
    let got = '';
    let events = 0;
    for await (const event of decodeResumable(await fetch(`http://127.0.0.1:${portB}/s/${id}`), {
      // B's address is behind the load balancer: the reconnect lands on C.
      fetch: (url, init) => fetch(url.replace(`:${portB}`, `:${portC}`), init),
      reconnect: { baseDelayMs: 10 },
      onReconnect: (attempt) => reconnects.push(attempt),
    })) {
      if (event.type === 'text') got += event.text;
      if (++events === 5) void leaving.close();
    }
    expect(got).toBe(parts.join(''));
    expect(reconnects).toEqual([1, 0]);
  });

  it('close() ends the live reads it cuts with stream_unavailable, at once', async () => {
    const s = new RedisResumeStore({ client: clients[0]!, blockMs: 5000 });
    const id = fresh('closing');
    await s.create(id);
    await s.append(id, text(1, '['));
    const reading = entries(s.read(id, 0)).then(
      () => undefined,
      (error: unknown) => error,
    );
    await until(async () => (await clientList()).some((line) => / cmd=xread/.test(line)), 'the follower');
    const t0 = Date.now();
    await s.close();
    const failure = await within(reading, 1000, 'the read');
    expect(Date.now() - t0).toBeLessThan(500);
    expect((failure as ProviderError).type).toBe('stream_unavailable');
    await s.append(id, done(1));
  });
});

describe('RedisResumeStore: the process that runs a stream stops', () => {
  it('a stream whose process stopped keeping it alive ends with stream_abandoned, for its readers and every later read', async () => {
    const writer = new RedisResumeStore({ client: clients[0]!, liveSeconds: 1 });
    const reader = await store();
    const id = fresh('abandoned');
    await writer.create(id);
    await writer.append(id, text(2, '{"'));
    await writer.append(id, text(3, 'a'));
    const reading = entries(reader.read(id, 0));
    await sleep(300);
    // As a killed process would: nothing refreshes its live key any more.
    await writer.close();
    const abandoned: StreamEntry = {
      offset: 3,
      event: {
        type: 'error',
        error: { type: 'stream_abandoned', message: 'The process running the stream stopped' },
      },
    };
    expect(await within(reading, 3000, 'the read')).toEqual([text(2, '{"'), text(3, 'a'), abandoned]);
    // Ended for everybody: a later read has it at once, a cancel finds nothing to stop.
    const other = await store();
    expect(await within(entries(other.read(id, 2)), 300, 'a later read')).toEqual([text(3, 'a'), abandoned]);
    expect(await other.cancel(id)).toBe(false);
    const ttl = Number(await db.sendCommand(['TTL', `partialkit:${id}:log`]));
    expect(ttl > 0 && ttl <= 600).toBe(true);
  });

  it('a silent stream whose process is alive is not abandoned, however long it is silent', async () => {
    const writer = await store({ liveSeconds: 1 });
    const reader = await store();
    const id = fresh('thinking');
    await writer.create(id);
    await writer.append(id, text(1, '['));
    const reading = entries(reader.read(id, 0));
    await sleep(2500); // the live key's expiry twice over
    await writer.append(id, text(2, ']'));
    await writer.append(id, done(2));
    expect(await within(reading, 1000, 'the read')).toEqual([text(1, '['), text(2, ']'), done(2)]);
  });

  it('stops refreshing the live key with the last entry', async () => {
    const writer = await store({ liveSeconds: 1 });
    const id = fresh('finished');
    await writer.create(id);
    expect(Number(await db.sendCommand(['TTL', `partialkit:${id}:live`]))).toBe(1);
    await writer.append(id, done(0));
    await sleep(1300);
    expect(await db.sendCommand(['EXISTS', `partialkit:${id}:live`])).toBe(0);
  });
});
