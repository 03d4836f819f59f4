import { decode, ItemStage } from '@partialkit/core';
import * as z from 'zod';

const Item = z.object({ id: z.number(), name: z.string(), tags: z.array(z.string()) });
const N = 100_000;
const els = Array.from({ length: N }, (_, i) => `{"id":${i},"name":"item ${i}","tags":["a","b${i % 10}"]}`);
const text = `[${els.join(',')}]`;
const chunks: string[] = [];
for (let i = 0; i < text.length; i += 4) chunks.push(text.slice(i, i + 4));
for (let r = 0; r < 2; r++) {
  let t = performance.now();
  let n = 0;
  for await (const _ of decode(chunks)) n++;
  const dec = performance.now() - t;
  t = performance.now();
  const stage = new ItemStage(Item, { shape: 'array' });
  for (const c of chunks) {
    stage.apply({ type: 'text', text: c });
    stage.closed.length = 0;
  }
  stage.finish();
  const st = performance.now() - t;
  t = performance.now();
  const stage2 = new ItemStage(z.unknown(), { shape: 'array' });
  for (const c of chunks) {
    stage2.apply({ type: 'text', text: c });
    stage2.closed.length = 0;
  }
  const st2 = performance.now() - t;
  console.log('decode', dec.toFixed(0), 'stage', st.toFixed(0), 'stage(no schema)', st2.toFixed(0));
}
