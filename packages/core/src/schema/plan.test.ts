import { chunksOf, everySplit } from '@partialkit/test-utils/harness';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import * as zm from 'zod/mini';
import { ValidationError } from '../errors.ts';
import { createPartialParser } from '../parser/create-partial-parser.ts';
import type { DeepPartial } from '../types.ts';
import { atomic, partial } from './plan.ts';

function stream<S extends z.ZodType>(schema: S, text: string, size = 1) {
  const p = createPartialParser({ schema });
  const snapshots: unknown[] = [];
  for (const c of chunksOf(text, size)) {
    p.write(c);
    snapshots.push(p.value);
  }
  return { p, snapshots, distinct: distinct(snapshots) };
}

function distinct(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (JSON.stringify(v) !== JSON.stringify(out[out.length - 1])) out.push(v);
  return out;
}

/** The value at `key` appears only complete (its raw JSON value) for every split, and end() is the oracle's. */
function expectOnlyComplete(schema: z.ZodType | zm.ZodMiniType, text: string, key: string) {
  const raw = (JSON.parse(text) as Record<string, unknown>)[key];
  const oracle = schema.parse(JSON.parse(text));
  for (const chunks of everySplit(text)) {
    const p = createPartialParser({ schema });
    for (const c of chunks) {
      p.write(c);
      const v = (p.value as Record<string, unknown> | undefined)?.[key];
      if (v !== undefined) expect(v, JSON.stringify(chunks)).toEqual(raw);
    }
    expect(p.end(), JSON.stringify(chunks)).toEqual(oracle);
  }
}

