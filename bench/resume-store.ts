/**
 * The resume store's cost per generated character: the same JSON text, in token-sized deltas, streamed
 * as partialkit's SSE by `toPartialResponse` (no store), and by `toResumableResponse` writing every
 * delta to a `MemoryResumeStore` or a `RedisResumeStore` (a real redis-server on 127.0.0.1) while the
 * response follows the log. Same run, rounds rotating which goes first; each figure is the median.
 * Every variant's body is decoded once and checked against the text, so the figures are for correct
 * work only. Run alone with `npx tsx --conditions=@partialkit/source bench/resume-store.ts [--quick]`.
 */
import { pathToFileURL } from 'node:url';
import { decode } from '@partialkit/core';
import { MemoryResumeStore, toPartialResponse, toResumableResponse } from '@partialkit/server';
import { RedisResumeStore } from '@partialkit/server/redis';
import { chunksOf, llmDocument } from '@partialkit/test-utils/harness';
import { startRedis } from '@partialkit/test-utils/redis-server';
import { createClient } from 'redis';

export interface ResumeStoreRow {
  store: string;
  /** Milliseconds per million generated characters, from the first delta to the end of the body. */
  msPerMChar: number;
  /** CPU time of this process (the server) per million characters; Redis's own work is not in it. */
  cpuMsPerMChar: number;
  /** What the store holds per character once the stream has ended (Redis: `MEMORY USAGE` of the log). */
  bytesPerChar?: number;
}

/** Typical provider deltas are a token: about four characters of JSON. */
const CHUNK = 4;

async function* deltas(chunks: readonly string[]): AsyncGenerator<string> {
  yield* chunks;
}

async function drain(response: Response): Promise<void> {
  const reader = response.body!.getReader();
  while (!(await reader.read()).done) {
    // only the bytes' arrival is timed
  }
}

async function textOf(response: Response): Promise<string> {
  let text = '';
  for await (const event of decode(response)) if (event.type === 'text') text += event.text;
  return text;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * One row per store (the first: no store). Wall time includes waiting on Redis round trips: every
 * delta is one `XADD` the generation waits for, so against a fast upstream it is latency, not work.
 */
export async function measureResumeStore(options: { quick?: boolean } = {}): Promise<ResumeStoreRow[]> {
  const size = options.quick ? 20_000 : 100_000;
  const rounds = options.quick ? 3 : 5;
  const text = llmDocument(size);
  const chunks = chunksOf(text, CHUNK);
  const redis = await startRedis();
  const client = createClient({ url: redis.url });
  await client.connect();
  const redisStore = new RedisResumeStore({ client });
  const memoryStore = new MemoryResumeStore();
  let n = 0;
  let lastRedisId = '';
  const variants: Array<{ store: string; respond: () => Promise<Response> }> = [
    { store: 'none (toPartialResponse)', respond: async () => toPartialResponse(deltas(chunks)) },
    {
      store: 'MemoryResumeStore',
      respond: () => toResumableResponse(() => deltas(chunks), { store: memoryStore, id: `m${n++}` }),
    },
    {
      store: 'RedisResumeStore',
      respond: () => {
        lastRedisId = `r${n++}`;
        return toResumableResponse(() => deltas(chunks), { store: redisStore, id: lastRedisId });
      },
    },
  ];
  try {
    for (const variant of variants) {
      const got = await textOf(await variant.respond());
      if (got !== text)
        throw new Error(`${variant.store} streamed ${got.length} of ${text.length} characters`);
    }
    const times = new Map<string, number[]>(variants.map((v) => [v.store, []]));
    const cpu = new Map<string, number[]>(variants.map((v) => [v.store, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(round + i) % variants.length]!;
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        await drain(await variant.respond());
        const used = process.cpuUsage(cpuStart);
        times.get(variant.store)!.push(performance.now() - start);
        cpu.get(variant.store)!.push((used.user + used.system) / 1000);
      }
    }
    const log = `partialkit:${lastRedisId}:log`;
    const redisBytes = Number(await client.sendCommand(['MEMORY', 'USAGE', log, 'SAMPLES', '0']));
    return variants.map(({ store }) => ({
      store,
      msPerMChar: (median(times.get(store)!) / text.length) * 1e6,
      cpuMsPerMChar: (median(cpu.get(store)!) / text.length) * 1e6,
      ...(store === 'RedisResumeStore' && { bytesPerChar: redisBytes / text.length }),
    }));
  } finally {
    // The client has read `done`; the store still marks the last stream ended (its `gone` key comes last):
    // closing the connection under it would fail that run.
    const gone = `partialkit:${lastRedisId}:gone`;
    for (let i = 0; i < 200 && Number(await client.sendCommand(['EXISTS', gone])) === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await redisStore.close();
    await client.close();
    await redis.stop();
  }
}

function print(rows: ResumeStoreRow[]): void {
  const base = rows[0]!.msPerMChar;
  console.log(`resume store, ${CHUNK}-character deltas (ms per million generated characters, median)`);
  console.log(
    ['store', 'ms/Mchar', '× none', 'cpu ms/Mchar', 'bytes/char']
      .map((title, i) => (i === 0 ? title.padEnd(26) : title.padStart([10, 8, 14, 11][i - 1]!)))
      .join(''),
  );
  for (const row of rows) {
    console.log(
      [
        row.store.padEnd(26),
        row.msPerMChar.toFixed(0).padStart(10),
        (row.msPerMChar / base).toFixed(1).padStart(8),
        row.cpuMsPerMChar.toFixed(0).padStart(14),
        (row.bytesPerChar === undefined ? '' : row.bytesPerChar.toFixed(1)).padStart(11),
      ].join(''),
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  print(await measureResumeStore({ quick: process.argv.includes('--quick') }));
}
