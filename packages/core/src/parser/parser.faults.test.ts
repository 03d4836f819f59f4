import {
  chunksOf,
  deepEqual,
  everySplit,
  extendsValue,
  jsonValue,
  splitAt,
} from '@partialkit/test-utils/harness';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InvalidOptionError, PartialJSONError, PartialKitError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { createPartialParser, type PartialParser } from './create-partial-parser.ts';

/** Writes `chunks` until one throws; returns the error (or undefined) and the value read after each write. */
function writeAll(parser: PartialParser, chunks: readonly string[]): { error: unknown; seen: unknown[] } {
  const seen: unknown[] = [];
  for (const chunk of chunks) {
    try {
      parser.write(chunk);
    } catch (error) {
      seen.push(parser.value);
      return { error, seen };
    }
    seen.push(parser.value);
  }
  return { error: undefined, seen };
}

describe('bounds that cannot be switched off by accident (issue 18 item 16)', () => {
  const invalid: unknown[] = [Number.NaN, -1, 2.5, '5', null, Number.NEGATIVE_INFINITY, 2 ** 60, {}];

  for (const option of ['maxDepth', 'maxLength'] as const) {
    it(`refuses ${option} values that are not a non-negative integer or Infinity, at creation`, () => {
      for (const value of invalid) {
        let error: unknown;
        try {
          createPartialParser({ [option]: value as number });
        } catch (caught) {
          error = caught;
        }
        expect(error, `${option}: ${String(value)}`).toBeInstanceOf(InvalidOptionError);
        expect(error).toBeInstanceOf(PartialKitError);
        expect((error as InvalidOptionError).option).toBe(option);
        expect((error as InvalidOptionError).value).toBe(value);
        expect((error as Error).message).toMatch(
          new RegExp(`^Invalid option ${option}: expected a non-negative integer or Infinity, got `),
        );
      }
      expect(() => createPartialParser({ [option]: '5' as unknown as number })).toThrow(
        `Invalid option ${option}: expected a non-negative integer or Infinity, got "5"`,
      );
    });

    it(`accepts 0, integers and Infinity for ${option}`, () => {
      for (const value of [0, 1, 1000, Number.POSITIVE_INFINITY]) {
        expect(() => createPartialParser({ [option]: value })).not.toThrow();
      }
    });
  }

  it('keeps refusing a 5 000-deep document whatever is passed (NaN used to remove the bound)', () => {
    const text = '['.repeat(5000) + ']'.repeat(5000);
    expect(() => createPartialParser({ maxDepth: Number.NaN })).toThrow(InvalidOptionError);
    const p = createPartialParser({ maxDepth: 4999 });
    expect(() => p.write(text)).toThrow('Nesting deeper than maxDepth (4999) at position 4999');
  });

  it('refuses a schema passed in place of the options (it would be read as no schema) and options that are not an object', () => {
    const Records = z.array(z.object({ id: z.number() }));
    for (const value of [Records, null, 5, 'strict']) {
      let error: unknown;
      try {
        createPartialParser(value as never);
      } catch (caught) {
        error = caught;
      }
      expect(error, String(value)).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe('options');
      expect((error as InvalidOptionError).value).toBe(value);
    }
    expect(() => createPartialParser(Records as never)).toThrow(
      'Invalid option options: expected an options object ({ schema } for a schema), got object',
    );
    // The same schema given as an option validates.
    const p = createPartialParser({ schema: Records });
    p.write('[{"id":"x"}]');
    expect(() => p.end()).toThrow();
    expect(createPartialParser().write('[]')).toBeUndefined();
  });

  it('refuses an invalid bound in streamPartial before reading the source', async () => {
    let pulled = 0;
    async function* source() {
      pulled++;
      yield '{}';
    }
    const run = streamPartial(z.object({}), source(), { maxLength: Number.NaN });
    await expect(run.next()).rejects.toThrow(InvalidOptionError);
    expect(pulled).toBe(0);
  });

  it('fails with a typed error, and stays failed, when a string passes V8’s length limit', () => {
    // The real limit (2^29 − 24 code units in Node 20's V8), not an injected one. The chunk is a rope of
    // 2^28 'a's built by doubling, which costs 1 MiB; the scan flattens it once (256 MiB, ≈ 1 s), and the
    // same chunk written again takes the open string past the limit, where `+=` throws a RangeError.
    let chunk = 'a'.repeat(2 ** 20);
    for (let i = 0; i < 8; i++) chunk += chunk;
    const p = createPartialParser();
    p.write('{"s":"');
    let error: unknown;
    let written = 0;
    while (error === undefined && written < 4) {
      try {
        p.write(chunk);
        written++;
      } catch (caught) {
        error = caught;
      }
    }
    expect(error).toBeInstanceOf(PartialJSONError);
    const failure = error as PartialJSONError;
    expect(failure.cause).toBeInstanceOf(RangeError);
    // the chunk that could not be taken starts here; nothing of it was taken
    const at = 6 + written * chunk.length;
    expect(failure.position).toBe(at);
    expect(failure.message).toBe(`Could not take the chunk at position ${at}: Invalid string length`);
    expect(p.position).toBe(at);
    expect(p.error).toBe(failure);
    expect(() => p.write('"}')).toThrow(failure);
    expect(() => p.end()).toThrow(failure);
    expect((p.value as { s: string }).s.length).toBe(written * chunk.length);
  }, 30_000); // ≈ 1 s alone; the margin is for a loaded machine

  it('fails with a typed error when a schema refinement throws while the stream is parsed', () => {
    const Item = z.object({ n: z.number() }).refine((item) => {
      if (item.n === 2) throw new TypeError('refinement bug');
      return true;
    });
    const p = createPartialParser({ schema: z.array(Item) });
    p.write('[{"n":1},');
    const seen = p.value;
    let error: unknown;
    try {
      p.write('{"n":2},{"n":3}]');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as PartialJSONError).position).toBe(9);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      'Could not take the chunk at position 9 (the schema threw validating 1): refinement bug',
    );
    expect(p.error).toBe(error);
    // the member was committed before it was validated: the value is consistent, and extends the last one
    expect(p.value).toEqual([{ n: 1 }, { n: 2 }]);
    expect(extendsValue(seen, p.value)).toBe(true);
    expect(() => p.write(']')).toThrow(error as Error);
    expect(() => p.end()).toThrow(error as Error);
  });

  it('fails with a typed error when a refinement throws on the number end() completes', () => {
    const p = createPartialParser({
      schema: z.array(
        z.number().refine(() => {
          throw new RangeError('late bug');
        }),
      ),
    });
    p.write('[1');
    // `1` may still grow: it is only complete, and validated, at the `]`
    expect(() => p.write(']')).toThrow(PartialJSONError);
    const q = createPartialParser({
      schema: z.number().refine(() => {
        throw new RangeError('late bug');
      }),
    });
    q.write('12');
    expect(() => q.end()).toThrow(PartialJSONError);
    expect(q.error).toBeInstanceOf(PartialJSONError);
    expect((q.error!.cause as Error).message).toBe('late bug');
    expect(q.error!.message).toBe(
      'Could not finish the input at position 2 (the schema threw validating the root): late bug',
    );
  });

  it('names the path of the subtree whose validation threw, with the schema’s own exception as the cause', () => {
    const bug = new RangeError('late bug');
    const Talks = z.object({
      title: z.string(),
      talks: z.array(
        z.object({
          room: z.string().refine(() => {
            throw bug;
          }),
        }),
      ),
    });
    const p = createPartialParser({ schema: Talks });
    expect(() => p.write('{"title": "x", "talks": [{"room": "A"}]}')).toThrow(PartialJSONError);
    expect(p.error!.message).toBe(
      'Could not take the chunk at position 0 (the schema threw validating talks.0): late bug',
    );
    expect(p.error!.cause).toBe(bug);
    expect(p.value).toEqual({ title: 'x', talks: [{ room: 'A' }] });
  });
});