describe('schema rules while streaming', () => {
  it('streams strings; enums, literals, numbers and booleans appear only complete', () => {
    const S = z.object({
      status: z.enum(['active', 'archived']),
      v: z.literal('v1'),
      n: z.number(),
      ok: z.boolean(),
      note: z.string(),
    });
    const { distinct: seen } = stream(S, '{"status":"active","v":"v1","n":50000,"ok":true,"note":"hey"}');
    expect(seen).toEqual([
      {},
      { status: 'active' },
      { status: 'active', v: 'v1' },
      { status: 'active', v: 'v1', n: 50000 },
      { status: 'active', v: 'v1', n: 50000, ok: true },
      { status: 'active', v: 'v1', n: 50000, ok: true, note: '' },
      { status: 'active', v: 'v1', n: 50000, ok: true, note: 'h' },
      { status: 'active', v: 'v1', n: 50000, ok: true, note: 'he' },
      { status: 'active', v: 'v1', n: 50000, ok: true, note: 'hey' },
    ]);
  });

  it('keeps string formats (uuid, datetime, email) and dates atomic', () => {
    const S = z.object({
      id: z.uuid(),
      at: z.iso.datetime(),
      mail: z.string().email(),
      tags: z.array(z.enum(['a', 'bb'])),
    });
    const text =
      '{"id":"123e4567-e89b-12d3-a456-426614174000","at":"2024-01-01T00:00:00Z","mail":"a@b.co","tags":["bb","a"]}';
    for (const snap of stream(S, text).snapshots as Array<Record<string, unknown>>) {
      if (snap.id !== undefined) expect(snap.id).toBe('123e4567-e89b-12d3-a456-426614174000');
      if (snap.at !== undefined) expect(snap.at).toBe('2024-01-01T00:00:00Z');
      if (snap.mail !== undefined) expect(snap.mail).toBe('a@b.co');
      for (const t of (snap.tags as string[] | undefined) ?? []) expect(['a', 'bb']).toContain(t);
    }
  });

  it('z.intersection(z.string(), z.uuid()) is a uuid: shown only complete', () => {
    const parser = createPartialParser({ schema: z.object({ id: z.intersection(z.string(), z.uuid()) }) });
    parser.write('{"id": "123e4567-e89b');
    expect(parser.value).toEqual({});
  });

  it('follows optional, nullable, default, pipes, records, tuples and lazy recursion', () => {
    type Node = { label: 'x' | 'y'; children: Node[] };
    const NodeS: z.ZodType<Node> = z.lazy(() =>
      z.object({ label: z.enum(['x', 'y']), children: z.array(NodeS) }),
    );
    const S = z.object({
      a: z.enum(['one', 'two']).optional().nullable().default('one'),
      b: z.record(z.string(), z.literal('lit')),
      c: z.tuple([z.string(), z.enum(['e1', 'e2'])]),
      d: z
        .string()
        .transform((s) => s.length)
        .pipe(z.number()),
      tree: NodeS,
    });
    const text =
      '{"a":"two","b":{"k":"lit"},"c":["st","e2"],"d":"abc","tree":{"label":"y","children":[{"label":"x","children":[]}]}}';
    const { p, snapshots } = stream(S, text);
    const bad = (snapshots as Array<Record<string, unknown>>).filter((s) => {
      const j = JSON.stringify(s);
      return (
        /"(t|tw|l|li|e|st?\b.*"e\b|x\b(?!"))"/.test(j) &&
        /"a":"t"|"a":"tw"|"k":"l"|"k":"li"|"e"\]|"label":""/.test(j)
      );
    });
    expect(bad).toEqual([]);
    expect((snapshots as Array<{ c?: string[] }>).some((s) => s.c?.[0] === 's')).toBe(true); // strings in tuples stream
    expect(p.end()).toEqual({
      a: 'two',
      b: { k: 'lit' },
      c: ['st', 'e2'],
      d: 3,
      tree: { label: 'y', children: [{ label: 'x', children: [] }] },
    });
  });

  it('marks fields atomic with atomic(), partial() or .meta({ partial })', () => {
    const S = z.object({
      code: atomic(z.string()),
      point: partial(z.object({ x: z.number(), y: z.number() }), 'atomic'),
      sql: z.string().meta({ partial: 'atomic' }),
      free: z.string(),
    });
    const { distinct: seen } = stream(S, '{"code":"ab","point":{"x":1,"y":2},"sql":"q","free":"z"}');
    expect(seen).toEqual([
      {},
      { code: 'ab' },
      { code: 'ab', point: { x: 1, y: 2 } },
      { code: 'ab', point: { x: 1, y: 2 }, sql: 'q' },
      { code: 'ab', point: { x: 1, y: 2 }, sql: 'q', free: '' },
      { code: 'ab', point: { x: 1, y: 2 }, sql: 'q', free: 'z' },
    ]);
  });

  it('never shows a discriminated-union variant before its discriminator', () => {
    const Shape = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), label: z.string(), r: z.number() }),
      z.object({ kind: z.literal('rect'), label: z.string(), style: z.enum(['solid', 'dashed']) }),
    ]);
    const S = z.object({ shapes: z.array(Shape) });
    const { distinct: seen, p } = stream(
      S,
      '{"shapes":[{"label":"a","kind":"rect","style":"dashed"},{"kind":"circle","label":"b","r":2}]}',
    );
    expect(seen).toEqual([
      {},
      { shapes: [] },
      { shapes: [{ label: 'a', kind: 'rect' }] },
      { shapes: [{ label: 'a', kind: 'rect', style: 'dashed' }] },
      { shapes: [{ label: 'a', kind: 'rect', style: 'dashed' }, { kind: 'circle' }] },
      {
        shapes: [
          { label: 'a', kind: 'rect', style: 'dashed' },
          { kind: 'circle', label: '' },
        ],
      },
      {
        shapes: [
          { label: 'a', kind: 'rect', style: 'dashed' },
          { kind: 'circle', label: 'b' },
        ],
      },
      {
        shapes: [
          { label: 'a', kind: 'rect', style: 'dashed' },
          { kind: 'circle', label: 'b', r: 2 },
        ],
      },
    ]);
    expect(p.end()).toEqual({
      shapes: [
        { kind: 'rect', label: 'a', style: 'dashed' },
        { kind: 'circle', label: 'b', r: 2 },
      ],
    });
  });

  it('shows a number or boolean written as a string (coerce, preprocess, stringbool) only complete', () => {
    expectOnlyComplete(z.object({ n: z.coerce.number() }), '{"n":"1234"}', 'n');
    expectOnlyComplete(z.object({ b: z.coerce.boolean() }), '{"b":"true"}', 'b');
    expectOnlyComplete(z.object({ b: z.coerce.bigint() }), '{"b":"1234"}', 'b');
    expectOnlyComplete(z.object({ n: z.preprocess((v) => Number(v), z.number()) }), '{"n":"1234"}', 'n');
    expectOnlyComplete(z.object({ b: z.stringbool() }), '{"b":"false"}', 'b');
    expectOnlyComplete(z.object({ n: z.coerce.number().optional() }), '{"n":"12"}', 'n');
  });

  it('shows a string piped into an enum or a format only complete, as the enum or format itself', () => {
    expectOnlyComplete(z.object({ s: z.string().pipe(z.enum(['alpha', 'beta'])) }), '{"s":"alpha"}', 's');
    expectOnlyComplete(z.object({ s: z.string().trim().pipe(z.email()) }), '{"s":"ann@example.org"}', 's');
    const uuid = '{"s":"123e4567-e89b-12d3-a456-426614174000"}';
    expectOnlyComplete(z.object({ s: z.string().pipe(z.uuid()) }), uuid, 's');
    expectOnlyComplete(
      zm.object({ s: zm.pipe(zm.string(), zm.enum(['alpha', 'beta'])) }),
      '{"s":"alpha"}',
      's',
    );
  });

  it('keeps streaming a string that a union lets be a string, or that a transform turns into something else', async () => {
    const { planFor } = await import('./plan.ts');
    expect(planFor(z.union([z.string(), z.coerce.number()])).stringAtomic).toBe(false);
    expect(planFor(z.union([z.stringbool(), z.string()])).stringAtomic).toBe(false);
    expect(planFor(z.string().pipe(z.string().min(2))).stringAtomic).toBe(false);
    const length = z.string().transform((s) => s.length);
    expect(planFor(length).stringAtomic).toBe(false);
    expect(planFor(length.pipe(z.number())).stringAtomic).toBe(false);
    const { snapshots } = stream(z.object({ s: z.union([z.string(), z.coerce.number()]) }), '{"s":"abc"}');
    expect(snapshots).toContainEqual({ s: 'ab' });
  });

  it('holds an object back until required keys are present', () => {
    const S = z.object({
      rows: z.array(partial(z.object({ id: z.number(), name: z.string() }), { require: ['id'] })),
    });
    const { distinct: seen } = stream(S, '{"rows":[{"name":"n","id":7}]}');
    expect(seen).toEqual([{}, { rows: [] }, { rows: [{ name: 'n', id: 7 }] }]);
  });
});

