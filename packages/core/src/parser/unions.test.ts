import { chunksOf } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { streamItems } from '../pipeline/stream-items.ts';
import { atomic, partial } from '../schema/plan.ts';
import { createPartialParser } from './create-partial-parser.ts';

/**
 * The snapshot at every cut of `text` (a parser given the prefix in one piece), in order without
 * repeats. Every chunking by 1, 2, 3 and 5 units, read after each chunk, must see exactly the snapshot
 * of its cut, and end with `final` (with `issues` after `end()`).
 */
function seen(schema: z.ZodType, text: string, final: unknown, issues: unknown[] = []): unknown[] {
  const atCut: unknown[] = [];
  for (let i = 0; i <= text.length; i++) {
    const p = createPartialParser({ schema });
    p.write(text.slice(0, i));
    atCut.push(p.value);
  }
  for (const size of [1, 2, 3, 5]) {
    const p = createPartialParser({ schema });
    let at = 0;
    for (const chunk of chunksOf(text, size)) {
      p.write(chunk);
      at += chunk.length;
      expect(p.value, `chunks of ${size}, at ${at}`).toEqual(atCut[at]);
    }
    expect(p.end()).toEqual(final);
    expect(p.issues).toEqual(issues);
  }
  const out: unknown[] = [];
  for (const v of atCut) {
    if (out.length === 0 || JSON.stringify(v) !== JSON.stringify(out[out.length - 1])) out.push(v);
  }
  return out;
}

/** The issues (path and code) recorded after writing `text` (not ended). */
function issuesAfter(schema: z.ZodType, text: string) {
  const p = createPartialParser({ schema });
  p.write(text);
  return { p, issues: p.issues.map((i) => [i.path, i.code]) };
}

const Shape = () =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('circle'), label: z.string(), r: z.number() }),
    z.object({ kind: z.literal('rect'), label: z.string(), style: z.enum(['solid', 'dashed']) }),
  ]);

describe('a discriminated union is validated against the whole schema, not its variant', () => {
  const text = '{"kind":"circle","label":"a","r":1}';
  const value = { kind: 'circle', label: 'a', r: 1 };

  it('applies a transform, refinement, catch, pipe or preprocess around the root union', () => {
    const run = (schema: z.ZodType) => {
      const p = createPartialParser({ schema });
      p.write(text);
      return p;
    };
    expect(run(Shape().transform((s) => ({ wrapped: s }))).end()).toEqual({ wrapped: value });
    expect(run(z.preprocess((v) => ({ ...(v as object), r: 2 }), Shape())).end()).toEqual({ ...value, r: 2 });
    expect(run(Shape().pipe(z.transform((s) => s.kind))).end()).toBe('circle');
    const refused = run(Shape().refine((s) => s.kind === 'rect', 'no circles'));
    expect(() => refused.end()).toThrow('no circles');
    expect(refused.issues.map((i) => [i.path, i.code, i.message])).toEqual([[[], 'custom', 'no circles']]);
    const caught = createPartialParser({
      schema: Shape().catch({ kind: 'rect', label: '?', style: 'solid' }),
    });
    caught.write('{"kind":"circle","label":"a","r":"one"}');
    expect(caught.end()).toEqual({ kind: 'rect', label: '?', style: 'solid' });
    expect(caught.issues).toEqual([]);
  });

  it('keeps the keys and defaults of an intersection, and their streaming rules', () => {
    const S = z
      .object({ id: z.string().default('x'), status: z.enum(['active', 'archived']).default('active') })
      .and(Shape());
    // Held back for the discriminator (the union's rule holds in the intersection).
    expect(seen(S, text, { id: 'x', status: 'active', ...value })).toEqual([
      undefined,
      { kind: 'circle' },
      { kind: 'circle', label: '' },
      { kind: 'circle', label: 'a' },
      { kind: 'circle', label: 'a', r: 1 },
    ]);
    // `status` is an enum: shown only complete, before and after the discriminator.
    expect(
      seen(S, '{"kind":"rect","status":"archived","id":"i","label":"b","style":"solid"}', {
        id: 'i',
        status: 'archived',
        kind: 'rect',
        label: 'b',
        style: 'solid',
      }),
    ).toEqual([
      undefined,
      { kind: 'rect' },
      { status: 'archived', kind: 'rect' },
      { status: 'archived', kind: 'rect', id: '' },
      { status: 'archived', kind: 'rect', id: 'i' },
      { status: 'archived', kind: 'rect', id: 'i', label: '' },
      { status: 'archived', kind: 'rect', id: 'i', label: 'b' },
      { status: 'archived', kind: 'rect', id: 'i', label: 'b', style: 'solid' },
    ]);
  });

  it('validates nested unions and list items against their own schema (outputOf, issues, streamItems)', async () => {
    const Tagged = Shape().transform((s) => ({ ...s, tag: s.kind.toUpperCase() }));
    const S = z.object({ shapes: z.array(Tagged.refine((s) => s.label !== 'bad', 'bad label')) });
    const p = createPartialParser({ schema: S });
    p.write('{"shapes":[{"kind":"circle","label":"a","r":1},{"kind":"rect","label":"bad","style":"solid"}');
    const shapes = (p.value as { shapes: object[] }).shapes;
    expect(p.outputOf(shapes[0]!)).toEqual({ kind: 'circle', label: 'a', r: 1, tag: 'CIRCLE' });
    expect(p.outputOf(shapes[1]!)).toBeUndefined();
    expect(p.issues.map((i) => [i.path, i.code, i.message])).toEqual([
      [['shapes', 1], 'custom', 'bad label'],
    ]);

    const items: unknown[] = [];
    for await (const item of streamItems(Tagged, ['[{"kind":"rect","label":"x",', '"style":"dashed"}]']))
      items.push(item);
    expect(items).toEqual([{ kind: 'rect', label: 'x', style: 'dashed', tag: 'RECT' }]);
  });
});

