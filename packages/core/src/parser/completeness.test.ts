import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialObjectStore } from '../stream/partial-object-store.ts';
import { isCompleteItem, isCompleteNode } from './completeness.ts';
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

  it('a node not there yet is not complete (`Object.isFrozen(undefined)` is true)', () => {
    const parser = createPartialParser({ schema: Records });
    parser.write('{"records": [{"id": 1}');
    const snapshot = parser.value as { records: Array<{ id: number } | undefined> };
    expect(isCompleteNode(snapshot.records[0])).toBe(true);
    for (const missing of [snapshot.records[1], undefined, null as unknown as object])
      expect(isCompleteNode(missing)).toBe(false);
    expect(parser.isComplete(snapshot.records[3])).toBe(false);
    const store = new PartialObjectStore({ schema: Records, fetcher: () => [] });
    expect(store.isComplete(undefined)).toBe(false);
  });
});

describe('isCompleteItem', () => {
  /** Every snapshot of `text` read one character at a time, with the list found at `at` in it. */
  function lists(text: string, at: (v: unknown) => unknown, schema?: z.ZodType) {
    const parser = schema ? createPartialParser({ schema }) : createPartialParser();
    const out: unknown[][] = [];
    for (const ch of text) {
      parser.write(ch);
      const list = parser.value === undefined ? undefined : at(parser.value);
      if (Array.isArray(list)) out.push(list);
    }
    return out;
  }

  it('an element of any snapshot is reported complete only once it has its final value, and then always', () => {
    const primitive = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 6 }),
    );
    const element = fc.oneof(
      primitive,
      fc.array(primitive, { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 3 }), primitive, { maxKeys: 2 }),
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 6 }), fc.boolean(), (items, wrapped) => {
        const final = JSON.parse(JSON.stringify(items)) as unknown[];
        const text = JSON.stringify(wrapped ? { items } : items);
        const at = wrapped ? (v: unknown) => (v as { items?: unknown }).items : (v: unknown) => v;
        const seen = new Set<number>();
        for (const list of lists(text, at)) {
          for (let i = 0; i < list.length; i++) {
            if (isCompleteItem(list, i)) {
              expect(list[i]).toStrictEqual(final[i]);
              seen.add(i);
            } else expect(seen.has(i)).toBe(false);
          }
          expect(isCompleteItem(list, list.length)).toBe(false);
          expect(isCompleteItem(list, -1)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a number, an enum or a closed string is complete as soon as it shows; an open string is not', () => {
    const Schema = z.object({
      n: z.array(z.number()),
      e: z.array(z.enum(['main', 'workshop'])),
      s: z.array(z.string()),
    });
    const p = createPartialParser({ schema: Schema });
    p.write('{"n": [1, 2');
    expect(isCompleteItem(p.value!.n!, 0)).toBe(true); // `2` is not shown until it ends
    p.write(', 3], "e": ["main", "work');
    const { n, e } = p.value!;
    expect([n!.length, isCompleteItem(n!, 2), e, isCompleteItem(e!, 0)]).toEqual([3, true, ['main'], true]);
    p.write('shop"], "s": ["a", "b');
    const s = p.value!.s!;
    expect([s, isCompleteItem(s, 0), isCompleteItem(s, 1)]).toEqual([['a', 'b'], true, false]);
    p.write('"');
    const closed = p.value!.s!;
    expect([closed === s, isCompleteItem(closed, 1), isCompleteItem(s, 1)]).toEqual([false, true, false]);
  });
});
