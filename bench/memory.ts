/**
 * Memory section. Parsers: bytes allocated and peak heap per stream (memory-child.ts, one process per
 * contender). Server: heap per concurrent `toPartialResponse` stream on loopback (server-child.ts), with
 * this process as the clients.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Agent, get } from 'node:http';
import { llmDocument } from '@partialkit/test-utils/harness';
import { benchFile, type ChildRun, runChild } from './lib/child.ts';
import { type Cell, fmtBytes, fmtRatio, median, spread, type Table } from './lib/table.ts';
import type { MemoryLib } from './memory-child.ts';

const FLOORS: MemoryLib[] = ['JSON.parse (floor)', 'path copies alone (identity floor)'];
const LIBS: MemoryLib[] = [
  ...FLOORS,
  'partialkit',
  'jsonriver',
  'partial-json',
  'ai parsePartialJson',
  'Hashbrown parseChunk',
];

interface Allocation {
  allocated: number;
  peak: number;
  collections: number;
}

async function parsers(quick: boolean): Promise<Table> {
  const size = quick ? 20_000 : 200_000;
  /** The document's length (pretty-printed, so longer than its nominal size). */
  const length = llmDocument(size).length;
  const capMs = quick ? 30_000 : 90_000;
  const runs: Array<ChildRun<Allocation>> = [];
  for (const lib of LIBS) {
    runs.push(
      await runChild<Allocation>(
        benchFile('memory-child.ts'),
        { lib, size, reps: 3 },
        { capMs, nodeArgs: ['--expose-gc'] },
      ),
    );
  }
  const allocated = runs.map((r) =>
    r.results.length ? median(r.results.map((x) => x.allocated)) : undefined,
  );
  const best = Math.min(
    ...allocated.filter((a, k): a is number => a !== undefined && !FLOORS.includes(LIBS[k]!)),
  );
  const rows: Cell[][] = LIBS.map((lib, k) => {
    const { results, timedOut } = runs[k]!;
    const a = allocated[k];
    if (a === undefined) return [lib, `> ${capMs / 1000} s`, null, null, null, null, '0 (capped)'];
    return [
      lib,
      fmtBytes(a),
      fmtRatio(a / length),
      FLOORS.includes(lib) ? null : fmtRatio(a / best),
      fmtBytes(median(results.map((x) => x.peak))),
      median(results.map((x) => x.collections)),
      `${results.length}${timedOut ? ' (capped)' : ''}, ±${spread(results.map((x) => x.allocated)).toFixed(1)} %`,
    ];
  });
  const ours = allocated[LIBS.indexOf('partialkit')]!;
  const floor = allocated[LIBS.indexOf('path copies alone (identity floor)')];
  return {
    id: 'memory',
    title: `Memory: one ${size / 1000} KB document in 4-character chunks, read every 16 chunks`,
    columns: [
      'library',
      'allocated per stream',
      '× document',
      '× best',
      'peak heap above start',
      'collections',
      'runs, spread',
    ],
    rows,
    notes: [
      'Floors: `JSON.parse` of the whole text once (the final value), and the containers any reader that keeps identity copies at the same read points, taken from the final value (bench/lib/identity-floor.ts). Re-parsing peers accumulate the text (`text += chunk`) and parse it at each read; jsonriver yields its one live object per chunk; Hashbrown reads its root node. Allocation: growth of the used heap between collections (V8 GCProfiler), after a warm-up on a 20 KB document.',
    ],
    targets: [
      {
        name: 'allocation per 200 KB stream ≤ 10× the document',
        met: !quick && ours <= 10 * length,
        figure:
          `${fmtBytes(ours)} = ${(ours / length).toFixed(0)}× ${fmtBytes(length)}${quick ? ' (20 KB in --quick)' : ''}` +
          (floor === undefined
            ? ''
            : `; the identity floor alone ${fmtBytes(floor)} = ${(floor / length).toFixed(0)}×`),
      },
    ],
  };
}

/** Waits for the next message of `type` from the child, at most `ms`. */
function next<T>(child: ChildProcess, type: string, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`server-child: no "${type}" within ${ms} ms`));
    }, ms);
    const on = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
  });
}

function request(port: number, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve(text));
      res.on('error', reject);
    }).on('error', reject);
  });
}

interface Heap {
  heapUsed: number;
  rss: number;
}

async function server(quick: boolean): Promise<Table> {
  const counts = quick ? [100] : [100, 1000];
  const reps = quick ? 1 : 3;
  const child = fork(benchFile('server-child.ts'), [], {
    execArgv: ['--conditions=@partialkit/source', '--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const rows: Cell[][] = [];
  try {
    const { port } = await next<{ port: number }>(child, 'listening', 30_000);
    const round = async (count: number) => {
      child.send({ type: 'expect', count });
      const base = await next<Heap>(child, 'baseline', 30_000);
      const parked = next(child, 'parked', 60_000);
      const bodies = Array.from({ length: count }, () => request(port, agent));
      await parked;
      child.send({ type: 'measure' });
      const open = await next<Heap>(child, 'heap', 30_000);
      child.send({ type: 'release' });
      const texts = await Promise.all(bodies);
      const complete = texts.filter((t) => t.endsWith('event: done\ndata: {}\n\n')).length;
      if (complete !== count)
        throw new Error(`server: ${count - complete} of ${count} streams did not end with done`);
      return { heap: (open.heapUsed - base.heapUsed) / count, rss: (open.rss - base.rss) / count };
    };
    await round(20); // warm-up
    for (const count of counts) {
      const results = [];
      for (let r = 0; r < reps; r++) results.push(await round(count));
      rows.push([
        count,
        fmtBytes(median(results.map((x) => x.heap))),
        fmtBytes(median(results.map((x) => x.rss))),
        `${results.length}, ±${spread(results.map((x) => x.heap)).toFixed(0)} %`,
      ]);
    }
  } catch (error) {
    rows.push([null, `failed: ${(error as Error).message}`, null, null]);
  } finally {
    agent.destroy();
    child.send({ type: 'exit' });
  }
  return {
    id: 'server-memory',
    title:
      'Memory: server heap per concurrent `toPartialResponse` stream (node:http + `toNodeHandler`, loopback)',
    columns: ['concurrent streams', 'heap per stream', 'RSS per stream', 'runs, spread'],
    rows,
    notes: [
      'Each stream has sent half of a 2 KB document in 4-character deltas and is held open at a gate while the server process collects garbage and reads its heap; every stream then ends with `done` (checked).',
    ],
  };
}

export async function memorySection(quick: boolean): Promise<Table[]> {
  return [await parsers(quick), await server(quick)];
}