describe('atomic discriminated unions', () => {
  it('shows nothing of an atomic variant until it closes, for atomic() and .meta({ partial })', () => {
    const text = '[{"kind":"circle","label":"hel","r":2},{"kind":"rect","label":"x","style":"solid"}]';
    const final = JSON.parse(text);
    for (const S of [z.array(atomic(Shape())), z.array(Shape().meta({ partial: 'atomic' }))]) {
      expect(seen(S, text, final)).toEqual([undefined, [], [{ kind: 'circle', label: 'hel', r: 2 }], final]);
    }
  });

  it('shows nothing of a variant marked atomic once it is chosen', () => {
    const S = z.array(
      z.discriminatedUnion('kind', [
        atomic(z.object({ kind: z.literal('code'), src: z.string() })),
        z.object({ kind: z.literal('text'), body: z.string() }),
      ]),
    );
    const text = '[{"kind":"code","src":"ab"},{"kind":"text","body":"cd"}]';
    expect(seen(S, text, JSON.parse(text))).toEqual([
      undefined,
      [],
      [{ kind: 'code', src: 'ab' }],
      [{ kind: 'code', src: 'ab' }, { kind: 'text' }],
      [
        { kind: 'code', src: 'ab' },
        { kind: 'text', body: '' },
      ],
      [
        { kind: 'code', src: 'ab' },
        { kind: 'text', body: 'c' },
      ],
      [
        { kind: 'code', src: 'ab' },
        { kind: 'text', body: 'cd' },
      ],
    ]);
  });

  it('holds a variant back for the keys it requires once it is chosen', () => {
    const S = z.discriminatedUnion('kind', [
      partial(z.object({ kind: z.literal('user'), id: z.number(), name: z.string() }), { require: ['id'] }),
      z.object({ kind: z.literal('note'), text: z.string() }),
    ]);
    expect(seen(S, '{"kind":"user","name":"n","id":7}', { kind: 'user', name: 'n', id: 7 })).toEqual([
      undefined,
      { kind: 'user', name: 'n', id: 7 },
    ]);
  });
});

