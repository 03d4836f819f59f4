import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { createPartialParser } from '../parser/create-partial-parser.ts';
import { composeArray, composeObject, composerOf, UNKNOWN } from './compose.ts';

/** A random schema with an arbitrary of values that mostly fit it (and sometimes do not). */
interface Case {
  schema: z.ZodType;
  value: fc.Arbitrary<unknown>;
}

const anyJson = fc.jsonValue({ maxDepth: 2 });
const sometimesWrong = (fit: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 6, arbitrary: fit }, { weight: 1, arbitrary: anyJson });

const leaves: fc.Arbitrary<Case>[] = [
  fc.constant({ schema: z.string(), value: fc.string({ maxLength: 4 }) }),
  fc.constant({ schema: z.number(), value: fc.integer() }),
  fc.constant({ schema: z.boolean(), value: fc.boolean() }),
  fc.constant({ schema: z.null(), value: fc.constant(null) }),
  fc.constant({ schema: z.number().min(0), value: fc.integer({ min: -3, max: 9 }) }),
  fc.constant({ schema: z.string().transform((s) => s.length), value: fc.string({ maxLength: 4 }) }),
  fc.constant({ schema: z.enum(['a', 'b']), value: fc.constantFrom('a', 'b', 'c') }),
  fc.constant({ schema: z.literal('x'), value: fc.constantFrom('x', 'y') }),
  fc.constant({ schema: z.string().nullable(), value: fc.option(fc.string({ maxLength: 3 })) }),
  fc.constant({ schema: z.number().catch(-1), value: fc.oneof(fc.integer(), fc.string()) }),
  fc.constant({ schema: z.unknown(), value: anyJson }),
];

const own = (o: object, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

const KEYS = ['a', 'b', 'c', 'toString', '__proto__'];

const cases: fc.Arbitrary<Case> = fc.letrec<{ node: Case }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    ...leaves,
    tie('node').map((c) => ({ schema: z.array(c.schema), value: fc.array(c.value, { maxLength: 4 }) })),
    tie('node').map((c) => ({
      schema: z.array(c.schema).min(1),
      value: fc.array(c.value, { maxLength: 3 }),
    })),
    tie('node').map((c) => ({ schema: c.schema.optional(), value: c.value })),
    tie('node').map((c) => ({ schema: c.schema.default(() => 'dflt' as never), value: c.value })),
    fc
      .tuple(
        fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 4 }),
        fc.array(tie('node'), { minLength: 4, maxLength: 4 }),
        fc.constantFrom('strip', 'strict', 'loose', 'refine', 'optional'),
      )
      .map(([keys, members, mode]) => {
        const shape: Record<string, z.ZodType> = {};
        const values: Record<string, fc.Arbitrary<unknown>> = {};
        keys.forEach((k, i) => {
          const m = members[i]!;
          // Defined, not assigned: `__proto__` is then an own key, as JSON.parse makes it.
          own(shape, k, mode === 'optional' ? m.schema.optional() : m.schema);
          own(values, k, m.value);
        });
        const base = z.object(shape);
        const schema =
          mode === 'strict'
            ? base.strict()
            : mode === 'loose'
              ? base.loose()
              : mode === 'refine'
                ? base.refine((o) => Object.keys(o).length !== 2)
                : base;
        // Keys may be missing or extra: required-key, stripping and optional-key rules all come up.
        const value = fc
          .tuple(fc.record(values, { requiredKeys: [] }), fc.boolean())
          .map(([o, extra]) => JSON.parse(JSON.stringify(extra ? { ...o, zz: 1 } : o)) as unknown);
        return { schema, value };
      }),
    // Unions of leaves and plain arrays: a union around a discriminated union is validated by the chosen
    // variant while it streams, whose issues are not zod's `invalid_union` (so before composing, too).
    fc
      .tuple(
        fc.oneof(...leaves),
        tie('node').map((c) => ({ schema: z.array(c.schema), value: fc.array(c.value, { maxLength: 3 }) })),
      )
      .map(([x, y]) => ({ schema: z.union([x.schema, y.schema]), value: fc.oneof(x.value, y.value) })),
    // A discriminated union: the parser switches to the variant's plan once the discriminator is read.
    fc.tuple(tie('node'), tie('node')).map(([x, y]) => ({
      schema: z.discriminatedUnion('k', [
        z.object({ k: z.literal('x'), v: x.schema }),
        z.object({ k: z.literal('y'), v: y.schema }),
      ]),
      value: fc.oneof(
        x.value.map((v) => ({ k: 'x', v })),
        y.value.map((v) => ({ v, k: 'y' })),
        x.value.map((v) => ({ k: 'y', v })),
      ),
    })),
  ),
})).node;

const withValue = cases.chain((c) => fc.tuple(fc.constant(c.schema), sometimesWrong(c.value)));

/** Cut `text` at random points. */
const chunked = (text: string, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
};

