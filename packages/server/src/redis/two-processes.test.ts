/**
 * Two real server processes sharing one real redis-server, behind a load balancer on 127.0.0.1 that
 * sends each new connection to the other process and cuts connections after a few hundred bytes: every
 * reconnect lands on the process that did not serve the connection before, and a cancel lands on the
 * process that does not run the generation. The processes are `test/resumable-server.ts`; what they
 * did (model calls, requests served, aborts) they record in Redis, where the test reads it. The last
 * tests start a third process (`redis-child.ts`) and drop its Redis connections or kill it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { decode, decodeResumable, PartialObjectStore, type PartialState } from '@partialkit/core';
import { replayResponse } from '@partialkit/replay';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import {
  cutPoints,
  type DroppingProxy,
  roundRobin,
  startDroppingProxy,
} from '@partialkit/test-utils/dropping-proxy';
import { fixture } from '@partialkit/test-utils/fixtures';
import { extendsValue } from '@partialkit/test-utils/harness';
import { type RedisServer, startRedis } from '@partialkit/test-utils/redis-server';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import '@partialkit/core/providers';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVER = fileURLToPath(new URL('../../test/resumable-server.ts', import.meta.url));
const CHILD = fileURLToPath(new URL('../../test/redis-child.ts', import.meta.url));
const PREFIX = 'test:';

interface Child {
  readonly name: string;
  readonly port: number;
  readonly process: ChildProcess;
  readonly output: () => string;
}

let redis: RedisServer;
let db: ReturnType<typeof createClient>;
const children: Child[] = [];

/** Starts one server process and waits for the port it prints. */
async function spawnServer(name: string, script = SERVER): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@partialkit/source', script], {
    cwd: ROOT,
    env: { ...process.env, NAME: name, REDIS_URL: redis.url, PORT: '0', TEST_PREFIX: PREFIX },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not listen within 15 s: ${output}`)),
      15_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output}`));
    });
  });
  return { name, port, process: child, output: () => output };
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.process.kill('SIGKILL'), 3000);
    child.process.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.process.kill('SIGTERM');
  });
}

beforeAll(async () => {
  redis = await startRedis();
  db = createClient({ url: redis.url });
  await db.connect();
  children.push(...(await Promise.all([spawnServer('A'), spawnServer('B')])));
}, 30_000);

afterAll(async () => {
  await Promise.all(children.map(stopChild));
  await db?.close();
  await redis?.stop();
});

const proxies: DroppingProxy[] = [];
beforeEach(async () => {
  await db.flushDb();
});
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A load balancer over the two processes: connection n goes to A when n is even, to B when odd. */
async function balancer(cutAfter: (connection: number) => number | undefined): Promise<DroppingProxy> {
  const [a, b] = children as [Child, Child];
  const proxy = await startDroppingProxy(
    roundRobin([
      { host: '127.0.0.1', port: a.port },
      { host: '127.0.0.1', port: b.port },
    ]),
    cutAfter,
  );
  proxies.push(proxy);
  return proxy;
}

/** `<name> <method>` of each request the processes served, in order. */
const served = async (): Promise<string[]> => await db.lRange(`${PREFIX}served`, 0, -1);
const generations = async (): Promise<number> => Number(await db.get(`${PREFIX}generations`));

/** The requests alternate between the processes: each reconnect went to the other one. */
function expectAlternating(requests: string[]): void {
  requests.forEach((request, i) => {
    expect(request.split(' ')[0]).toBe(i % 2 === 0 ? 'A' : 'B');
  });
}