describe('plain unions of objects', () => {
  const Content = z.union([
    z.object({ type: z.literal('text'), content: z.object({ text: z.string() }) }),
    z.object({ type: z.literal('image'), content: z.object({ url: z.url(), alt: z.string() }) }),
  ]);

  it('gives a key every option supplies the rules of all of them', () => {
    const text = '{"type":"image","content":{"url":"https://a.b/c.png","alt":"x"}}';
    expect(seen(Content, text, JSON.parse(text))).toEqual([
      undefined,
      {},
      { type: 'image' },
      { type: 'image', content: {} },
      { type: 'image', content: { url: 'https://a.b/c.png' } },
      { type: 'image', content: { url: 'https://a.b/c.png', alt: '' } },
      { type: 'image', content: { url: 'https://a.b/c.png', alt: 'x' } },
    ]);
    const { p, issues } = issuesAfter(Content, text.slice(0, -1));
    expect(issues).toEqual([]);
    const content = (p.value as { content: object }).content;
    expect(p.outputOf(content)).toEqual({ url: 'https://a.b/c.png', alt: 'x' });
  });

  it('validates a closed member against the union of the options’ sub-schemas', () => {
    const { p, issues } = issuesAfter(Content, '{"type":"image","content":{"alt":1}');
    expect(issues).toEqual([[['content'], 'invalid_union']]);
    expect(p.outputOf((p.value as { content: object }).content)).toBeUndefined();
  });

  it('does the same for elements of arrays the options supply', () => {
    const S = z.union([z.array(z.enum(['x', 'yy'])), z.array(z.string().max(3))]);
    expect(seen(S, '["yy","zzz"]', ['yy', 'zzz'])).toEqual([undefined, [], ['yy'], ['yy', 'zzz']]);
    // The one option a string can be reports (zod's union), not the first option's enum.
    expect(issuesAfter(S, '["yy","zzzz"').issues).toEqual([[[1], 'too_big']]);
    const T = z
      .object({ list: z.array(z.object({ n: z.number() })) })
      .and(z.object({ list: z.array(z.object({ n: z.number().int() })) }));
    expect(issuesAfter(T, '{"list":[{"n":1.5}').issues).toEqual([[['list', 0, 'n'], 'invalid_type']]);
  });
});

describe('marks on one option of a union', () => {
  it('an atomic object option leaves strings streaming', () => {
    const S = z.array(z.union([z.string(), atomic(z.object({ url: z.string() }))]));
    const text = '["ab",{"url":"cd"}]';
    expect(seen(S, text, JSON.parse(text))).toEqual([
      undefined,
      [],
      [''],
      ['a'],
      ['ab'],
      ['ab', { url: 'cd' }],
    ]);
  });

  it('an atomic string option leaves objects streaming', () => {
    const S = z.union([atomic(z.string()), z.object({ a: z.string() })]);
    expect(seen(S, '{"a":"xy"}', { a: 'xy' })).toEqual([undefined, {}, { a: '' }, { a: 'x' }, { a: 'xy' }]);
    expect(seen(S, '"xy"', 'xy')).toEqual([undefined, 'xy']);
  });

  it('holds an object back only for the keys every object option requires', () => {
    const S = z.union([Shape(), z.object({ error: z.string() })]);
    expect(seen(S, '{"error":"boom"}', { error: 'boom' })).toEqual([
      undefined,
      {},
      { error: '' },
      { error: 'b' },
      { error: 'bo' },
      { error: 'boo' },
      { error: 'boom' },
    ]);
    // A null option holds no object: the union's variants are still held back for their discriminator.
    expect(
      seen(Shape().nullable(), '{"label":"a","kind":"rect","style":"solid"}', {
        label: 'a',
        kind: 'rect',
        style: 'solid',
      }),
    ).toEqual([undefined, { label: 'a', kind: 'rect' }, { label: 'a', kind: 'rect', style: 'solid' }]);
  });
});
