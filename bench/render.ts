/**
 * Render section: N participant cards streamed into React in jsdom, each contender in its own process
 * with production React (see render-child.ts and render-app.tsx). The contenders of one N run side by
 * side: the stream is paced by timers, so each process is mostly idle and the CPU figures (the process's
 * own user + system time) stay its own. TanStack AI's `useChat` re-parses as `useObject` does, so it runs
 * after them rather than beside them.
 */

import { existsSync } from 'node:fs';
import { chromiumLaunchOptions } from '@partialkit/test-utils/chromium';
import { benchFile, runChild } from './lib/child.ts';
import { type Cell, fmtMs, fmtRatio, median, spread, type Table, type Target } from './lib/table.ts';
import type { Contender, RunResult } from './render-app.tsx';

const CONTENDERS: Contender[] = [
  'transport alone',
  'partialkit',
  'partialkit, throttle 0',
  'useObject',
  'TanStack AI useChat',
];
/** Contenders run after the others of the same N, on their own. */
const LATER = new Set<Contender>(['TanStack AI useChat']);

export async function renderSection(quick: boolean): Promise<Table[]> {
  const sizes = quick ? [100] : [100, 300, 1000];
  const reps = quick ? 1 : 3;
  const rows: Cell[][] = [];
  const targets: Target[] = [];
  const spreads: string[] = [];
  for (const n of sizes) {
    // A cap per process: the paced stream alone takes ≈ 75 ms of wall time per card on this host.
    const capMs = quick ? 60_000 : Math.max(120_000, n * 400);
    const run = (contender: Contender) =>
      runChild<RunResult>(
        benchFile('render-child.ts'),
        { contender, n, reps },
        {
          capMs,
          env: { NODE_ENV: 'production' },
        },
      );
    // A second busy re-parser beside `useObject` would leave the others one core to share on this host:
    // the later contenders run once the first ones are done.
    const first = await Promise.all(CONTENDERS.filter((c) => !LATER.has(c)).map(run));
    const later = await Promise.all(CONTENDERS.filter((c) => LATER.has(c)).map(run));
    const runs = CONTENDERS.map((c) => (LATER.has(c) ? later : first).shift()!);
    const med = (k: number, f: (r: RunResult) => number) => median(runs[k]!.results.map(f));
    const floor = med(0, (r) => r.cpuMs);
    const cpus = CONTENDERS.map((_, k) => (runs[k]!.results.length ? med(k, (r) => r.cpuMs) : undefined));
    const best = Math.min(...cpus.slice(1).filter((c): c is number => c !== undefined));
    CONTENDERS.forEach((contender, k) => {
      const { results, timedOut } = runs[k]!;
      const cpu = cpus[k];
      noteSpread(spreads, contender, n, results);
      const ui = contender !== 'transport alone';
      rows.push([
        n,
        contender,
        cpu === undefined ? `> ${capMs / 1000} s` : fmtMs(cpu),
        cpu === undefined ? null : fmtRatio(cpu / floor),
        cpu === undefined || !ui ? null : fmtRatio(cpu / best),
        `${results.length}${timedOut ? ' (capped)' : ''}`,
        ...uiCells(ui ? results : [], ['firstUpdateMs', 'firstFieldMs', 'fieldMs']),
      ]);
    });
    const pk = runs[1]!.results;
    if (pk.length) {
      const worst = Math.max(
        ...pk.map((r) => r.worstAfterComplete),
        ...runs[2]!.results.map((r) => r.worstAfterComplete),
      );
      targets.push({
        name: `N=${n}: each completed card renders ≤ 2 times after completing`,
        met: worst <= 2,
        figure: `worst ${worst}`,
      });
      const ratio = cpus[1]! / floor;
      targets.push({
        name: `N=${n}: CPU with the default throttle ≤ 3× transport alone`,
        met: ratio <= 3,
        figure: `${ratio.toFixed(2)}× (${fmtMs(cpus[1]!)} / ${fmtMs(floor)})`,
      });
      // The first visible field, not the first update (often an empty `{}`): what the user sees.
      const field = med(1, (r) => r.firstFieldMs);
      targets.push({
        name: `N=${n}: first field in the DOM ≤ 2 ms after its byte (default throttle)`,
        met: field <= 2,
        figure: `${fmtMs(field)}; first update ${fmtMs(med(1, (r) => r.firstUpdateMs))}`,
      });
    }
  }
  const chromium = await chromiumTables(quick);
  return [
    {
      id: 'render',
      title: 'Render: N participant cards, OpenAI chat SSE in 4-character deltas, jsdom, production React',
      columns: [
        'N',
        'contender',
        'CPU',
        '× transport',
        '× best',
        'runs',
        'card renders',
        'worst card after complete',
        'commits',
        'longest commit',
        'first update → DOM',
        'first field → DOM',
        'field complete → DOM (median)',
      ],
      rows,
      notes: [
        '`useObject` is `@ai-sdk/react` fed the same JSON text (its text protocol) through a fetch stub; partialkit reads the SSE (`@partialkit/core/providers` imported). Longest commit: from the root render to its layout effect. Latencies: from the timer turn that sent the byte to the layout effect showing it.',
        "`TanStack AI useChat` is `@tanstack/ai-react`'s `useChat({ outputSchema })` rendering `partial.participants`, fed the same deltas as AG-UI events over SSE (recorded from `@tanstack/ai`'s `chat({ outputSchema, stream: true })` and `toServerSentEventsStream`, the run's ids filled in from the request) through `fetchServerSentEvents`' `fetchClient`; its first update counts from the first JSON delta. It runs after the other contenders of its N.",
        `Spread of CPU over the runs ((max − min) / median): ${spreads.join(', ') || 'one run each'}.`,
      ],
      targets,
    },
    ...chromium,
  ];
}