async function until(condition: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The JSON text of the recording, read without any cut: what every client must end up with. */
async function uninterruptedText(): Promise<string> {
  let text = '';
  const response = replayResponse(fixture('conference-extraction.sse'), { speed: 0 });
  for await (const event of decode(response)) if (event.type === 'text') text += event.text;
  return text;
}

describe('two server processes sharing one real Redis, every reconnect on the other process', () => {
  it.each([1, 2, 3])(
    'the object store (cuts seeded %i): the final object is the uninterrupted one, snapshots stay monotone, the model is called once',
    async (seed) => {
      const next = cutPoints(seed);
      const proxy = await balancer(() => next());
      const client = new PartialObjectStore({
        schema: MeetingInfo,
        fetcher: `${proxy.url}/extract`,
        throttle: 0,
        reconnect: { baseDelayMs: 5, maxAttempts: 10 },
      });
      const states: Array<PartialState<unknown, unknown>> = [];
      client.subscribe(() => states.push(client.getSnapshot()));
      await client.submit({ text: 'meeting notes' });
      const last = client.getSnapshot();
      expect(last.error).toBeUndefined();
      expect(last.status).toBe('success');
      expect(last.data).toEqual(MEETING_RESULT);
      expect(await generations()).toBe(1);
      expect(await db.get(`${PREFIX}generator:${last.streamId}`)).toBe('A');
      const requests = await served();
      expect(requests[0]).toBe('A POST');
      expect(requests.slice(1).every((r) => r.endsWith(' GET'))).toBe(true);
      expect(requests.length).toBeGreaterThanOrEqual(4); // the POST and at least three reconnects
      expect(requests.length).toBe(proxy.connections);
      expectAlternating(requests);
      expect(states.filter((s) => s.status === 'reconnecting').length).toBeGreaterThanOrEqual(3);
      const objects = states.map((s) => s.object).filter((o) => o !== undefined);
      for (let i = 1; i < objects.length; i++) expect(extendsValue(objects[i - 1], objects[i])).toBe(true);
      // Completed participants keep their identity across reconnects to the other process.
      const final = last.object as { users: object[] };
      const firstWithAll = objects.find((o) => (o as { users?: unknown[] }).users?.length === 3) as {
        users: object[];
      };
      expect(firstWithAll.users[0]).toBe(final.users[0]);
    },
  );

  it.each([4, 5, 6])(
    'the decoded text (cuts seeded %i) is exactly the uninterrupted text: no character lost or repeated',
    async (seed) => {
      const next = cutPoints(seed);
      const proxy = await balancer(() => next());
      const response = await fetch(`${proxy.url}/extract`, { method: 'POST', body: '{}' });
      let text = '';
      let reconnects = 0;
      const events = decodeResumable(response, {
        reconnect: { baseDelayMs: 5, maxAttempts: 10 },
        onReconnect: (attempt) => {
          if (attempt > 0) reconnects++;
        },
      });
      for await (const event of events) if (event.type === 'text') text += event.text;
      expect(text).toBe(await uninterruptedText());
      expect(reconnects).toBeGreaterThanOrEqual(3);
      expect(await generations()).toBe(1);
      const requests = await served();
      expect(requests.length).toBe(reconnects + 1);
      expectAlternating(requests);
    },
  );

  it('a cancel sent to the process that does not run the generation stops it', async () => {
    const proxy = await balancer(() => undefined);
    const client = new PartialObjectStore({
      schema: MeetingInfo,
      fetcher: `${proxy.url}/extract`,
      throttle: 0,
      reconnect: { baseDelayMs: 5, maxAttempts: 10 },
    });
    const done = client.submit({ text: 'meeting notes', msPerEvent: 25 });
    await until(
      async () => (client.getSnapshot().object as { users?: unknown[] } | undefined)?.users !== undefined,
      'the first participant',
      5000,
    );
    const id = client.getSnapshot().streamId;
    expect(id).toBeDefined();
    client.stop();
    await done;
    // The recording has 132 events at 25 ms: left alone it would run for seconds more.
    await until(async () => (await db.lLen(`${PREFIX}aborted`)) > 0, 'the generation to abort', 1000);
    expect(await db.lRange(`${PREFIX}aborted`, 0, -1)).toEqual([`A ${id}`]);
    await until(async () => (await served()).length === 2, 'the DELETE', 1000);
    expect(await served()).toEqual(['A POST', 'B DELETE']);
    expect(await generations()).toBe(1);
    // The log ends with the cancel, well before the text would have.
    const log = `partialkit:${id}:log`;
    await until(
      async () =>
        String(await db.sendCommand(['XREVRANGE', log, '+', '-', 'COUNT', '1'])).includes('cancelled'),
      'the log to end with the cancel',
      1000,
    );
    expect(await db.xLen(log)).toBeLessThan(60);
    // Within one chunk: after the abort, at most one text entry more, then the cancel. (The server
    // records the log's length once its XLEN answers: it may come after the cancel's entry.)
    await until(
      async () => (await db.get(`${PREFIX}log-at-abort:${id}`)) !== null,
      'the length at abort',
      1000,
    );
    const atAbort = Number(await db.get(`${PREFIX}log-at-abort:${id}`));
    expect(atAbort).toBeGreaterThan(0);
    expect(await db.xLen(log)).toBeLessThanOrEqual(atAbort + 2);
    expect(client.getSnapshot().status).toBe('aborted');
  });

  it('a reload resumes the stream on the other process, survives drops there, and its stop cancels it', async () => {
    // The first page's connection (to A) is never cut; the reloaded page's are, after a few hundred bytes.
    const next = cutPoints(7);
    const proxy = await balancer((n) => (n === 0 ? undefined : next()));
    const first = new PartialObjectStore({
      schema: MeetingInfo,
      fetcher: `${proxy.url}/extract`,
      throttle: 0,
    });
    const running = first.submit({ text: 'meeting notes', msPerEvent: 25 });
    await until(async () => first.getSnapshot().streamId !== undefined, 'the stream id', 5000);
    const id = first.getSnapshot().streamId!;
    first.attach()(); // the page goes away: its connection drops, the generation goes on
    await running;
    const reloaded = new PartialObjectStore({
      schema: MeetingInfo,
      fetcher: `${proxy.url}/extract`,
      throttle: 0,
      reconnect: { baseDelayMs: 5, maxAttempts: 10 },
    });
    const states: Array<PartialState<unknown, unknown>> = [];
    reloaded.subscribe(() => states.push(reloaded.getSnapshot()));
    const resumed = reloaded.resume(id);
    await until(
      async () =>
        reloaded.getSnapshot().status === 'error' ||
        (reloaded.getSnapshot().object as { users?: unknown[] } | undefined)?.users?.length === 3,
      'the third participant, after reconnects',
      10_000,
    );
    expect(reloaded.getSnapshot().error).toBeUndefined();
    expect(states.filter((s) => s.status === 'reconnecting').length).toBeGreaterThanOrEqual(2);
    const objects = states.map((s) => s.object).filter((o) => o !== undefined);
    for (let i = 1; i < objects.length; i++) expect(extendsValue(objects[i - 1], objects[i])).toBe(true);
    reloaded.stop();
    await resumed;
    await until(async () => (await db.lLen(`${PREFIX}aborted`)) > 0, 'the generation to abort', 1000);
    expect(await db.lRange(`${PREFIX}aborted`, 0, -1)).toEqual([`A ${id}`]);
    expect(await generations()).toBe(1);
    const requests = await served();
    expect(requests[0]).toBe('A POST');
    expect(requests.length).toBeGreaterThanOrEqual(5); // the POST, three resumes, the DELETE
    expect(requests.slice(1, -1).every((r) => r.endsWith(' GET'))).toBe(true);
    expect(requests.at(-1)).toMatch(/ DELETE$/);
    expectAlternating(requests);
    expect(reloaded.getSnapshot().status).toBe('aborted');
  });
});

/** Starts a request and resolves once `bytes` of its body arrived. */
function openStream(
  port: number,
  method: string,
  path: string,
  bytes = 1,
): Promise<{ headers: Record<string, unknown>; body: () => string; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      let resolved = false;
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
        if (!resolved && body.length >= bytes) {
          resolved = true;
          resolve({ headers: res.headers, body: () => body, destroy: () => req.destroy() });
        }
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end();
  });
}