describe('snapshots with held-back and atomic parts', () => {
  it('a read equals a fresh parser fed the same text at once, for every chunk size and read spacing', () => {
    // Held-back objects and atomic values show nothing while open: the read path must neither keep
    // an old view once they appear nor rebuild what they did not change.
    const Shape = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), label: z.string(), r: z.number() }),
      z.object({ kind: z.literal('rect'), label: z.string(), style: z.enum(['solid', 'dashed']) }),
    ]);
    const S = z.object({
      title: z.string(),
      code: atomic(z.string()),
      shapes: z.array(Shape),
      rows: z.array(partial(z.object({ id: z.number(), name: z.string() }), { require: ['id'] })),
      point: partial(z.object({ x: z.number(), y: z.number() }), 'atomic'),
    });
    const text = JSON.stringify(
      {
        title: 'shapes and rows',
        code: 'X-1',
        shapes: [
          { label: 'first', kind: 'rect', style: 'dashed' },
          { kind: 'circle', label: 'second', r: 2 },
        ],
        rows: [
          { name: 'held', id: 7 },
          { id: 8, name: 'shown' },
        ],
        point: { x: 1, y: 2 },
      },
      null,
      1,
    );
    let reads = 0;
    for (const size of [1, 2, 3, 5, 8]) {
      for (const every of [1, 2, 3, 7]) {
        const p = createPartialParser({ schema: S });
        const chunks = chunksOf(text, size);
        chunks.forEach((chunk, i) => {
          p.write(chunk);
          if ((i + 1) % every !== 0) return;
          const fresh = createPartialParser({ schema: S });
          fresh.write(chunks.slice(0, i + 1).join(''));
          expect(p.value).toEqual(fresh.value);
          reads++;
        });
        expect(p.end()).toEqual(JSON.parse(text));
      }
    }
    expect(reads).toBeGreaterThan(500);
  });
});

