/**
 * Two real server processes sharing one real redis-server, behind a load balancer on 127.0.0.1 that
 * sends each new connection to the other process and cuts connections after a few hundred bytes: every
 * reconnect lands on the process that did not serve the connection before, and a cancel lands on the
 * process that does not run the generation. The processes are `test/resumable-server.ts`; what they
 * did (model calls, requests served, aborts) they record in Redis, where the test reads it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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
async function spawnServer(name: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@partialkit/source', SERVER], {
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
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
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
    // Within one chunk: after the abort, at most one text entry more, then the cancel.
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