describe('maxLength takes the text up to the bound, whatever the chunking (issue 18 item 17)', () => {
  const text = '{"a":1,"b":2}';

  it('shows { a: 1 } for a whole chunk as for one character at a time, then fails at the bound', () => {
    const whole = createPartialParser({ maxLength: 10 });
    const { error, seen } = writeAll(whole, [text]);
    expect(error).toBeInstanceOf(PartialJSONError);
    expect(seen).toEqual([{ a: 1 }]);
    expect((error as PartialJSONError).position).toBe(10);
    expect((error as Error).message).toBe('Input exceeds maxLength (10 characters) at position 10');
    expect(whole.position).toBe(10);

    const single = createPartialParser({ maxLength: 10 });
    const bySingle = writeAll(single, chunksOf(text, 1));
    expect(bySingle.seen.at(-1)).toEqual({ a: 1 });
    expect((bySingle.error as Error).message).toBe((error as Error).message);
  });

  it('gives the same value, position and message for every split', () => {
    for (const chunks of everySplit(text)) {
      const p = createPartialParser({ maxLength: 10 });
      const { error } = writeAll(p, chunks);
      expect(p.value, JSON.stringify(chunks)).toEqual({ a: 1 });
      expect((error as PartialJSONError).position).toBe(10);
      expect(p.position).toBe(10);
      expect(() => p.write('')).toThrow(error as Error);
    }
  });

  it('reports an invalid character before the bound, not the bound', () => {
    const p = createPartialParser({ maxLength: 10 });
    expect(() => p.write('{"a":x,"b":2}')).toThrow('Unexpected "x" at position 5');
    expect((p.error as PartialJSONError).position).toBe(5);
  });

  it('accepts a document exactly maxLength long, and maxLength 0 takes nothing', () => {
    const p = createPartialParser({ maxLength: 7 });
    p.write('{"a":1}');
    expect(p.end()).toEqual({ a: 1 });
    const q = createPartialParser({ maxLength: 0 });
    expect(() => q.write('1')).toThrow('Input exceeds maxLength (0 characters) at position 0');
    expect(q.value).toBeUndefined();
  });
});