/** A third server process (`redis-child.ts`: a 10 s stream at POST /s, a live key of 1 s), stopped after the test. */
async function spawnChild(): Promise<Child> {
  const child = await spawnServer('C', CHILD);
  cleanups.push(() => stopChild(child));
  return child;
}

/** Its stream: the POST's response, once its first text arrived, and the stream's id. */
async function startStream(child: Child): Promise<{ id: string; body: () => string }> {
  const post = await openStream(child.port, 'POST', '/s', 40);
  cleanups.push(() => post.destroy());
  const id = post.headers['x-partialkit-stream-id'];
  expect(typeof id).toBe('string');
  return { id: id as string, body: post.body };
}

const clientList = async (): Promise<string[]> =>
  String(await db.sendCommand(['CLIENT', 'LIST']))
    .trim()
    .split('\n');

function expectAlive(child: Child): void {
  expect(child.output()).not.toMatch(/Unhandled error|SocketClosedUnexpectedly|ERR_UNHANDLED_ERROR/);
  expect(child.process.exitCode).toBeNull();
  expect(child.process.signalCode).toBeNull();
}

describe('a server process whose Redis connections drop, or which dies', () => {
  it('a dropped pub/sub (cancel) connection does not crash the server process, and a cancel still reaches it', async () => {
    const child = await spawnChild();
    const stream = await startStream(child);
    // The connection drops (a Redis restart, a failover, a proxy's idle timeout): here, CLIENT KILL.
    await db.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await new Promise((r) => setTimeout(r, 700));
    expectAlive(child);
    // node-redis reconnected and subscribed again: a DELETE on the child stops the generation.
    const cancel = await fetch(`http://127.0.0.1:${child.port}/s/${stream.id}`, { method: 'DELETE' });
    expect(cancel.status).toBe(204);
    await until(async () => stream.body().includes('cancelled'), 'the stream to end with the cancel', 2000);
  }, 10_000);

  it('a dropped live-follower (XREAD BLOCK) connection does not crash the server process, and its response goes on', async () => {
    const child = await spawnChild();
    const stream = await startStream(child);
    await new Promise((r) => setTimeout(r, 100));
    // The follower's own connection is the one blocked in XREAD.
    const followers = (await clientList()).filter((line) => / cmd=xread/.test(line));
    expect(followers.length).toBeGreaterThan(0);
    for (const line of followers) {
      await db.sendCommand(['CLIENT', 'KILL', 'ID', /(?:^| )id=(\d+)/.exec(line)![1]!]);
    }
    const at = stream.body().length;
    await new Promise((r) => setTimeout(r, 700));
    expectAlive(child);
    expect(stream.body().length).toBeGreaterThan(at + 50); // still following the log, on a new connection
    expect(stream.body()).not.toMatch(/event: error/);
  }, 10_000);

  it('a resume on another process of a stream whose process was killed ends with stream_abandoned, not after maxRunSeconds', async () => {
    const child = await spawnChild();
    const stream = await startStream(child);
    // A deploy, an OOM kill, a crash: the process and its generation are gone.
    child.process.kill('SIGKILL');
    await new Promise((r) => child.process.once('exit', r));
    // Process A serves the client's reconnect.
    const resumed = await openStream(children[0]!.port, 'GET', `/extract/${stream.id}`, 1);
    cleanups.push(() => resumed.destroy());
    // The state stayed `running` for maxRunSeconds (an hour by default): the client got keep-alive
    // comments and nothing else. Now the live key expires within a second, and the resume ends.
    await until(async () => /event: error/.test(resumed.body()), 'the resume to end', 4000);
    expect(resumed.body()).toContain('stream_abandoned');
  }, 10_000);
});
