/**
 * One render contender in its own process: jsdom's globals first, then production React (NODE_ENV is
 * set by the parent, so React and the hooks load their production builds). A warm-up run, then `reps`
 * runs, each reported as soon as it ends (so a cap that stops the process keeps the runs done).
 */
import { JSDOM } from 'jsdom';
import { childInput, reply } from './lib/child.ts';

const { contender, n, reps } = childInput<{ contender: string; n: number; reps: number }>();
const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/' });
const g = globalThis as Record<string, unknown>;
for (const key of [
  'window',
  'document',
  'navigator',
  'Node',
  'Element',
  'HTMLElement',
  'HTMLIFrameElement',
  'MutationObserver',
  'getComputedStyle',
]) {
  g[key] = key === 'window' ? dom.window : (dom.window as unknown as Record<string, unknown>)[key];
}
if (process.env.NODE_ENV !== 'production') throw new Error('render-child: run with NODE_ENV=production');
const { runOnce } = await import('./render-app.tsx');
type C = Parameters<typeof runOnce>[0];
await runOnce(contender as C, Math.min(n, 30));
for (let r = 0; r < reps; r++) await reply(await runOnce(contender as C, n));
process.exit(0);
