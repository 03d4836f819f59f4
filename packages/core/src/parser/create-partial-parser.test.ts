import {
  chunksOf,
  deepEqual,
  everySplit,
  extendsValue,
  feed,
  freezeCopy,
  jsonValue,
  splitAt,
  textWithCuts,
} from '@partialkit/test-utils/harness';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialJSONError } from '../errors.ts';
import { isCompleteNode } from './completeness.ts';
import { createPartialParser } from './create-partial-parser.ts';

function snapshotsOf(chunks: string[]): unknown[] {
  const p = createPartialParser();
  return chunks.map((c) => {
    p.write(c);
    return p.value;
  });
}

describe('semantics without a schema', () => {
  it('is undefined until the root value begins', () => {
    const p = createPartialParser();
    expect(p.value).toBeUndefined();
    p.write('  \n');
    expect(p.value).toBeUndefined();
    p.write('{');
    expect(p.value).toEqual({});
  });

  it('streams strings and shows numbers and literals only when complete', () => {
    const chunks = ['{"a": 12', '5, "b": "he', 'llo", "c": tr', 'ue, "d": [nul', 'l, 1', ']}'];
    expect(snapshotsOf(chunks)).toEqual([
      {},
      { a: 125, b: 'he' },
      { a: 125, b: 'hello' },
      { a: 125, b: 'hello', c: true, d: [] },
      { a: 125, b: 'hello', c: true, d: [null] },
      { a: 125, b: 'hello', c: true, d: [null, 1] },
    ]);
  });

  it('shows a key only once its value has started', () => {
    expect(snapshotsOf(['{"name"', ':', ' ', '"', 'x'])).toEqual([{}, {}, {}, { name: '' }, { name: 'x' }]);
  });

  it('never shows half an escape sequence', () => {
    const text = '["a\\u00e9b\\n\\"c"]';
    for (const chunks of everySplit(text)) {
      const seen = snapshotsOf(chunks) as string[][];
      for (const snap of seen) {
        const s = snap?.[0];
        if (s !== undefined) expect('aéb\n"c'.startsWith(s), JSON.stringify(s)).toBe(true);
      }
    }
  });

  it('never shows half a surrogate pair, escaped or raw', () => {
    for (const text of ['["x\\ud83d\\ude00y"]', '["x😀y"]']) {
      for (const chunks of everySplit(text)) {
        for (const snap of snapshotsOf(chunks) as string[][]) {
          const s = snap?.[0];
          if (s === undefined) continue;
          expect(['', 'x', 'x😀', 'x😀y']).toContain(s);
        }
      }
    }
  });

  it('keeps lone surrogates exactly as JSON.parse does', () => {
    const text = '["\\ud83d", "\\ude00x", "\\ud83d\\n"]';
    expect(feed(chunksOf(text, 1)).final).toEqual(JSON.parse(text));
  });

  it('parses a root scalar, finishing a trailing number at end()', () => {
    for (const text of ['42', ' -0 ', '1e400', '"str"', 'true', 'null', '-1.5E-7']) {
      const { final } = feed(chunksOf(text, 1));
      expect(Object.is(final, JSON.parse(text)), text).toBe(true);
    }
    const p = createPartialParser();
    p.write('12');
    expect(p.value).toBeUndefined();
    expect(p.end()).toBe(12);
  });

  it('treats __proto__, constructor and prototype as plain own properties', () => {
    const text = '{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}, "prototype": [2]}';
    for (const chunks of [chunksOf(text, 1), [text]]) {
      const p = createPartialParser();
      for (const c of chunks) {
        p.write(c);
        const v = p.value as Record<string, unknown>;
        expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      }
      const final = p.end() as Record<string, unknown>;
      expect(final).toEqual(JSON.parse(text));
      expect(Object.getPrototypeOf(final)).toBe(Object.prototype);
      expect(Object.keys(final)).toEqual(['__proto__', 'constructor', 'prototype']);
      expect(Object.getOwnPropertyDescriptor(final, '__proto__')?.value).toEqual({ polluted: true });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('keeps JSON.parse semantics for duplicate keys', () => {
    const text = '{"a": 1, "b": 2, "a": 3}';
    const { final } = feed(chunksOf(text, 1));
    expect(final).toEqual({ a: 3, b: 2 });
    expect(Object.keys(final as object)).toEqual(Object.keys(JSON.parse(text)));
  });
});

describe('equals JSON.parse for every chunking', () => {
  const doc = JSON.stringify(
    {
      s: 'é\u2028\t"q"\\',
      n: [0, -0, 1.5e300, -2e-5, 10],
      t: true,
      f: false,
      z: null,
      e: {},
      a: [],
      o: { x: [{}] },
    },
    null,
    '\t',
  );

  it('at every split point and in 1-character chunks', () => {
    const expected = JSON.parse(doc);
    for (const chunks of everySplit(doc)) {
      const { final, snapshots } = feed(chunks);
      expect(deepEqual(final, expected)).toBe(true);
      for (let i = 1; i < snapshots.length; i++)
        expect(extendsValue(snapshots[i - 1], snapshots[i])).toBe(true);
    }
  });

  it('property: random documents, random cuts, monotone snapshots', () => {
    fc.assert(
      fc.property(textWithCuts, ([text, cuts]) => {
        const { final, snapshots } = feed(splitAt(text, cuts));
        expect(deepEqual(final, JSON.parse(text))).toBe(true);
        for (let i = 1; i < snapshots.length; i++) {
          expect(extendsValue(snapshots[i - 1], snapshots[i])).toBe(true);
        }
        const last = snapshots[snapshots.length - 1];
        if (last !== undefined && typeof final === 'object') expect(deepEqual(last, final)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('property: small documents at every split point', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const text = JSON.stringify(value);
        const expected = JSON.parse(text);
        for (let i = 0; i <= text.length; i++) {
          expect(deepEqual(feed([text.slice(0, i), text.slice(i)]).final, expected)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('stable identity', () => {
  it('keeps untouched subtrees === and rebuilds only the open path', () => {
    const p = createPartialParser();
    p.write('{"done": {"x": [1, 2]}, "list": [{"a": 1}, {"b": "he');
    const s1 = p.value as { done: object; list: Array<Record<string, unknown>> };
    p.write('llo');
    const s2 = p.value as typeof s1;
    expect(s2).not.toBe(s1);
    expect(s2.done).toBe(s1.done);
    expect(s2.list[0]).toBe(s1.list[0]);
    expect(s2.list[1]).not.toBe(s1.list[1]);
    expect(s1.list[1]).toEqual({ b: 'he' });
    expect(s2.list[1]).toEqual({ b: 'hello' });
  });

  it('returns the same snapshot when nothing visible changed', () => {
    const p = createPartialParser();
    p.write('{"a": [1], "b": 12');
    const s1 = p.value;
    p.write('34');
    expect(p.value).toBe(s1);
    expect(p.value).toBe(s1);
  });

  it('a container that closes without change keeps its identity', () => {
    const p = createPartialParser();
    p.write('[{"a": 1}');
    const first = (p.value as object[])[0];
    p.write(', {"b": [true]');
    const inner = (p.value as object[])[1]!;
    expect(p.isComplete(inner)).toBe(false);
    p.write('}');
    const after = p.value as object[];
    expect(after[0]).toBe(first);
    expect(after[1]).toBe(inner);
    expect(p.isComplete(inner)).toBe(true);
    p.write(']');
    const final = p.end() as object[];
    expect(final[1]).toBe(inner);
    expect(final[0]).toBe(first);
  });

  it('property: a cached snapshot is never stale (a read equals a fresh parser fed the same text at once)', () => {
    // Reads reuse views of containers and text they judge unchanged; a wrong judgement shows an old
    // value. Reading after a random subset of the chunks leaves gaps of any size between reads.
    fc.assert(
      fc.property(textWithCuts, fc.array(fc.boolean(), { maxLength: 64 }), ([text, cuts], reads) => {
        const p = createPartialParser();
        let received = '';
        splitAt(text, cuts).forEach((chunk, i) => {
          p.write(chunk);
          received += chunk;
          if (reads[i % Math.max(reads.length, 1)] === false) return;
          const fresh = createPartialParser();
          fresh.write(received);
          expect(deepEqual(p.value, fresh.value)).toBe(true);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('property: old snapshots are never mutated and closed subtrees stay ===', () => {
    fc.assert(
      fc.property(textWithCuts, ([text, cuts]) => {
        const p = createPartialParser();
        const seen: Array<{ snap: unknown; frozen: string }> = [];
        for (const chunk of splitAt(text, cuts)) {
          p.write(chunk);
          const snap = p.value;
          const prev = seen[seen.length - 1]?.snap;
          if (Array.isArray(prev) && Array.isArray(snap)) {
            for (let i = 0; i < prev.length - 1; i++) expect(snap[i]).toBe(prev[i]);
          }
          seen.push({ snap, frozen: freezeCopy(snap) });
        }
        p.end();
        for (const { snap, frozen } of seen) expect(freezeCopy(snap)).toBe(frozen);
      }),
      { numRuns: 300 },
    );
  });
});

describe('isComplete and isCompleteAt', () => {
  it('answers for paths of the current snapshot and for nodes of any snapshot', () => {
    const p = createPartialParser();
    p.write('{"users": [{"name": "Ada"}, {"name": "Gr');
    const v = p.value as { users: object[] };
    expect(p.isCompleteAt(['users', 0])).toBe(true);
    expect(p.isCompleteAt(['users', 0, 'name'])).toBe(true);
    expect(p.isCompleteAt(['users', 1])).toBe(false);
    expect(p.isCompleteAt(['users', 1, 'name'])).toBe(false);
    expect(p.isCompleteAt(['users'])).toBe(false);
    expect(p.isCompleteAt([])).toBe(false);
    expect(p.isCompleteAt(['users', 5])).toBe(false);
    expect(p.isComplete(v.users[0]!)).toBe(true);
    expect(p.isComplete(v.users[1]!)).toBe(false);
    expect(p.isComplete(v)).toBe(false);
    expect(p.isComplete(v.users)).toBe(false);
    p.write('ace"}], "tags": ["users"');
    const tags = (p.value as { tags: string[] }).tags;
    expect(p.isComplete(tags)).toBe(false);
    expect(p.isCompleteAt(['users'])).toBe(true);
    p.write(']}');
    // Nothing changed since it was read, so the closed array is that very node, now final.
    expect((p.value as { tags: string[] }).tags).toBe(tags);
    expect(p.isComplete(tags)).toBe(true);
    p.end();
    expect(p.isCompleteAt(['users', 1, 'name'])).toBe(true);
    expect(p.isCompleteAt([])).toBe(true);
    expect(p.isComplete(p.value as object)).toBe(true);
  });

  it('never reads an older array snapshot as a path', () => {
    // Before the split, an open ["a","b"] read before a newer snapshot was taken for the path a.b.
    const p = createPartialParser();
    p.write('{"a": {"b": 1}, "list": ["a", "b"');
    const older = (p.value as { list: string[] }).list;
    p.write(', "c"');
    expect((p.value as { list: string[] }).list).not.toBe(older);
    expect(p.isComplete(older)).toBe(false);
    expect(p.isCompleteAt(['a', 'b'])).toBe(true);
  });
  it('marks every node of a validated output complete, small or large, however many are kept', () => {
    const Records = z.object({ records: z.array(z.object({ id: z.number(), tags: z.array(z.string()) })) });
    const parse = (count: number) => {
      const p = createPartialParser({ schema: Records });
      p.write(JSON.stringify({ records: Array.from({ length: count }, (_, id) => ({ id, tags: ['t'] })) }));
      const out = p.end();
      // zod's output is a fresh tree, not the parser's frozen one.
      expect(Object.isFrozen(out.records)).toBe(false);
      return out;
    };
    // One small output (marked at once) and 40 large ones (walked when first asked about), all kept.
    const outputs = [parse(3), ...Array.from({ length: 40 }, () => parse(500))];
    const open = createPartialParser();
    open.write('{"records": [');
    const openNode = open.value as object;
    for (const out of outputs) {
      for (const node of [out, out.records, out.records.at(-1)!, out.records.at(-1)!.tags]) {
        expect(isCompleteNode(node)).toBe(true);
      }
    }
    expect(isCompleteNode(openNode)).toBe(false);
    expect(isCompleteNode({})).toBe(false);
  });
});

describe('errors and bounds', () => {
  it('reports the offset and what was expected, keeps the last value and stays failed', () => {
    const p = createPartialParser();
    p.write('{"a": [1, 2], "b": "x');
    const before = p.value;
    p.write('y"');
    let error: unknown;
    try {
      p.write(', "c" 1}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as PartialJSONError).incomplete).toBe(false);
    expect((error as PartialJSONError).position).toBe(29);
    expect((error as PartialJSONError).message).toBe(`Unexpected "1" at position 29: expected ':'`);
    // The class a user can import, no internal subclass of it (a log names the class).
    expect(Object.getPrototypeOf(error)).toBe(PartialJSONError.prototype);
    expect(String(error)).toBe(`PartialJSONError: Unexpected "1" at position 29: expected ':'`);
    expect(p.value).toEqual({ a: [1, 2], b: 'xy' });
    expect(before).toEqual({ a: [1, 2], b: 'x' });
    expect(() => p.write('}')).toThrow(error as Error);
    expect(() => p.end()).toThrow(error as Error);
    expect(p.error).toBe(error);
  });

  it('rejects incomplete input at end()', () => {
    for (const [text, message] of [
      ['', 'expected a value'],
      ['{"a": [1', "expected ',' or ']'"],
      ['{"a": "x', `expected the closing '"' of a string`],
      ['[tr', "expected the rest of 'true'"],
      ['[1.', 'expected a digit'],
      ['1e', 'expected a digit'],
      ['{"a"', "expected ':'"],
    ] as const) {
      const p = createPartialParser();
      p.write(text);
      expect(() => p.end(), text).toThrow(message);
      try {
        p.end();
      } catch (e) {
        expect((e as PartialJSONError).position).toBe(text.length);
        expect((e as PartialJSONError).incomplete).toBe(true);
      }
    }
  });

  it('survives 100 000 levels of nesting without recursion', () => {
    const depth = 100_000;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    const p = createPartialParser({ maxDepth: depth });
    for (const c of chunksOf(text, 4096)) p.write(c);
    let v = p.end() as unknown[];
    let n = 1;
    while (v.length) {
      v = v[0] as unknown[];
      n++;
    }
    expect(n).toBe(depth);
  });

  it('fails past maxDepth (default 1000) with a clear error', () => {
    const p = createPartialParser();
    expect(() => p.write('['.repeat(1001))).toThrow('Nesting deeper than maxDepth (1000) at position 1000');
    expect((p.value as unknown[]).length).toBe(1);
    const q = createPartialParser({ maxDepth: 2 });
    q.write('[[');
    expect(() => q.write('{')).toThrow(PartialJSONError);
  });

  it('bounds the total input with maxLength', () => {
    const p = createPartialParser({ maxLength: 10 });
    p.write('["abcdef');
    expect(() => p.write('ghij"]')).toThrow('exceeds maxLength (10 characters)');
    // the text up to the bound is taken, as it would be one character at a time
    expect(p.value).toEqual(['abcdefgh']);
    expect(p.position).toBe(10);
    // failed for good: even an empty chunk rethrows the same error, and end() does too
    const error = p.error;
    expect(() => p.write('')).toThrow(error);
    expect(() => p.end()).toThrow(error);
    expect(p.value).toEqual(['abcdefgh']);
  });

  it('refuses input after end(), whitespace included, without failing', () => {
    const p = createPartialParser();
    p.write('[1] ');
    expect(p.end()).toEqual([1]);
    for (const chunk of [' ', '', '2']) {
      expect(() => p.write(chunk)).toThrow('write() after end()');
    }
    expect(p.error).toBeUndefined();
    expect(p.end()).toEqual([1]);
  });

  it('rejects a raw control character in a key even where the key seen before had that character', () => {
    const p = createPartialParser();
    p.write('[{"a\\nb":1},{"a');
    expect(() => p.write('\nb":2}]')).toThrow('Unexpected "\\n" at position 15');
  });

  it('ends a key at its raw closing quote even where the key seen before was an escaped quote', () => {
    const text = '{"":{"":[{"\\"":0},{"":null},{"\\\\":1},{"\\\\x":2}]}}';
    for (const size of [1, 2, 3, 40]) expect(feed(chunksOf(text, size)).final).toEqual(JSON.parse(text));
  });

  it('gives each record its own keys when sibling records order or spell them differently', () => {
    // Keys are reused per depth and position from the previous record; every mismatch must fall back.
    const records = [
      { id: 1, name: 'a', tags: ['x'] },
      { name: 'b', id: 2, extra: { id: 'nested' } },
      { id: 3, nam: 'c', name: 'd' },
      { i: 4 },
      { id: 5, name: 'e', tags: [], __proto__x: 1 },
      { id: 6, nam: 'f' }, // a prefix of the key seen before
      { id: 7, names: 'g' }, // the key seen before, and more
      { 'a\nb': 1, 'é"': 2 }, // escaped characters in keys
      { 'a\nb': 3, 'é"': 4 }, // ... predicted, but written with escapes again
      { '😀': 5 },
      { '😀': 6 },
    ];
    const text = JSON.stringify(records);
    for (const size of [1, 3, 7]) {
      const p = createPartialParser();
      const seen: unknown[] = [];
      for (const c of chunksOf(text, size)) {
        p.write(c);
        seen.push(p.value);
      }
      expect(p.end()).toEqual(JSON.parse(text));
      expect(Object.keys((p.end() as Array<Record<string, unknown>>)[2]!)).toEqual(['id', 'nam', 'name']);
      expect(seen[seen.length - 1]).toEqual(JSON.parse(text));
      // the open record shows exactly the keys received so far, never a key borrowed from a sibling
      const third = seen.find((v) => (v as unknown[]).length === 3 && 'nam' in (v as object[])[2]!);
      expect(Object.keys((third as Array<Record<string, unknown>>)[2]!)).toEqual(['id', 'nam']);
    }
  });
});

describe('schemas that write to their input', () => {
  /** end() for every split of `text`. */
  const finals = (schema: z.ZodType, text: string) =>
    everySplit(text).map((chunks) => {
      const p = createPartialParser({ schema });
      for (const c of chunks) p.write(c);
      return p.end();
    });

  it('a refinement that writes into what `z.unknown()` passed through gets a copy, not the shown node', () => {
    const S = z.object({ a: z.unknown() }).refine((v) => {
      (v.a as Record<string, unknown>).touched = true;
      return true;
    });
    const text = '{"a":{"x":1}}';
    for (const out of finals(S, text)) expect(out).toEqual(S.parse(JSON.parse(text)));
    const p = createPartialParser({ schema: S });
    p.write(text);
    const shown = p.value;
    p.end();
    expect(shown).toEqual({ a: { x: 1 } });
  });

  it('a z.preprocess that fills in a default on its input: end() equals schema.parse(JSON.parse(text))', () => {
    const S = z.preprocess(
      (v) => {
        const o = v as Record<string, unknown>;
        o.tags ??= [];
        return o;
      },
      z.object({ title: z.string(), tags: z.array(z.string()) }),
    );
    const text = '{"title":"x"}';
    const oracle = S.parse(JSON.parse(text));
    for (const final of finals(S, text)) expect(final).toEqual(oracle);
  });

  it('a z.preprocess on list items: each item is checked as it closes, and the snapshots stay as parsed', () => {
    const Item = z.preprocess(
      (v) => {
        const o = v as Record<string, unknown>;
        if (typeof o.n === 'string') o.n = Number(o.n);
        return o;
      },
      z.object({ n: z.number() }),
    );
    const S = z.object({ items: z.array(Item) });
    const text = '{"items":[{"n":"1"},{"n":2}]}';
    const oracle = S.parse(JSON.parse(text));
    for (const final of finals(S, text)) expect(final).toEqual(oracle);
    const p = createPartialParser({ schema: S });
    p.write('{"items":[{"n":"1"}');
    const first = (p.value as { items: object[] }).items[0]!;
    expect(p.issues).toEqual([]);
    expect(p.outputOf(first)).toEqual({ n: 1 });
    expect(p.outputOf((p.value as { items: object[] }).items[1])).toBeUndefined(); // none yet
    expect(first).toEqual({ n: '1' }); // the write went to a copy: the snapshot is still the JSON
    expect(isCompleteNode(first)).toBe(true);
  });

  it('a z.any().transform that annotates its input', () => {
    const S = z.object({
      a: z.any().transform((v) => {
        v.seen = true;
        return v;
      }),
    });
    const text = '{"a":{"x":1}}';
    const oracle = S.parse(JSON.parse(text));
    for (const final of finals(S, text)) expect(final).toEqual(oracle);
  });

  it('likewise when the schema validates asynchronously (endAsync)', async () => {
    const S = z
      .preprocess(
        (v) => {
          (v as Record<string, unknown>).tags ??= [];
          return v;
        },
        z.object({ title: z.string(), tags: z.array(z.string()) }),
      )
      .refine(async () => true);
    const p = createPartialParser({ schema: S });
    p.write('{"title":"x"}');
    expect(await p.endAsync()).toEqual({ title: 'x', tags: [] });
  });

  it('end() on an asynchronous schema throws AsyncSchemaError, which the package exports to catch', async () => {
    const { AsyncSchemaError: Exported } = await import('../index.ts');
    const p = createPartialParser({ schema: z.object({ title: z.string() }).refine(async () => true) });
    p.write('{"title":"x"}');
    expect(() => p.end()).toThrow(Exported);
    // Named as every other error class is, so a log or an `error.name` check tells it apart.
    expect(() => p.end()).toThrow(expect.objectContaining({ name: 'AsyncSchemaError' }));
    expect(await p.endAsync()).toEqual({ title: 'x' });
  });
});

describe('a value of a kind its schema never takes is never shown', () => {
  const User = z.object({ name: z.string() });
  const Doc = z.object({
    title: z.string(),
    n: z.number(),
    ok: z.boolean().optional(),
    note: z.string().nullable(),
    tags: z.array(z.string()),
    user: User,
  });
  /** Whether a partial value has, at every key the schema knows, only a kind that key takes. */
  const conforms = (v: unknown): boolean => {
    if (v === undefined) return true;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    const d = v as Record<string, unknown>;
    const user = d.user as Record<string, unknown> | undefined;
    return (
      (!('title' in d) || typeof d.title === 'string') &&
      (!('n' in d) || typeof d.n === 'number') &&
      (!('ok' in d) || typeof d.ok === 'boolean') &&
      (!('note' in d) || d.note === null || typeof d.note === 'string') &&
      (!('tags' in d) || Array.isArray(d.tags)) &&
      (!('user' in d) || (user !== null && typeof user === 'object' && !Array.isArray(user))) &&
      (user === undefined || !('name' in user) || typeof user.name === 'string')
    );
  };

  it('while open and once closed; the issue and the error value say what came, however split', () => {
    const text =
      '{"title": 7, "n": "5", "ok": null, "note": null, "tags": "abc", "user": {"name": [1], "age": 3}, "extra": true}';
    for (const chunks of everySplit(text)) {
      const p = createPartialParser({ schema: Doc });
      for (const chunk of chunks) {
        p.write(chunk);
        expect(conforms(p.value), JSON.stringify(p.value)).toBe(true);
      }
      expect(p.value).toEqual({ note: null, user: { age: 3 }, extra: true });
      expect(p.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
        'title: Invalid input: expected string, received number',
        'n: Invalid input: expected number, received string',
        'ok: Invalid input: expected boolean, received null',
        'tags: Invalid input: expected array, received string',
        'user.name: Invalid input: expected string, received array',
      ]);
      let error: unknown;
      try {
        p.end();
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: 'ValidationError', value: JSON.parse(text) });
      expect(p.value).toEqual({ note: null, user: { age: 3 }, extra: true }); // the last good partial
    }
  });

  it('a repeated key: the value JSON.parse keeps decides, the one shown is never of the wrong kind', () => {
    const first = createPartialParser({ schema: z.object({ title: z.string() }) });
    first.write('{"title": 5, "title": "a"');
    expect(first.value).toEqual({ title: 'a' });
    first.write('}');
    expect(first.end()).toEqual({ title: 'a' });
    const last = createPartialParser({ schema: z.object({ title: z.string() }) });
    last.write('{"title": "a", "title": 5');
    expect(last.value).toEqual({ title: 'a' });
    last.write('}');
    expect(() => last.end()).toThrow(expect.objectContaining({ value: { title: 5 } }));
  });

  it('inside a preprocess, where the JSON is not yet what the schema checks, every value is shown', () => {
    const Coerced = z.preprocess(
      (v) => (v && typeof v === 'object' ? { ...v, n: Number((v as { n: unknown }).n) } : v),
      z.object({ n: z.number() }),
    );
    const p = createPartialParser({ schema: Coerced });
    p.write('{"n": "5"');
    expect(p.value).toEqual({ n: '5' });
    p.write('}');
    expect(p.end()).toEqual({ n: 5 });
  });

  it('a value the schema takes is shown, whatever its options: unions with any, strip objects, catch, loose records…', () => {
    /** Equal as JSON values, whatever the order of keys. */
    const same = (a: unknown, b: unknown): boolean =>
      a === b ||
      (a !== null &&
        b !== null &&
        typeof a === 'object' &&
        typeof b === 'object' &&
        Array.isArray(a) === Array.isArray(b) &&
        Object.keys(a).length === Object.keys(b).length &&
        Object.keys(a).every((k) => Object.hasOwn(b, k) && same((a as never)[k], (b as never)[k])));
    const leaf = fc.oneof(
      fc.constantFrom('x', 'y', '5', ''),
      fc.integer({ min: -2, max: 9 }),
      fc.boolean(),
      fc.constant(null),
    );
    const { json } = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('json'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 't', 'o'), tie('json'), { maxKeys: 3 }),
      ),
    }));
    const A = z.object({ a: z.string() });
    const B = z.object({ b: z.string() });
    const schemas: z.ZodType[] = [
      // an option that strips or takes any value, a catch, a repeated discriminator: below the first level too
      z.union([z.object({ a: B }), z.object({ t: z.number() })]),
      z.union([z.object({ a: B }), z.any()]),
      z.union([z.array(z.object({ a: B })), z.array(z.any())]),
      z
        .object({ a: B })
        .catch({ a: { b: '' } })
        .transform((v) => v),
      z.discriminatedUnion('t', [
        z.object({ t: z.literal('x'), o: B }),
        z.object({ t: z.literal('y'), o: z.object({ b: z.number() }) }),
      ]),
      z.looseRecord(z.string().regex(/^a/), B),
      // a key type that may make a key `__proto__` (zod then skips the member), or a key set
      z.record(z.string().toLowerCase(), z.string()),
      z.pipe(
        z.record(z.enum(['a', 'b']), z.number()) as z.ZodType,
        z.union([z.object({ a: z.number(), b: z.number() }), z.null()]) as z.ZodType,
      ),
      z.union([A, z.any()]),
      z.union([A, z.object({ b: z.number() })]),
      z.union([A, z.unknown().pipe(z.object({ a: z.number() }))]),
      z.discriminatedUnion('t', [
        z.object({ t: z.literal('x'), a: z.string() }),
        z.object({ t: z.literal('y'), a: z.number() }),
      ]),
      z.object({ o: A.catch({ a: 'c' }) }),
      z.object({ o: z.success(A) }),
      z.looseRecord(z.string().regex(/^a/), z.number()),
      z.record(z.string(), z.union([z.string(), z.number()])),
      z.intersection(A, z.record(z.string(), z.unknown())),
      z.looseObject({ a: z.string() }),
      A.catchall(z.number()),
      z.object({ a: z.coerce.number(), b: z.coerce.boolean().optional() }),
      z.object({ o: z.preprocess((v) => v, A).optional(), a: z.number().optional() }),
      z.object({
        a: z.string().default('d'),
        b: z.number().catch(0),
        t: z.literal(['x', 5, null]).optional(),
      }),
    ];
    for (const schema of schemas) {
      fc.assert(
        fc.property(json, fc.integer({ min: 1, max: 4 }), (value, size) => {
          const expected = schema.safeParse(value);
          if (!expected.success || value === null || typeof value !== 'object') return true;
          const p = createPartialParser({ schema });
          for (const chunk of chunksOf(JSON.stringify(value), size)) p.write(chunk);
          return same(p.value, value) && same(p.end(), expected.data);
        }),
        { numRuns: 400 },
      );
    }
  });

  it('a repeated key: the order JSON.parse gives, when its first value was rejected', () => {
    const p = createPartialParser({ schema: z.record(z.string(), z.string()) });
    p.write('{"a":5,"b":"q","a":"x"}');
    expect(Object.keys(p.end() as object)).toEqual(['a', 'b']);
  });

  it('a record whose key type turns a key into `__proto__` is not judged by its value type', () => {
    const p = createPartialParser({ schema: z.record(z.string().toLowerCase(), z.string()) });
    p.write('{"__PROTO__":7}');
    expect(p.value).toEqual({ __PROTO__: 7 });
    expect(p.end()).toEqual({});
  });

  it('`__proto__`, which zod never checks, is shown whatever its kind', () => {
    const p = createPartialParser({ schema: z.record(z.string(), z.number()) });
    p.write('{"__proto__":"x","a":1}');
    expect(Object.hasOwn(p.value as object, '__proto__')).toBe(true);
    expect(p.end()).toEqual({ a: 1 });
  });

  it('isCompleteAt is false inside a member that is never shown', () => {
    const p = createPartialParser({ schema: z.object({ a: z.string() }) });
    p.write('{"a":{"b":{"c":1},"d"');
    expect(p.value).toEqual({});
    expect(p.isCompleteAt(['a', 'b'])).toBe(false);
  });

  it('any JSON at the known keys, under random chunkings: each snapshot conforms; end() is zod on JSON.parse', () => {
    const value = fc.record(
      {
        title: jsonValue,
        n: jsonValue,
        ok: jsonValue,
        note: jsonValue,
        tags: fc.oneof(fc.array(jsonValue, { maxLength: 3 }), jsonValue),
        user: fc.oneof(fc.record({ name: jsonValue }, { requiredKeys: [] }), jsonValue),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(value, fc.array(fc.nat(), { maxLength: 20 }), (v, cuts) => {
        const text = JSON.stringify(v);
        const p = createPartialParser({ schema: Doc });
        for (const chunk of splitAt(
          text,
          cuts.map((c) => c % (text.length + 1)).sort((a, b) => a - b),
        )) {
          p.write(chunk);
          if (!conforms(p.value)) return false;
        }
        const expected = Doc.safeParse(JSON.parse(text));
        try {
          const out = p.end();
          return expected.success && deepEqual(out, expected.data);
        } catch (error) {
          return !expected.success && deepEqual((error as { value: unknown }).value, JSON.parse(text));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('an array element of a kind its schema never takes ends what is shown of the array', () => {
  const Doc = z.object({ xs: z.array(z.number()), tags: z.array(z.string()).optional() });

  it('the elements before it are shown, none from it on; the issue and the error value say what came, however split', () => {
    const text = '{"xs": [1, "ab", 2, 3], "tags": ["x", 5, "y", {"k": 1}]}';
    for (const chunks of everySplit(text)) {
      const p = createPartialParser({ schema: Doc });
      let xs: unknown;
      for (const chunk of chunks) {
        p.write(chunk);
        const v = p.value;
        expect(v?.xs?.every((n) => typeof n === 'number') ?? true, JSON.stringify(v)).toBe(true);
        expect(v?.tags?.every((t) => typeof t === 'string') ?? true, JSON.stringify(v)).toBe(true);
        // Once cut, the array shown is the same object: nothing of it changes any more.
        if (xs !== undefined && p.value?.xs !== undefined && JSON.stringify(xs) === '[1]')
          expect(p.value.xs).toBe(xs);
        xs = v?.xs;
      }
      expect(p.value).toEqual({ xs: [1], tags: ['x'] });
      expect(p.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
        'xs.1: Invalid input: expected number, received string',
        'tags.1: Invalid input: expected string, received number',
        'tags.3: Invalid input: expected string, received object',
      ]);
      expect(p.isCompleteAt(['xs', 0])).toBe(true);
      expect(p.isCompleteAt(['xs', 1])).toBe(false);
      expect(p.isCompleteAt(['xs', 2])).toBe(false);
      expect(() => p.end()).toThrow(
        expect.objectContaining({ name: 'ValidationError', value: JSON.parse(text) }),
      );
      expect(p.value).toEqual({ xs: [1], tags: ['x'] }); // the last good partial
    }
  });

  it('for any elements: each snapshot shows a prefix of the JSON array up to its first non-number, the end validates the whole', () => {
    const element = fc.oneof(
      fc.integer(),
      fc.string({ maxLength: 3 }),
      fc.boolean(),
      fc.constant(null),
      fc.constant([1]),
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 8 }), fc.integer({ min: 1, max: 7 }), (values, size) => {
        const text = JSON.stringify({ xs: values });
        const p = createPartialParser({ schema: z.object({ xs: z.array(z.number()) }) });
        const bad = values.findIndex((v) => typeof v !== 'number');
        const prefix = bad < 0 ? values : values.slice(0, bad);
        for (const chunk of chunksOf(text, size)) {
          p.write(chunk);
          const xs = p.value?.xs ?? [];
          expect(xs.every((n) => typeof n === 'number')).toBe(true);
          expect(prefix.slice(0, xs.length)).toEqual(xs);
        }
        if (bad < 0) expect(p.end()).toEqual({ xs: values });
        else {
          expect(p.value).toEqual({ xs: prefix });
          expect(() => p.end()).toThrow(
            expect.objectContaining({ name: 'ValidationError', value: { xs: values } }),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('where another option may take the element (a union, a catch, any), it is shown as it came', () => {
    for (const [schema, text, shown] of [
      [z.array(z.union([z.number(), z.string()])), '[1, "a", 2]', [1, 'a', 2]],
      [z.array(z.number().catch(0)), '[1, "a", 2]', [1, 'a', 2]],
      [z.array(z.any()), '[1, "a", 2]', [1, 'a', 2]],
      [z.array(z.number()).catch([]), '[1, "a", 2]', [1, 'a', 2]],
    ] as const) {
      const p = createPartialParser({ schema });
      p.write(text);
      expect(p.value, text).toEqual(shown);
    }
  });
});

describe('an enum or literal value outside its set is kept out as a value of the wrong kind is', () => {
  const Talk = z.object({
    title: z.string(),
    track: z.enum(['main', 'workshop']),
    live: z.literal(true).optional(),
    level: z.union([z.literal(1), z.literal(2)]).nullable(),
    tags: z.array(z.enum(['a', 'b'])),
  });

  it('a member is never shown, an element cuts its array; the issues and the error value say what came, however split', () => {
    const text = '{"title": "x", "track": "keynote", "live": false, "level": 3, "tags": ["a", "c", "b"]}';
    for (const chunks of everySplit(text)) {
      const p = createPartialParser({ schema: Talk });
      for (const chunk of chunks) {
        p.write(chunk);
        const v = p.value;
        expect([undefined, 'main', 'workshop']).toContain(v?.track);
        expect([undefined, true]).toContain(v?.live);
        expect([undefined, null, 1, 2]).toContain(v?.level);
        expect(v?.tags?.every((t) => t === 'a' || t === 'b') ?? true, JSON.stringify(v)).toBe(true);
      }
      expect(p.value).toEqual({ title: 'x', tags: ['a'] });
      expect(p.isCompleteAt(['track'])).toBe(false);
      expect(p.issues.map((i) => i.path.join('.'))).toEqual(['track', 'live', 'level', 'tags.1']);
      expect(() => p.end()).toThrow(
        expect.objectContaining({ name: 'ValidationError', value: JSON.parse(text) }),
      );
      expect(p.value).toEqual({ title: 'x', tags: ['a'] });
    }
  });

  it('values in the set, and kinds another option takes, are shown as they came', () => {
    const p = createPartialParser({ schema: Talk });
    p.write('{"title": "x", "track": "main", "live": true, "level": null, "tags": ["b", "a"]}');
    expect(p.end()).toEqual({ title: 'x', track: 'main', live: true, level: null, tags: ['b', 'a'] });
    for (const [schema, text, shown] of [
      // a string another option takes, the nullable's null, a catch, a plain string beside a literal
      [z.object({ t: z.union([z.enum(['a']), z.string()]) }), '{"t": "z"}', { t: 'z' }],
      [z.object({ t: z.enum(['a']).nullable() }), '{"t": null}', { t: null }],
      [z.object({ t: z.enum(['a']).catch('a') }), '{"t": "z"}', { t: 'z' }],
      [z.array(z.union([z.literal(1), z.number()])), '[7]', [7]],
    ] as const) {
      const q = createPartialParser({ schema });
      q.write(text);
      expect(q.value, text).toEqual(shown);
    }
  });
});

describe('issue paths are JSON paths', () => {
  it('a symbol a refinement puts in its issue’s path becomes a string; keys and indexes stay as they are', () => {
    const tag = Symbol('tag');
    const Doc = z.object({
      xs: z.array(z.object({ n: z.number() })),
      t: z.string().superRefine((_, ctx) => ctx.addIssue({ code: 'custom', message: 'tagged', path: [tag] })),
    });
    const p = createPartialParser({ schema: Doc });
    p.write('{"xs": [{"n": "1"}], "t": "x"}');
    expect(p.issues.map((i) => i.path)).toEqual([
      ['xs', 0, 'n'],
      ['t', 'Symbol(tag)'],
    ]);
    expect(() => p.end()).toThrow(expect.objectContaining({ name: 'ValidationError' }));
    expect(p.isCompleteAt(p.issues[1]!.path)).toBe(false);
  });
});