/**
 * The same contenders in Debian's Chromium (headless, Playwright), one after another (each keeps the
 * main thread busy: in a browser the stream is paced by MessageChannel turns, not by clamped timers).
 * CPU is the renderer's main-thread task time. Skipped, with a note, where Chromium is not installed.
 */
async function chromiumTables(quick: boolean): Promise<Table[]> {
  if (!existsSync(chromiumLaunchOptions.executablePath)) return [];
  const sizes = quick ? [100] : [100, 300, 1000];
  const reps = quick ? 1 : 3;
  const rows: Cell[][] = [];
  const targets: Target[] = [];
  const spreads: string[] = [];
  for (const n of sizes) {
    const capMs = quick ? 60_000 : Math.max(120_000, n * 200);
    const runs: Array<{ results: RunResult[]; timedOut: boolean }> = [];
    for (const contender of CONTENDERS) {
      runs.push(
        await runChild<RunResult>(benchFile('render-chromium-child.ts'), { contender, n, reps }, { capMs }),
      );
    }
    const med = (k: number, f: (r: RunResult) => number) => median(runs[k]!.results.map(f));
    const floor = med(0, (r) => r.cpuMs);
    CONTENDERS.forEach((contender, k) => {
      const { results, timedOut } = runs[k]!;
      const ok = results.length > 0;
      noteSpread(spreads, contender, n, results);
      rows.push([
        n,
        contender,
        ok ? fmtMs(med(k, (r) => r.cpuMs)) : `> ${capMs / 1000} s`,
        ok ? fmtRatio(med(k, (r) => r.cpuMs) / floor) : null,
        `${results.length}${timedOut ? ' (capped)' : ''}`,
        ...uiCells(contender === 'transport alone' ? [] : results, ['firstUpdateMs', 'fieldMs']),
      ]);
    });
    if (runs[1]!.results.length) {
      const worst = Math.max(...runs[1]!.results.map((r) => r.worstAfterComplete));
      targets.push({
        name: `Chromium N=${n}: each completed card renders ≤ 2 times after completing`,
        met: worst <= 2,
        figure: `worst ${worst}`,
      });
    }
  }
  return [
    {
      id: 'render-chromium',
      title: 'Render in Chromium: the same streams and cards, headless Debian Chromium, production React',
      columns: [
        'N',
        'contender',
        'main-thread CPU',
        '× transport',
        'runs',
        'card renders',
        'worst card after complete',
        'commits',
        'longest commit',
        'first update → DOM',
        'field complete → DOM (median)',
      ],
      rows,
      notes: [
        'Events are paced by MessageChannel turns (timers are clamped to 4 ms in a browser), so the stream arrives as fast as the page takes it and CPU ≈ wall time; CPU is CDP `TaskDuration` (script, style, layout, GC).',
        `Spread of CPU over the runs: ${spreads.join(', ') || 'one run each'}.`,
      ],
      targets,
    },
  ];
}

/** The spread of a contender's CPU over its runs, for the table's note (one run has none). */
function noteSpread(spreads: string[], contender: Contender, n: number, results: RunResult[]): void {
  if (results.length > 1)
    spreads.push(`${contender} N=${n} ±${spread(results.map((r) => r.cpuMs)).toFixed(0)} %`);
}

/**
 * A UI contender's render counts, longest commit and the given latencies (medians of its runs); dashes
 * for the transport floor and for a contender that finished no run.
 */
function uiCells(results: RunResult[], latencies: Array<keyof RunResult>): Cell[] {
  if (results.length === 0) return Array<Cell>(4 + latencies.length).fill(null);
  const m = (f: (r: RunResult) => number) => median(results.map(f));
  return [
    m((r) => r.cardRenders),
    m((r) => r.worstAfterComplete),
    m((r) => r.commits),
    fmtMs(m((r) => r.longestCommitMs)),
    ...latencies.map((key) => fmtMs(m((r) => r[key]))),
  ];
}
