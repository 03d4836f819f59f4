/**
 * One render contender in Debian's Chromium (headless, through Playwright): render-app.tsx bundled
 * with production React, a warm-up run, then `reps` runs in the same page, each reported as it ends.
 * CPU = the renderer main thread's task time over the run (CDP `Performance.getMetrics`:
 * `TaskDuration`: script, style, layout, paint and GC together).
 */
import { chromiumLaunchOptions } from '@partialkit/test-utils/chromium';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { benchFile, childInput, reply } from './lib/child.ts';
import type { Contender, RunResult } from './render-app.tsx';

const { contender, n, reps } = childInput<{ contender: Contender; n: number; reps: number }>();
const bundle = await build({
  entryPoints: [benchFile('render-browser-entry.tsx')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  conditions: ['@partialkit/source'],
  define: { 'process.env.NODE_ENV': '"production"' },
  jsx: 'automatic',
  minify: true,
  write: false,
  logLevel: 'error',
});
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskMs = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration')!.value * 1000;
  };
  type Page = { runOnce: (c: Contender, n: number) => Promise<RunResult> };
  const run = (k: number) =>
    page.evaluate(([c, count]) => (globalThis as unknown as Page).runOnce(c, count), [contender, k] as const);
  await run(Math.min(n, 30));
  for (let r = 0; r < reps; r++) {
    const before = await taskMs();
    const result = await run(n);
    await reply({ ...result, cpuMs: (await taskMs()) - before });
  }
} finally {
  await browser.close();
}
process.exit(0);