describe('duplicate keys: the last value replaces the first when the object closes (issue 18 item 18)', () => {
  it('keeps showing "xyz" while the object is open, then 1 at the close, as JSON.parse', () => {
    // the `1` is complete at the `,`: before the fix it replaced "xyz" there, in the open object
    const text = '{"a":"xyz","a":1,"b":2}';
    for (const chunks of everySplit(text)) {
      const p = createPartialParser();
      const { error, seen } = writeAll(p, chunks);
      expect(error).toBeUndefined();
      // the snapshots read while the object was still open (before its closing brace was written)
      const ends: number[] = [];
      for (const chunk of chunks) ends.push((ends.at(-1) ?? 0) + chunk.length);
      const open = seen.filter((_, i) => ends[i]! < text.length);
      for (const snap of open) {
        if (snap === undefined) continue;
        const a = (snap as { a?: unknown }).a;
        if (a !== undefined) expect('xyz'.startsWith(a as string), JSON.stringify(chunks)).toBe(true);
      }
      for (let i = 1; i < open.length; i++) expect(extendsValue(open[i - 1], open[i])).toBe(true);
      expect(seen.at(-1)).toEqual({ a: 1, b: 2 });
      expect(p.end()).toEqual(JSON.parse(text));
    }
  });

  it('shows a repeated key’s string neither empty nor growing', () => {
    const p = createPartialParser();
    const chunks = ['{"a":"xyz","a":"', 'q', 'r', '"', ',"b":"c', '"}'];
    const { seen } = writeAll(p, chunks);
    expect(seen).toEqual([
      { a: 'xyz' },
      { a: 'xyz' },
      { a: 'xyz' },
      { a: 'xyz' },
      { a: 'xyz', b: 'c' },
      { a: 'qr', b: 'c' },
    ]);
    // reads while the hidden value grows hand out the same snapshot
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBe(seen[0]);
    expect(Object.keys(p.end() as object)).toEqual(['a', 'b']);
  });

  it('hides a repeated key’s container, keeps the key’s first place, and says it is not complete yet', () => {
    const p = createPartialParser();
    p.write('{"a":{"x":1},"b":2,"a":[1,');
    const first = (p.value as { a: object }).a;
    expect(p.value).toEqual({ a: { x: 1 }, b: 2 });
    expect(p.isCompleteAt(['b'])).toBe(true);
    expect(p.isCompleteAt(['a'])).toBe(false); // it will be replaced
    expect(p.isCompleteAt(['a', 'x'])).toBe(false);
    p.write('2],"c":');
    expect(p.value).toEqual({ a: { x: 1 }, b: 2 });
    expect((p.value as { a: object }).a).toBe(first);
    expect(p.isCompleteAt(['a'])).toBe(false); // committed, applied at the close
    p.write('3}');
    const final = p.value as Record<string, unknown>;
    expect(final).toEqual({ a: [1, 2], b: 2, c: 3 });
    expect(Object.keys(final)).toEqual(['a', 'b', 'c']);
    expect(p.isComplete(final)).toBe(true);
    expect(p.isCompleteAt(['a'])).toBe(true);
    expect(p.end()).toBe(final);
  });

  it('replaces inside nested objects at their own close, and repeats of __proto__ stay own data', () => {
    const text = '[{"k":"v","k":{"deep":true}},{"__proto__":1,"__proto__":{"p":2}}]';
    const p = createPartialParser();
    for (const c of chunksOf(text, 3)) p.write(c);
    const final = p.end() as Array<Record<string, unknown>>;
    expect(deepEqual(final, JSON.parse(text))).toBe(true);
    expect(Object.getPrototypeOf(final[1])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(final[1], '__proto__')?.value).toEqual({ p: 2 });
  });

  it('applies the last value with a schema, and validates it', () => {
    const Schema = z.object({ a: z.number(), b: z.string() });
    const p = createPartialParser({ schema: Schema });
    p.write('{"a":"text","b":"x","a":5}');
    expect(p.end()).toEqual({ a: 5, b: 'x' });
    expect(p.issues).toEqual([]);
  });

  it('for any object with repeated keys: open snapshots only extend, end() equals JSON.parse', () => {
    const member = fc.tuple(fc.constantFrom('a', 'b', '__proto__', 'constructor'), jsonValue);
    const doc = fc
      .array(member, { minLength: 1, maxLength: 8 })
      .map(
        (members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`,
      );
    fc.assert(
      fc.property(doc, fc.array(fc.nat(), { maxLength: 30 }), (text, cuts) => {
        // every cut before the closing brace, and the brace in a chunk of its own
        const points = cuts.map((c) => c % text.length);
        const chunks = [...splitAt(text.slice(0, -1), points), '}'];
        const p = createPartialParser();
        const { error, seen } = writeAll(p, chunks);
        if (error !== undefined) return false;
        const open = seen.slice(0, -1);
        for (let i = 1; i < open.length; i++) if (!extendsValue(open[i - 1], open[i])) return false;
        const final = p.end();
        return deepEqual(final, JSON.parse(text)) && seen.at(-1) === final;
      }),
      { numRuns: 300 },
    );
  });
});

describe('validation work is bounded in depth (a deep recursive value is not re-validated at every level)', () => {
  interface Level {
    a: number;
    leaf?: boolean | undefined;
    c?: Level | undefined;
  }
  /** Levels that fail (`a` below 10), counting how often zod checks the deepest one's `leaf`. */
  function chain(depth: number) {
    let leafChecks = 0;
    const leaf = z.boolean().check(() => {
      leafChecks++;
    });
    const Level: z.ZodType<Level> = z.lazy(() =>
      z.object({ a: z.number().min(10), leaf: leaf.optional(), c: Level.optional() }),
    );
    const text = `${'{"a":1,"c":'.repeat(depth)}{"a":1,"leaf":true}${'}'.repeat(depth)}`;
    return { schema: Level, text, checks: () => leafChecks };
  }

  it('checks the deepest value 33 times, at 100 levels as at 500: its own, 31 ancestors and the root', () => {
    for (const depth of [100, 500]) {
      const { schema, text, checks } = chain(depth);
      const parser = createPartialParser({ schema });
      for (const chunk of chunksOf(text, 7)) parser.write(chunk);
      expect(() => parser.end()).toThrow(/Too small/);
      // The deepest object's check, 31 ancestors' and the root's (its members are checked with it).
      expect(checks()).toBe(33);
      // The issues are zod's for the whole value: one per level, the deepest first.
      const whole = schema.safeParse(JSON.parse(text));
      expect(parser.issues.map((i) => i.path)).toEqual(whole.error?.issues.map((i) => i.path));
      expect(parser.issues).toHaveLength(depth + 1);
    }
  });

  it('still reports a failing subtree as it closes; the taller ones are reported when the root closes', () => {
    const { schema, text } = chain(100);
    const parser = createPartialParser({ schema });
    // Up to the close of the 60th level from the bottom: the one 31 levels up holds the 31 below it.
    parser.write(text.slice(0, text.indexOf('}') + 60));
    const depths = parser.issues.map((i) => i.path.length);
    expect(depths).toHaveLength(32);
    expect(Math.max(...depths)).toBe(101);
    expect(Math.min(...depths)).toBe(70);
    parser.write(text.slice(text.indexOf('}') + 60));
    expect(() => parser.end()).toThrow(/Too small/);
    expect(parser.issues).toHaveLength(101);
  });

  interface Node {
    c?: Node | undefined;
    n?: number | undefined;
  }
  const Node: z.ZodType<Node> = z.lazy(() => z.object({ c: Node.optional(), n: z.number().optional() }));
  const nested = (depth: number, leaf: string) => `${'{"c":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

  it('a repeated key drops what the deep value before it left, while the object is open', () => {
    for (const depth of [5, 40]) {
      const parser = createPartialParser({ schema: z.object({ a: Node, b: z.string() }) });
      parser.write(`{"a":${nested(depth, '{"n":"bad"}')}`);
      expect(parser.issues).toHaveLength(1);
      parser.write(`,"a":${nested(depth, '{"n":1}')},"b":"x"`);
      expect(parser.issues).toEqual([]);
    }
  });

  it('a deep union member reports no issue of an option the union did not take', () => {
    const Alt = z.union([
      z.object({ k: z.literal('x'), c: Node }),
      z.object({ k: z.literal('y'), v: z.array(z.array(z.string())) }),
    ]);
    for (const depth of [5, 40]) {
      const parser = createPartialParser({ schema: z.object({ u: Alt, rest: z.string() }) });
      parser.write(`{"u":{"k":"y","v":[["a"]],"c":${nested(depth, '{"n":"bad"}')}},"rest":"x"`);
      expect(parser.issues).toEqual([]);
      parser.write('}');
      expect(parser.end()).toEqual({ u: { k: 'y', v: [['a']] }, rest: 'x' });
    }
  });
});