/** Each plain array/object node of `raw` reached through plain schemas, with the schema zod runs on it. */
function* plainNodes(schema: z.ZodType, raw: unknown): Generator<[z.ZodType, object]> {
  if (raw === null || typeof raw !== 'object') return;
  const c = composerOf(schema as never);
  if (!c) return;
  if (c.kind === 'array' && Array.isArray(raw)) {
    yield [schema, raw];
    for (const item of raw) yield* plainNodes(c.element as never, item);
  } else if (c.kind === 'object' && !Array.isArray(raw)) {
    yield [schema, raw];
    for (const key of c.keys)
      if (Object.hasOwn(raw, key))
        yield* plainNodes(c.shape[key] as never, (raw as Record<string, unknown>)[key]);
  }
}

const issueView = (issues: readonly { path: readonly PropertyKey[]; message: string; code: string }[]) =>
  issues.map((i) => ({ path: [...i.path], message: i.message, code: i.code }));

describe('composing results of plain arrays and objects', () => {
  it('composes exactly what zod returns for the whole value, or declines', () => {
    fc.assert(
      fc.property(withValue, fc.array(fc.boolean(), { maxLength: 6 }), ([schema, value], knownMask) => {
        const c = composerOf(schema as never);
        if (!c) return;
        const whole = z.safeParse(schema, value);
        let composed: ReturnType<typeof composeArray>;
        if (c.kind === 'array') {
          if (!Array.isArray(value)) return;
          // Some element outputs known (those that pass), the rest validated by the composer.
          const outputs = value.map((v, i) => {
            const r = z.safeParse(c.element, v);
            return knownMask[i] && r.success ? r.data : UNKNOWN;
          });
          composed = composeArray(c, value, outputs);
          // An array fails exactly when an element does: declining means zod fails.
          if (composed === undefined) expect(whole.success).toBe(false);
        } else {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
          const known: unknown[] = [];
          c.keys.forEach((key, i) => {
            if (!knownMask[i] || !Object.hasOwn(value, key)) return;
            const r = z.safeParse(c.shape[key]!, (value as Record<string, unknown>)[key]);
            if (r.success) known.push(key, r.data);
          });
          composed = composeObject(c, value as Record<string, unknown>, known);
        }
        if (composed !== undefined) {
          expect(whole.success).toBe(true);
          expect(composed).toStrictEqual(whole);
          expect(Object.keys(composed.data as object)).toEqual(Object.keys(whole.data as object));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a repeated key (the discriminator too) leaves the result to zod', () => {
    const Item = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('a'), n: z.array(z.number()) }),
      z.object({ kind: z.literal('b'), n: z.array(z.string()) }),
    ]);
    const Doc = z.object({ items: z.array(Item), tags: z.array(z.string()) });
    for (const text of [
      '{"items":[{"kind":"a","kind":"b","n":["x"]}],"tags":[]}',
      '{"items":[{"kind":"a","n":[1],"n":["x"]}],"tags":[]}',
      '{"items":[{"kind":"b","n":["x"]}],"tags":["t"],"tags":[1]}',
      '{"items":[],"tags":[1],"tags":["t"]}',
    ]) {
      const p = createPartialParser({ schema: Doc });
      p.write(text);
      const whole = z.safeParse(Doc, JSON.parse(text));
      if (whole.success) expect(p.end()).toStrictEqual(whole.data);
      else {
        expect(() => p.end()).toThrow(ValidationError);
        expect(issueView(p.issues)).toEqual(issueView(whole.error.issues));
      }
    }
  });

  it('gives no composer to schemas with checks, catchall, refinements, unions or wrappers', () => {
    const item = z.object({ a: z.number() });
    expect(composerOf(z.array(item) as never)?.kind).toBe('array');
    expect(composerOf(item as never)?.kind).toBe('object');
    for (const s of [
      z.array(item).min(1),
      z.array(item).refine(() => true),
      item.strict(),
      item.loose(),
      item.catchall(z.string()),
      item.refine(() => true),
      item.optional(),
      item.transform((o) => o),
      z.union([item, z.string()]),
      z.tuple([z.string()]),
      z.record(z.string(), z.number()),
    ]) {
      expect(composerOf(s as never)).toBeUndefined();
    }
  });

  it('the parser ends with zod’s own result, issues and outputs for every chunking', () => {
    fc.assert(
      fc.property(withValue, fc.array(fc.nat(), { maxLength: 8 }), ([schema, value], cuts) => {
        const text = JSON.stringify(value);
        if (text === undefined) return;
        const raw: unknown = JSON.parse(text);
        const whole = z.safeParse(schema, raw);
        const p = createPartialParser({ schema });
        for (const chunk of chunked(text, cuts)) p.write(chunk);
        let final: unknown;
        let error: unknown;
        try {
          final = p.end();
        } catch (e) {
          error = e;
        }
        if (whole.success) {
          expect(error).toBeUndefined();
          expect(final).toStrictEqual(whole.data);
        } else {
          expect(error).toBeInstanceOf(ValidationError);
          expect(issueView(p.issues)).toEqual(issueView(whole.error.issues));
        }
        // Every plain node that passes its schema has zod's output for it.
        const tree = p.value;
        for (const [s, node] of plainNodes(schema, tree)) {
          const r = z.safeParse(s, node);
          if (r.success) expect(p.outputOf(node)).toStrictEqual(r.data);
          else expect(p.outputOf(node)).toBeUndefined();
        }
      }),
      { numRuns: 1500 },
    );
  });
});
