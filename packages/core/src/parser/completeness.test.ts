import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { isCompleteNode } from './completeness.ts';
import { createPartialParser } from './create-partial-parser.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const Records = z.object({ records: z.array(z.object({ id: z.number(), tags: z.array(z.string()) })) });

/** A validated output of `count` records (zod's output: a fresh tree the parser did not freeze). */
function output(count: number): z.output<typeof Records> {
  const p = createPartialParser({ schema: Records });
  p.write(JSON.stringify({ records: Array.from({ length: count }, (_, id) => ({ id, tags: ['t'] })) }));
  const out = p.end();
  expect(Object.isFrozen(out.records)).toBe(false);
  return out;
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('isCompleteNode on validated outputs', () => {
  it.each([1, 20])(
    'a part of an output stays complete once the output is collected (%i outputs)',
    async (count) => {
      // The app keeps a list (or an item) of the final value, not the value itself: a list component
      // asks about it at every render.
      const kept = Array.from({ length: count }, () => {
        const out = output(500);
        return [out.records, out.records[3]!, out.records[3]!.tags] as object[];
      });
      await macrotask(); // past the job: nothing holds the roots any more
      gc();
      await macrotask();
      for (const nodes of kept) for (const node of nodes) expect(isCompleteNode(node)).toBe(true);
    },
  );

  it('shared subtrees and cycles from a transform are marked throughout, small or large', () => {
    const shared = { tags: ['s'] };
    const Cyclic = z.object({ n: z.number() }).transform(({ n }) => {
      const root: Record<string, unknown> = { items: Array.from({ length: n }, () => ({ shared })) };
      root.self = root;
      return root;
    });
    for (const n of [2, 300]) {
      const p = createPartialParser({ schema: Cyclic });
      p.write(JSON.stringify({ n }));
      const out = p.end() as { items: { shared: typeof shared }[]; self: object };
      for (const node of [out, out.self, out.items, out.items.at(-1)!, shared, shared.tags]) {
        expect(isCompleteNode(node)).toBe(true);
      }
    }
    const open = createPartialParser({ schema: Records });
    open.write('{"records": [{"id": 1, "tags": [');
    const snapshot = open.value as { records: { tags: object }[] };
    expect(isCompleteNode(snapshot)).toBe(false);
    expect(isCompleteNode(snapshot.records)).toBe(false);
    expect(isCompleteNode(snapshot.records[0]!.tags)).toBe(false);
  });
});
