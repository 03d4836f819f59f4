/**
 * Measures what `streamItems` keeps while a long list streams; run in a child process by
 * stream-items.heap.test.ts: `node --expose-gc --import tsx --conditions=@partialkit/source
 * stream-items-heap-probe.ts <array|lines> <count> <drop|keep>`. Prints one JSON line: the heap after a
 * full collection early in the list and at its last element, and how many of the yielded items (one in
 * 100, watched through WeakRefs) are still alive there.
 */
import * as z from 'zod';
import { streamItems } from '../src/pipeline/stream-items.ts';

const Item = z.object({ id: z.number(), name: z.string(), tags: z.array(z.string()) });
const [shape = 'array', countText = '100000', mode = 'drop'] = process.argv.slice(2);
const count = Number(countText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** The list's text in 16-character chunks, made as it is read: the whole text never exists. */
function* source(): Generator<string> {
  let pending = shape === 'array' ? '[' : '';
  for (let i = 0; i < count; i++) {
    const element = `{"id":${i},"name":"item ${i}","tags":["a","b${i % 10}"]}`;
    pending += shape === 'array' ? `${i ? ',' : ''}${element}` : `${element}\n`;
    while (pending.length >= 16) {
      yield pending.slice(0, 16);
      pending = pending.slice(16);
    }
  }
  yield shape === 'array' ? `${pending}]` : pending;
}

/**
 * Full collections after the current job, so WeakRef targets are no longer held for it. Two: a `gc()` that
 * lands in a marking cycle V8 had already begun finishes that cycle, and objects allocated during it
 * (black-allocated) survive it however unreachable; the second one collects them.
 */
async function heapAfterGc(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const kept: unknown[] = [];
const watched: Array<WeakRef<object>> = [];
let index = 0;
let early = 0;
let late = 0;
let alive = 0;
for await (const item of streamItems(Item, source(), { shape: shape === 'lines' ? 'lines' : 'array' })) {
  if (mode === 'keep') kept.push(item);
  if (index === 1000) early = await heapAfterGc();
  // Watched from after that first pause: the item at which the probe itself stopped for a collection is
  // sometimes still held by V8's async machinery for that await (the probe's doing, not the stream's).
  if (index > 1000 && index % 100 === 0) watched.push(new WeakRef(item));
  if (index === count - 1) {
    late = await heapAfterGc();
    // A plain loop: an arrow reading `item` would put the loop's bindings in a closure context, which
    // can keep an earlier iteration's item reachable (the probe's doing, not the stream's).
    for (const ref of watched) {
      const target = ref.deref();
      if (target !== undefined && target !== item) alive++;
    }
  }
  index++;
}
console.log(JSON.stringify({ count: index, early, late, alive, watched: watched.length, kept: kept.length }));
