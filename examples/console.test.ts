import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { describe, expect, it } from 'vitest';
import { runConsole } from './console.ts';

const ESC = String.fromCharCode(27);
const REDRAW = new RegExp(`^${ESC}\\[\\d+A${ESC}\\[J`);

describe('examples/console.ts', () => {
  it('redraws a growing object and returns the validated result', async () => {
    const frames: string[] = [];
    const final = await runConsole({ write: (t) => frames.push(t), redraw: true });
    expect(final).toEqual(MEETING_RESULT);
    expect(frames.length).toBeGreaterThan(40);
    expect(frames[0]).toBe('{}\n');
    expect(frames.slice(1).every((f) => REDRAW.test(f))).toBe(true);
    expect(frames.at(-1)!.replace(REDRAW, '')).toBe(`${JSON.stringify(MEETING_RESULT, null, 2)}\n`);
    // The budget (a number) and the dates (ISO formats) are never shown half-written.
    for (const f of frames) {
      const budget = /"budget": (\d+)/.exec(f);
      if (budget) expect(budget[1]).toBe('50000');
      const date = /"date": "([^"]*)"/.exec(f);
      if (date) expect(date[1]).toBe('2024-03-15');
    }
  });

  it('runs from the command line', () => {
    const root = join(import.meta.dirname, '..');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@partialkit/source', 'examples/console.ts', '--delay', '0'],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const frames = result.stdout.trim().split('\n{').length;
    expect(frames).toBeGreaterThan(40);
    expect(result.stdout.endsWith(`${JSON.stringify(MEETING_RESULT, null, 2)}\n`)).toBe(true);
  });
});