describe('validation of closed subtrees and of the result', () => {
  const Item = z.object({
    name: z.string().min(2),
    qty: z
      .number()
      .int()
      .transform((n) => n * 10),
  });
  const S = z.object({ items: z.array(Item), total: z.number() });

  it('validates each element as soon as it closes, never the open part', () => {
    const p = createPartialParser({ schema: S });
    p.write('{"items":[{"name":"a","qty":1}');
    expect(p.issues).toEqual([expect.objectContaining({ path: ['items', 0, 'name'], code: 'too_small' })]);
    p.write(',{"name":"b","qty":2.5');
    expect(p.issues.map((i) => i.path)).toEqual([['items', 0, 'name']]);
    p.write('},{"name":"okay","qty":3}');
    expect(p.issues.map((i) => i.path)).toEqual([
      ['items', 0, 'name'],
      ['items', 1, 'name'],
      ['items', 1, 'qty'],
    ]);
    const third = (p.value as { items: object[] }).items[2]!;
    expect(p.outputOf(third)).toEqual({ name: 'okay', qty: 30 });
    p.write('], "total": 3}');
    let error: unknown;
    try {
      p.end();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      ['items', 0, 'name'],
      ['items', 1, 'name'],
      ['items', 1, 'qty'],
    ]);
    expect((error as ValidationError).value).toEqual(p.value);
    expect(p.value).toEqual({
      items: [
        { name: 'a', qty: 1 },
        { name: 'b', qty: 2.5 },
        { name: 'okay', qty: 3 },
      ],
      total: 3,
    });
  });

  it("drops a subtree's issues when its parent's result replaces them, and a repeated key's before it", () => {
    const Name = z.object({ n: z.string().min(2) });
    // `b`'s preprocess mends its input: `inner` fails alone, and passes once `b` has closed.
    const mend = (v: unknown) => ({ ...(v as object), inner: { n: 'zz' } });
    const p = createPartialParser({
      schema: z.object({ a: Name, b: z.preprocess(mend, z.object({ inner: Name })) }),
    });
    p.write('{"a":{"n":"x"}');
    expect(p.issues.map((i) => i.path)).toEqual([['a', 'n']]);
    const version = p.issuesVersion;
    expect(p.issues).toBe(p.issues); // the same list until it changes
    p.write(',"a":{"n":"okay"}');
    expect(p.issues).toEqual([]); // the later value of `a` passes: its first value's issue goes
    expect(p.issuesVersion).toBeGreaterThan(version);
    p.write(',"a":{"n":"y"}');
    expect(p.issues.map((i) => i.path)).toEqual([['a', 'n']]); // one entry per path, not two
    p.write(',"b":{"inner":{"n":"q"}');
    expect(p.issues.map((i) => i.path)).toEqual([
      ['a', 'n'],
      ['b', 'inner', 'n'],
    ]);
    p.write('}'); // `b` passes through its preprocess: what its descendants recorded goes
    expect(p.issues.map((i) => i.path)).toEqual([['a', 'n']]);
  });

  it('reports no issue inside a .catch(), which takes whatever fails there, at any point of the stream', () => {
    const S = z.object({
      o: z.object({ inner: z.object({ n: z.number() }) }).catch({ inner: { n: 0 } }),
      list: z.array(z.number()).optional().catch([]),
      tail: z.string(),
    });
    const text = '{"o":{"inner":{"n":"x"},"more":"long text"},"list":[1,"2",3],"tail":"t"}';
    for (const chunks of everySplit(text)) {
      const p = createPartialParser({ schema: S });
      for (const c of chunks) {
        p.write(c);
        expect(p.issues, JSON.stringify(chunks)).toEqual([]);
      }
      expect(p.end()).toEqual(S.parse(JSON.parse(text)));
    }
    // Outside the catch, issues are reported as before; a refinement on the catch itself can fail.
    const Inner = z.object({ inner: z.object({ n: z.number() }) });
    const Refined = z.object({ o: Inner.catch({ inner: { n: 0 } }).refine(() => false) });
    const p = createPartialParser({ schema: Refined });
    p.write('{"o":{"inner":{"n":"x"}');
    expect(p.issues.map((i) => i.path)).toEqual([['o', 'inner', 'n']]);
    p.write('}');
    expect(p.issues.map((i) => [i.path, i.code])).toEqual([[['o'], 'custom']]);
  });

  it('issuesVersion changes only when the list does (a passing repeated key after a passing one)', () => {
    const Name = z.object({ n: z.string().min(2) });
    const p = createPartialParser({ schema: z.object({ a: Name, o: z.object({ a: Name }) }) });
    p.write('{"a":{"n":"x"},"a":{"n":"okay"}');
    const list = p.issues;
    const version = p.issuesVersion;
    expect(list).toEqual([]);
    p.write(',"a":{"n":"fine"}'); // the emptied entry of `a` counts as none
    p.write(',"o":{"a":{"n":"good"},"a":{"n":"fine"}}'); // nothing failed inside `o`
    expect(p.issues).toBe(list);
    expect(p.issuesVersion).toBe(version);
  });

  it("keeps every invalid item's issues, in order, under any chunking (property)", () => {
    const Item = z.object({ id: z.number().int(), tag: z.enum(['x', 'y']) });
    const Doc = z.object({ items: z.array(Item) });
    const item = fc.record({
      id: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
      tag: fc.constantFrom('x', 'y', 'z'),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (items, size) => {
        const text = JSON.stringify({ items });
        const p = createPartialParser({ schema: Doc });
        const end = text.length - 2; // up to the last item's '}': the list and the root stay open
        for (let i = 0; i < end; i += size) p.write(text.slice(i, Math.min(i + size, end)));
        // Each item's own issues, in order.
        const expected = items.flatMap((value, index) => {
          const r = Item.safeParse(value);
          return r.success ? [] : r.error.issues.map((issue) => ['items', index, ...issue.path]);
        });
        expect(p.issues.map((i) => i.path)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('returns z.output from end() and types the snapshot as DeepPartial<z.input>', () => {
    const p = createPartialParser({ schema: S });
    p.write('{"items":[{"name":"ab","qty":2}],"total":1}');
    const value = p.value;
    expectTypeOf(value).toEqualTypeOf<DeepPartial<z.input<typeof S>> | undefined>();
    const out = p.end();
    expectTypeOf(out).toEqualTypeOf<z.output<typeof S>>();
    expect(out).toEqual({ items: [{ name: 'ab', qty: 20 }], total: 1 });
    expect(p.issues).toEqual([]);
  });
});

describe('plan', () => {
  it('streams strings whose checks a prefix can satisfy, and caches plans', async () => {
    const { planFor } = await import('./plan.ts');
    expect(planFor(z.string().min(3).regex(/a/).startsWith('x')).stringAtomic).toBe(false);
    expect(planFor(z.url()).stringAtomic).toBe(true);
    expect(planFor(z.union([z.string(), z.enum(['a'])])).stringAtomic).toBe(false);
    expect(planFor(z.union([z.literal('b'), z.enum(['a'])])).stringAtomic).toBe(true);
    const S = z.object({ a: z.string() });
    expect(planFor(S)).toBe(planFor(S));
    expect(planFor(S).child('a')).toBe(planFor(S).child('a'));
    expect(planFor(S).child('zzz')).toBeUndefined();
  });

  it('validates a copy only where the schema hands the value itself to user code', async () => {
    const { planFor } = await import('./plan.ts');
    const fill = (v: unknown) => v;
    // zod copies every object and array it checks: a transform after them sees zod's copy.
    expect(planFor(z.object({ a: z.string(), b: z.array(z.number()) })).validatesCopy).toBe(false);
    expect(planFor(z.object({ a: z.string() }).transform(fill)).validatesCopy).toBe(false);
    expect(planFor(z.looseObject({ a: z.string() })).validatesCopy).toBe(false);
    expect(planFor(z.any()).validatesCopy).toBe(false);
    expect(
      planFor(z.codec(z.iso.datetime(), z.date(), { decode: (s) => new Date(s), encode: String }))
        .validatesCopy,
    ).toBe(false);
    // A preprocess or a bare transform gets the JSON; any / unknown / custom pass it on down a pipe.
    expect(planFor(z.preprocess(fill, z.object({}))).validatesCopy).toBe(true);
    expect(planFor(zm.transform(fill)).validatesCopy).toBe(true);
    expect(planFor(z.any().transform(fill)).validatesCopy).toBe(true);
    expect(planFor(z.object({ a: z.unknown() }).transform(fill)).validatesCopy).toBe(true);
    expect(planFor(z.looseObject({}).transform(fill)).validatesCopy).toBe(true);
    // ...and so does every position that holds one.
    const Doc = z.object({ items: z.array(z.preprocess(fill, z.object({}))), title: z.string() });
    expect([planFor(Doc).validatesCopy, planFor(Doc).child('items')?.validatesCopy]).toEqual([true, true]);
    expect(planFor(Doc).child('title')?.validatesCopy).toBe(false);
  });

  it('a string is atomic where one side of an intersection is, in a union where every string option is', async () => {
    const { planFor } = await import('./plan.ts');
    expect(planFor(z.intersection(z.string(), z.uuid())).stringAtomic).toBe(true);
    expect(planFor(z.intersection(z.union([z.string(), z.uuid()]), z.uuid())).stringAtomic).toBe(true);
    expect(planFor(z.union([z.string(), z.intersection(z.string(), z.uuid())])).stringAtomic).toBe(false);
  });

  it('applies a mark on one union option to that option only, and merges keys several options give', async () => {
    const { planFor } = await import('./plan.ts');
    const Link = atomic(z.object({ url: z.url() }));
    const either = planFor(z.union([z.string(), Link]));
    expect([either.atomic, either.stringAtomic]).toEqual([true, false]);
    const text = planFor(z.union([atomic(z.string()), z.object({ a: z.string() })]));
    expect([text.atomic, text.stringAtomic]).toEqual([false, true]);
    const Shape = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('a'), id: z.string() }),
      z.object({ kind: z.literal('b'), id: z.uuid() }),
    ]);
    expect(planFor(Shape).require).toEqual(['kind']);
    expect(planFor(z.union([Shape, z.object({ error: z.string() })])).require).toEqual([]);
    expect(planFor(z.object({ t: z.string() }).and(Shape)).require).toEqual(['kind']);
    // Before the discriminator: `id` streams only if every option lets it; after it, the variant's.
    expect(planFor(Shape).child('id')?.stringAtomic).toBe(true);
    expect(planFor(Shape).variant('a')?.child('id')?.stringAtomic).toBe(false);
    expect(planFor(Shape).variant('b')?.child('id')?.stringAtomic).toBe(true);
    // A variant keeps the parts outside the union.
    const Both = z.object({ status: z.enum(['on', 'off']) }).and(Shape);
    expect(planFor(Both).variant('a')?.child('status')?.stringAtomic).toBe(true);
    expect(planFor(Both).variant('a')).toBe(planFor(Both).variant('a'));
  });
});
