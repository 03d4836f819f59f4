/**
 * The render contenders in Chromium: render-app.tsx bundled for the page, paced by a MessageChannel
 * turn (a chain of `setTimeout(0)` is clamped to 4 ms in browsers, which would pace, not measure).
 * CPU is the renderer's main-thread task time, read over CDP by render-chromium-child.ts.
 */
import { runOnce, setHost } from './render-app.tsx';

const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();
setHost({
  tick: () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    }),
  cpuMs: () => 0,
});
(globalThis as { runOnce?: typeof runOnce }).runOnce = runOnce;
