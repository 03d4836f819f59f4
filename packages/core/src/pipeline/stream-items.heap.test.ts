import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROBE = join(import.meta.dirname, '..', '..', 'test', 'stream-items-heap-probe.ts');

interface Probe {
  count: number;
  early: number;
  late: number;
  alive: number;
  watched: number;
}

/** Streams `count` items in a child process with `--expose-gc` (heap figures need a forced collection). */
async function probe(shape: 'array' | 'lines', count: number, mode: 'drop' | 'keep'): Promise<Probe> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--conditions=@partialkit/source', PROBE, shape, String(count), mode],
    { cwd: join(import.meta.dirname, '..', '..', '..', '..') },
  );
  return JSON.parse(stdout) as Probe;
}

const MB = 1024 * 1024;

describe('streamItems memory', () => {
  for (const shape of ['array', 'lines'] as const) {
    it(`a 100 000-element ${shape === 'array' ? 'root array' : 'JSON Lines stream'} keeps no finished element`, async () => {
      const result = await probe(shape, 100_000, 'drop');
      expect(result.count).toBe(100_000);
      // Every watched item the consumer dropped was collected while the stream was still open…
      expect(result.alive).toBe(0);
      // …and the heap at the last element is where it was at element 1000 (a byte per item would be ~0.1 MB).
      expect(result.late - result.early).toBeLessThan(MB);
    }, 60_000);
  }

  it('the same probe sees items a consumer keeps (the measure can fail)', async () => {
    const result = await probe('lines', 100_000, 'keep');
    expect(result.alive).toBe(result.watched);
    expect(result.late - result.early).toBeGreaterThan(10 * MB);
  }, 60_000);
});
