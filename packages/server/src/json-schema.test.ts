import { fileURLToPath } from 'node:url';
import { partial, type StandardSchemaV1 } from '@partialkit/core';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import ts from 'typescript';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  anthropicTool,
  geminiGenerationConfig,
  type JSONSchema,
  jsonSchemaFor,
  openaiResponseFormat,
  openaiTextFormat,
  openaiTool,
} from './json-schema.ts';

/** JSON Pointers of every node that has a `$ref` beside other keywords. */
function refsWithSiblings(node: unknown, path = '#', out: string[] = []): string[] {
  if (Array.isArray(node)) for (const [i, n] of node.entries()) refsWithSiblings(n, `${path}/${i}`, out);
  else if (node !== null && typeof node === 'object') {
    const s = node as JSONSchema;
    if (typeof s.$ref === 'string' && Object.keys(s).length > 1) out.push(path);
    for (const [k, v] of Object.entries(s)) refsWithSiblings(v, `${path}/${k}`, out);
  }
  return out;
}

/** JSON Pointers of every schema under `properties` with none of the keywords strict mode needs for a type. */
function untypedProperties(node: unknown, path = '#', out: string[] = []): string[] {
  if (Array.isArray(node)) for (const [i, n] of node.entries()) untypedProperties(n, `${path}/${i}`, out);
  else if (node !== null && typeof node === 'object') {
    const s = node as JSONSchema;
    if (s.properties && typeof s.properties === 'object')
      for (const [name, p] of Object.entries(s.properties as JSONSchema))
        if (!['type', 'anyOf', '$ref', 'enum', 'const'].some((k) => k in (p as object)))
          out.push(`${path}/properties/${name}`);
    for (const [k, v] of Object.entries(s)) untypedProperties(v, `${path}/${k}`, out);
  }
  return out;
}

/** A Standard Schema whose JSON Schema is `json` as written (as another converter could write it). */
function fromJson(json: Record<string, unknown>): StandardSchemaV1<unknown, unknown> {
  return {
    '~standard': {
      version: 1,
      vendor: 'handwritten',
      validate: (value) => ({ value }),
      jsonSchema: { input: () => structuredClone(json) },
    },
  };
}

const Schema = partial(
  z.object({
    name: z.string().describe('Full name'),
    age: z.number().int().nullish(),
    role: z.enum(['admin', 'user']),
    kind: z.literal('person'),
    tags: z.array(z.string()).nullable(),
    address: z.object({ city: z.string() }).nullish(),
  }),
  { require: ['name'] },
);

describe('jsonSchemaFor', () => {
  it('openai: strict structured outputs (all required, no extra keys, optional → nullable)', () => {
    expect(jsonSchemaFor(Schema, 'openai')).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Full name' },
        age: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        role: { type: 'string', enum: ['admin', 'user'] },
        kind: { type: 'string', const: 'person' },
        tags: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
        address: {
          anyOf: [
            {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
              additionalProperties: false,
            },
            { type: 'null' },
          ],
        },
      },
      required: ['name', 'age', 'role', 'kind', 'tags', 'address'],
      additionalProperties: false,
    });
  });

  it('openai: a field with a default is required and not nullable (the model writes it), never null, and the keyword goes', () => {
    // As nullable the model may send null, which .default() does not replace: a ValidationError.
    const Settings = z.object({ theme: z.string(), pageSize: z.number().default(20) });
    expect(Settings.safeParse({ theme: 'dark', pageSize: null }).success).toBe(false);
    expect(jsonSchemaFor(Settings, 'openai')).toEqual({
      type: 'object',
      // No `default`: Azure OpenAI refuses the keyword, and the model writes the value anyway.
      properties: { theme: { type: 'string' }, pageSize: { type: 'number' } },
      required: ['theme', 'pageSize'],
      additionalProperties: false,
    });
    // A nullish field is not wrapped twice, also with a default; an optional one that cannot be null
    // is an error: the model sends null for it, which .optional() refuses (as openai-node's helper).
    expect(() => jsonSchemaFor(z.object({ q: z.string().optional() }), 'openai')).toThrow(
      'OpenAI strict structured outputs do not support an optional property that cannot be null ("q") (at #/properties/q): every property is required, so the model sends null where it has no value, which .optional() refuses: declare it .nullish() (or give it a .default())',
    );
    expect(() =>
      jsonSchemaFor(z.object({ a: z.object({ 'x/y': z.number().optional() }) }), 'openai'),
    ).toThrow('(at #/properties/a/properties/x~1y)');
    // A reference is judged by its definition: one that admits null is taken as it is ...
    const Addr = z.object({ city: z.string() }).nullable().meta({ id: 'Addr' });
    const withAddr = jsonSchemaFor(z.object({ a: Addr.optional() }), 'openai');
    expect([withAddr.required, (withAddr.properties as Record<string, unknown>).a]).toEqual([
      ['a'],
      { $ref: '#/$defs/Addr' },
    ]);
    // ... one that cannot is refused like any other field (null, which the model would send, fails
    // .optional()), with or without a .describe() (which inlines it), and so is a recursive one.
    const Inner = z.object({ q: z.string() }).meta({ id: 'Inner' });
    for (const a of [Inner.optional(), Inner.optional().describe('d')])
      expect(() => jsonSchemaFor(z.object({ a }), 'openai')).toThrow(
        'cannot be null ("a") (at #/properties/a)',
      );
    const Cat = z.object({
      name: z.string(),
      get next() {
        return Cat.optional();
      },
    });
    expect(() => jsonSchemaFor(Cat, 'openai')).toThrow('cannot be null ("next")');
    const Node = z.object({
      name: z.string(),
      get next() {
        return Node.nullish();
      },
    });
    expect(jsonSchemaFor(Node, 'openai').required).toEqual(['name', 'next']);
    // A partial record's keys are optional: the hint says what the user can change.
    expect(() =>
      jsonSchemaFor(z.object({ r: z.partialRecord(z.enum(['a']), z.number()) }), 'openai'),
    ).toThrow('use z.record (every key required) or make the value .nullable()');
    // Null among its values (an unknown-typed field, a literal null) needs no wrapping.
    expect(jsonSchemaFor(z.object({ n: z.null().optional() }), 'openai').properties).toEqual({
      n: { type: 'null' },
    });
    const Filters = z.object({
      q: z.string().nullish(),
      page: z.number().nullish(),
      size: z.number().nullish().default(3),
    });
    expect(jsonSchemaFor(Filters, 'openai').properties).toEqual({
      q: { type: ['string', 'null'] },
      page: { type: ['number', 'null'] },
      size: { type: ['number', 'null'] },
    });
  });

  it('openai: a pattern strict mode refuses (lookaround, backreference, \\p{…}) or one beside a format it knows goes; a plain one stays', () => {
    const schema = jsonSchemaFor(
      z.object({
        host: z.hostname(),
        span: z.iso.duration(),
        mood: z.emoji(),
        mail: z.email(),
        code: z.string().regex(/^[A-Z]{3}-\d+$/),
        twice: z.string().regex(/^(a)\1$/),
        phone: z.e164(),
      }),
      'openai',
    );
    const props = schema.properties as Record<string, JSONSchema>;
    for (const key of ['host', 'span', 'mood', 'mail', 'twice'])
      expect(props[key]?.pattern, key).toBeUndefined();
    expect(props.host?.format).toBe('hostname');
    expect(props.span?.format).toBe('duration');
    expect(props.code?.pattern).toBe('^[A-Z]{3}-\\d+$');
    expect(props.phone?.pattern).toBeDefined(); // its format is not OpenAI's: the pattern says it
  });

  it('openai: rejects records and non-object roots, naming the place', () => {
    expect(() => jsonSchemaFor(z.object({ m: z.record(z.string(), z.number()) }), 'openai')).toThrow(
      'records (objects with arbitrary keys) (at #/properties/m)',
    );
    expect(() => jsonSchemaFor(z.string(), 'openai')).toThrow('object at the root');
  });

  it('a type JSON cannot hold (z.date(), z.bigint()) is a TypeError naming the place, for every target', () => {
    const Meeting = z.object({ slots: z.array(z.object({ at: z.date() })) });
    for (const target of ['json-schema', 'openai', 'anthropic', 'gemini'] as const) {
      expect(() => jsonSchemaFor(Meeting, target)).toThrow(
        new TypeError(
          'Date cannot be represented in JSON Schema (at #/properties/slots/items/properties/at): ' +
            'stream an ISO string: z.iso.datetime() (with .transform((s) => new Date(s)) for a Date)',
        ),
      );
    }
    expect(() => jsonSchemaFor(z.object({ 'a/b': z.bigint() }))).toThrow(/\(at #\/properties\/a~1b\)/);
    // The place is the node zod's error is about, whichever it visits first; a root is '#'.
    expect(() => jsonSchemaFor(z.object({ a: z.bigint(), b: z.date() }))).toThrow(
      /^BigInt cannot be represented in JSON Schema \(at #\/properties\/a\): stream a string/,
    );
    expect(() => jsonSchemaFor(z.date())).toThrow(/^Date cannot be represented in JSON Schema \(at #\):/);
    // What the error recommends converts, and the output is a Date.
    const At = z.object({ at: z.iso.datetime().transform((s) => new Date(s)) });
    expect(jsonSchemaFor(At, 'openai').properties).toMatchObject({
      at: { type: 'string', format: 'date-time' },
    });
  });

  it('openai and anthropic: a union at the root says to wrap it in an object', () => {
    const Either = z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]);
    expect(() => jsonSchemaFor(Either, 'openai')).toThrow('a union at the root: wrap it in an object');
    expect(() => jsonSchemaFor(z.object({ a: z.string() }).nullable(), 'anthropic')).toThrow(
      'a union at the root: wrap it in an object',
    );
  });

  it('openai and anthropic: a list is wrapped in an object with one array property', () => {
    const Talk = z.object({ title: z.string(), level: z.enum(['intro', 'deep']).nullish() });
    expect(jsonSchemaFor(z.array(Talk).describe('The talks'), 'openai')).toEqual({
      type: 'object',
      properties: {
        items: {
          type: 'array',
          description: 'The talks',
          items: {
            type: 'object',
            properties: {
              title: { type: 'string' },
              level: { anyOf: [{ type: 'string', enum: ['intro', 'deep'] }, { type: 'null' }] },
            },
            required: ['title', 'level'],
            additionalProperties: false,
          },
        },
      },
      required: ['items'],
      additionalProperties: false,
    });
    expect(jsonSchemaFor(z.array(z.string()), 'anthropic')).toEqual({
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'string' } } },
      required: ['items'],
      additionalProperties: false,
    });
    expect(openaiResponseFormat(z.array(Talk), { name: 'talks' }).json_schema.schema.required).toEqual([
      'items',
    ]);
    expect(anthropicTool(z.array(Talk), { name: 'talks' }).input_schema.type).toBe('object');
    expect(openaiTool(z.array(Talk), { name: 'talks' }).function.parameters.properties).toHaveProperty(
      'items',
    );
    // other targets keep the array at the root
    expect(jsonSchemaFor(z.array(z.string()))).toEqual({ type: 'array', items: { type: 'string' } });
    expect(jsonSchemaFor(z.array(z.string()), 'gemini')).toEqual({
      type: 'array',
      items: { type: 'string' },
    });
  });

  it('openai: a wrapped list keeps its $defs, and a list that refers to itself moves into them', () => {
    type Node = { kids: Node[] };
    const Node: z.ZodType<Node> = z.object({ kids: z.lazy(() => z.array(Node)) });
    const wrapped = jsonSchemaFor(z.array(Node), 'openai');
    expect(wrapped.properties).toEqual({ items: { type: 'array', items: { $ref: '#/$defs/__schema0' } } });
    expect(Object.keys(wrapped.$defs as object)).toEqual(['__schema0']);
    type Nested = Nested[];
    const Nested: z.ZodType<Nested> = z.array(z.lazy(() => Nested));
    expect(jsonSchemaFor(Nested, 'openai')).toEqual({
      type: 'object',
      properties: { items: { $ref: '#/$defs/List' } },
      required: ['items'],
      additionalProperties: false,
      $defs: { List: { type: 'array', items: { $ref: '#/$defs/List' } } },
    });
  });

  it('anthropic: a plain JSON Schema without partialkit annotations', () => {
    const s = jsonSchemaFor(Schema.meta({ partial: 'atomic' }), 'anthropic');
    expect(s.partial).toBeUndefined();
    expect(s.$schema).toBeUndefined();
    expect(s.required).toEqual(['name', 'role', 'kind', 'tags']);
    expect((s.properties as Record<string, unknown>).age).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'null' }],
    });
  });

  it('gemini: the OpenAPI subset with nullable and propertyOrdering, $refs inlined', () => {
    const Shared = z.object({ x: z.number() });
    const s = jsonSchemaFor(
      z.object({ a: Shared, b: Shared, tags: z.array(z.string()).nullable(), kind: z.literal('k') }),
      'gemini',
    );
    expect(s).toEqual({
      type: 'object',
      properties: {
        a: {
          type: 'object',
          properties: { x: { type: 'number' } },
          required: ['x'],
          propertyOrdering: ['x'],
        },
        b: {
          type: 'object',
          properties: { x: { type: 'number' } },
          required: ['x'],
          propertyOrdering: ['x'],
        },
        tags: { type: 'array', items: { type: 'string' }, nullable: true },
        kind: { type: 'string', enum: ['k'] },
      },
      required: ['a', 'b', 'tags', 'kind'],
      propertyOrdering: ['a', 'b', 'tags', 'kind'],
    });
    type Tree = { children: Tree[] };
    const Tree: z.ZodType<Tree> = z.lazy(() => z.object({ children: z.array(Tree) }));
    expect(() => jsonSchemaFor(z.object({ t: Tree }), 'gemini')).toThrow('recursive');
  });

  it('builds ready request fragments', () => {
    expect(openaiResponseFormat(Schema, { name: 'person' })).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'person', strict: true, schema: { additionalProperties: false } },
    });
    expect(openaiTool(Schema, { name: 'save', description: 'Save it' })).toMatchObject({
      type: 'function',
      function: { name: 'save', description: 'Save it', strict: true, parameters: { type: 'object' } },
    });
    expect(anthropicTool(Schema, { name: 'save' })).toMatchObject({
      name: 'save',
      input_schema: { type: 'object' },
    });
    expect(geminiGenerationConfig(Schema)).toMatchObject({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object' },
    });
  });
});

describe('jsonSchemaFor with other Standard Schemas', () => {
  const strictPerson = {
    type: 'object',
    properties: {
      name: { type: 'string' },
      role: { type: 'string', enum: ['admin', 'user'] },
      nick: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
    required: ['name', 'role', 'nick'],
    additionalProperties: false,
  };

  it('valibot (through toStandardJsonSchema): x-partial never reaches the provider', () => {
    const Person = toStandardJsonSchema(
      v.object({
        name: v.pipe(v.string(), v.metadata({ 'x-partial': 'atomic' })),
        role: v.picklist(['admin', 'user']),
        nick: v.nullish(v.string()),
      }),
    );
    expect(jsonSchemaFor(Person, 'openai')).toEqual(strictPerson);
    expect(jsonSchemaFor(Person)).not.toHaveProperty('$schema');
    // The converter's own object is untouched (the plan reads it too).
    expect(Person['~standard'].jsonSchema.input({ target: 'draft-2020-12' })).toHaveProperty('$schema');
  });

  it('arktype: its own converter', () => {
    const Person = type({ name: 'string', role: "'admin' | 'user'", 'nick?': 'string | null' });
    const schema = jsonSchemaFor(Person, 'openai');
    expect(schema.required).toEqual(['name', 'role', 'nick']);
    expect(schema.properties).toMatchObject({ nick: { anyOf: [{ type: 'string' }, { type: 'null' }] } });
    expect(schema.additionalProperties).toBe(false);
    expect(anthropicTool(Person, { name: 'person' }).input_schema).toMatchObject({ type: 'object' });
  });

  it('a schema without a JSON Schema converter is a TypeError that says what to do', () => {
    expect(() => jsonSchemaFor(v.object({ a: v.string() }))).toThrow(/toStandardJsonSchema/);
  });
});

/** Every keyword anywhere in a schema (or request fragment). */
const keywords = (node: unknown, out = new Set<string>()): Set<string> => {
  if (Array.isArray(node)) for (const n of node) keywords(n, out);
  else if (node !== null && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      out.add(k);
      keywords(v, out);
    }
  return out;
};

const Shape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('circle'), radius: z.number() }),
  z.object({ kind: z.literal('square'), side: z.number() }),
]);

describe('jsonSchemaFor: unions', () => {
  it('openai: a discriminated union is an anyOf of strict variants, never oneOf (strict mode refuses it)', () => {
    const Drawing = z.object({ shapes: z.array(Shape) });
    const schema = jsonSchemaFor(Drawing, 'openai');
    expect(keywords(schema).has('oneOf')).toBe(false);
    expect(keywords(openaiResponseFormat(Drawing, { name: 'drawing' })).has('oneOf')).toBe(false);
    const items = (schema.properties as Record<string, { items: { anyOf?: unknown[] } }>).shapes?.items;
    expect(items?.anyOf).toHaveLength(2);
    expect(items?.anyOf?.[0]).toMatchObject({ additionalProperties: false, required: ['kind', 'radius'] });
  });

  it('gemini: a discriminated union keeps its variants as anyOf, as a property and at the root', () => {
    const s = jsonSchemaFor(z.object({ shape: Shape }), 'gemini');
    const shape = (s.properties as Record<string, Record<string, unknown>>).shape;
    expect(shape?.anyOf).toHaveLength(2);
    expect(keywords(s).has('oneOf')).toBe(false);
    const root = geminiGenerationConfig(Shape).responseSchema;
    expect(root.anyOf).toEqual([
      {
        type: 'object',
        properties: { kind: { type: 'string', enum: ['circle'] }, radius: { type: 'number' } },
        required: ['kind', 'radius'],
        propertyOrdering: ['kind', 'radius'],
      },
      {
        type: 'object',
        properties: { kind: { type: 'string', enum: ['square'] }, side: { type: 'number' } },
        required: ['kind', 'side'],
        propertyOrdering: ['kind', 'side'],
      },
    ]);
  });

  it('gemini: a keyword it cannot express is a TypeError naming the place, not dropped', () => {
    expect(() =>
      jsonSchemaFor(z.object({ s: z.intersection(z.string(), z.string().min(2)) }), 'gemini'),
    ).toThrow(
      new TypeError(
        'Gemini response schemas do not support intersections (allOf: z.intersection, or several regexes on one string) (at #/properties/s)',
      ),
    );
    expect(() => jsonSchemaFor(z.object({ a: z.string(), n: z.never().optional() }), 'gemini')).toThrow(
      'negation (not: z.never()) (at #/properties/n)',
    );
    // Refinements Gemini lacks (two regexes become an allOf of patterns) are dropped: validation checks them.
    expect(jsonSchemaFor(z.object({ s: z.string().regex(/a/).regex(/b/) }), 'gemini').properties).toEqual({
      s: { type: 'string' },
    });
  });

  it('gemini: a nullable wrapper keeps its own (outer) description', () => {
    const s = jsonSchemaFor(
      z.object({ m: z.string().describe('inner').nullable().describe('outer') }),
      'gemini',
    );
    expect(s.properties).toEqual({ m: { type: 'string', nullable: true, description: 'outer' } });
  });
});

describe('jsonSchemaFor: $ref', () => {
  type Tree = { name: string; children: Tree[] };

  it('gemini: a root that refers to itself ($ref "#") is recursion, as through $defs', () => {
    const Tree: z.ZodType<Tree> = z.object({
      name: z.string(),
      get children() {
        return z.array(Tree);
      },
    });
    expect(() => jsonSchemaFor(Tree, 'gemini')).toThrow(
      'Gemini response schemas cannot be recursive ($ref # at #/properties/children/items)',
    );
  });

  it('gemini: a $ref under a property named enum or const is inlined, with the description of its use', () => {
    const Point = z.object({ x: z.number() }).meta({ id: 'Point' });
    const s = jsonSchemaFor(z.object({ enum: Point, const: Point.describe('where') }), 'gemini');
    const point = {
      type: 'object',
      properties: { x: { type: 'number' } },
      required: ['x'],
      propertyOrdering: ['x'],
    };
    expect(s.properties).toEqual({ enum: point, const: { ...point, description: 'where' } });
  });

  const Talk = z.object({ title: z.string(), minutes: z.number().nullish() }).meta({ id: 'Talk' });

  it('openai and anthropic: a root with an id (.meta({ id })) is the object it refers to', () => {
    expect(jsonSchemaFor(Talk, 'openai')).toEqual({
      type: 'object',
      properties: { title: { type: 'string' }, minutes: { type: ['number', 'null'] } },
      required: ['title', 'minutes'],
      additionalProperties: false,
    });
    expect(jsonSchemaFor(Talk.describe('A talk'), 'anthropic')).toEqual({
      type: 'object',
      properties: { title: { type: 'string' }, minutes: { type: ['number', 'null'] } },
      required: ['title'],
      description: 'A talk',
    });
  });

  it('openai: a list with an id is wrapped like any list; a recursive root keeps its definition', () => {
    const s = jsonSchemaFor(z.array(z.object({ title: z.string() })).meta({ id: 'Talks' }), 'openai');
    expect(s.required).toEqual(['items']);
    expect(s.$defs).toBeUndefined();
    const Tree: z.ZodType<Tree> = z
      .object({
        name: z.string(),
        get children() {
          return z.array(Tree);
        },
      })
      .meta({ id: 'Tree' });
    const tree = jsonSchemaFor(Tree, 'openai');
    expect(tree.type).toBe('object');
    expect(tree.properties).toMatchObject({ children: { items: { $ref: '#/$defs/Tree' } } });
    expect(tree.$defs).toMatchObject({ Tree: { type: 'object', additionalProperties: false } });
  });

  it('openai: never sends a $ref beside other keywords (strict mode: "$ref cannot have keywords {\'description\'}")', () => {
    // A described use of a schema with an id, and a described recursive field: zod writes `{ $ref, description }`.
    const Point = z.object({ x: z.number() }).meta({ id: 'Point' });
    type Cat = { name: string; parent?: Cat | null | undefined };
    const Cat: z.ZodType<Cat> = z.object({
      name: z.string(),
      parent: z
        .lazy(() => Cat)
        .nullish()
        .describe('the parent'),
    });
    const s = jsonSchemaFor(z.object({ at: Point.describe('where'), cat: Cat }), 'openai');
    expect(refsWithSiblings(s)).toEqual([]);
    // The definition is inlined with the description of its use (and goes: nothing else refers to it);
    // the recursive one cannot be, so its reference is bare.
    const props = s.properties as Record<string, JSONSchema>;
    expect(props.at).toEqual({
      type: 'object',
      properties: { x: { type: 'number' } },
      required: ['x'],
      additionalProperties: false,
      description: 'where',
    });
    expect(Object.keys(s.$defs as object)).toEqual(['__schema0']);
    expect(props.cat).toEqual({ $ref: '#/$defs/__schema0' });
    expect((s.$defs as Record<string, JSONSchema>).__schema0?.properties).toMatchObject({
      parent: { anyOf: [{ $ref: '#/$defs/__schema0' }, { type: 'null' }] },
    });
    // A keyword beside a recursive $ref that is more than an annotation is a TypeError, not dropped.
    const Loop = fromJson({
      type: 'object',
      properties: { next: { $ref: '#', minProperties: 1 } },
      required: ['next'],
    });
    expect(() => jsonSchemaFor(Loop, 'openai')).toThrow(
      'OpenAI strict structured outputs do not support keywords beside a recursive $ref (minProperties) (at #/properties/next)',
    );
  });
});

/** Every subschema of a strict OpenAI schema must be an object with a type (or anyOf/$ref/enum/const). */
function strictProblems(node: unknown, path = '#'): string[] {
  if (typeof node === 'boolean') return [`${path}: boolean schema`];
  const s = node as JSONSchema;
  const problems: string[] = [];
  if (!['type', 'anyOf', '$ref', 'enum', 'const'].some((k) => k in s)) problems.push(`${path}: no type`);
  if ('prefixItems' in s) problems.push(`${path}: prefixItems`);
  for (const [name, p] of Object.entries((s.properties ?? {}) as object))
    problems.push(...strictProblems(p, `${path}/properties/${name}`));
  if (s.items !== undefined) problems.push(...strictProblems(s.items, `${path}/items`));
  for (const [i, o] of ((s.anyOf ?? []) as unknown[]).entries())
    problems.push(...strictProblems(o, `${path}/anyOf/${i}`));
  return problems;
}

/** What Gemini refuses: a non-schema where a schema goes, an OBJECT without properties. */
function geminiProblems(node: unknown, path = '#'): string[] {
  if (typeof node !== 'object' || node === null) return [`${path}: ${JSON.stringify(node)} is not a Schema`];
  const s = node as JSONSchema;
  const problems: string[] = [];
  if (s.type === 'object' && Object.keys((s.properties ?? {}) as object).length === 0)
    problems.push(`${path}: OBJECT without properties`);
  for (const [name, p] of Object.entries((s.properties ?? {}) as object))
    problems.push(...geminiProblems(p, `${path}/properties/${name}`));
  if ('items' in s) problems.push(...geminiProblems(s.items, `${path}/items`));
  for (const [i, o] of ((s.anyOf ?? []) as unknown[]).entries())
    problems.push(...geminiProblems(o, `${path}/anyOf/${i}`));
  return problems;
}

/** Every `enum` list anywhere in a schema. */
function enums(node: unknown, out: unknown[][] = []): unknown[][] {
  if (Array.isArray(node)) for (const n of node) enums(n, out);
  else if (node !== null && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === 'enum') out.push(v as unknown[]);
      else enums(v, out);
    }
  return out;
}

describe('jsonSchemaFor: what strict mode and Gemini cannot express', () => {
  const Point = z.tuple([z.number(), z.number()]);
  const fixedPair = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 };

  it('openai: only the string formats OpenAI supports, no contentEncoding', () => {
    const OPENAI_FORMATS = [
      'date-time',
      'time',
      'date',
      'duration',
      'email',
      'hostname',
      'ipv4',
      'ipv6',
      'uuid',
    ];
    const Link = z.object({ url: z.url(), thumbnail: z.base64(), id: z.cuid(), email: z.email() });
    const props = jsonSchemaFor(Link, 'openai').properties as Record<string, Record<string, unknown>>;
    for (const [name, s] of Object.entries(props)) {
      if (s.format !== undefined) expect(OPENAI_FORMATS, `format of ${name}`).toContain(s.format);
      expect(s, name).not.toHaveProperty('contentEncoding');
    }
    expect(props.email?.format).toBe('email'); // a supported one stays
    expect(props.id?.pattern).toBeDefined(); // the pattern still constrains the string
  });

  it('openai: a tuple of one schema is a fixed-length array; any other tuple is a TypeError naming it', () => {
    const s = jsonSchemaFor(z.object({ point: Point }), 'openai');
    expect(s.properties).toEqual({ point: fixedPair });
    expect(strictProblems(s)).toEqual([]);
    expect(() => jsonSchemaFor(z.object({ pair: z.tuple([z.string(), z.number()]) }), 'openai')).toThrow(
      new TypeError(
        'OpenAI strict structured outputs do not support tuples (at #/properties/pair): use an object with a named property per position',
      ),
    );
  });

  it('openai: z.unknown() / z.any() are a TypeError naming the place, not a typeless {}', () => {
    for (const payload of [z.unknown(), z.any()])
      expect(() => jsonSchemaFor(z.object({ payload }), 'openai')).toThrow(
        'values of any type (z.any(), z.unknown()) (at #/properties/payload)',
      );
    expect(() => jsonSchemaFor(z.object({ list: z.array(z.unknown()) }), 'openai')).toThrow(
      '(at #/properties/list/items)',
    );
    // An open object is still closed, not refused for its `additionalProperties: {}`.
    expect(jsonSchemaFor(z.looseObject({ a: z.string() }), 'openai').additionalProperties).toBe(false);
  });

  it('openai: an object typed ["object", "null"] is made strict like any object (additionalProperties false, all required)', () => {
    const Schema = fromJson({
      type: 'object',
      properties: {
        o: {
          type: ['object', 'null'],
          properties: { a: { type: 'string' }, b: { type: ['number', 'null'] } },
          required: ['a'],
        },
      },
      required: ['o'],
    });
    const o = (jsonSchemaFor(Schema, 'openai').properties as Record<string, JSONSchema>).o!;
    expect(o.additionalProperties).toBe(false);
    expect(o.required).toEqual(['a', 'b']);
  });

  it('openai: an enum-keyed record of z.unknown() is a TypeError, not properties typed {} (which strict mode refuses)', () => {
    const Schema = z.object({ r: z.record(z.enum(['a', 'b']), z.unknown()) });
    let out: JSONSchema | undefined;
    let error: unknown;
    try {
      out = jsonSchemaFor(Schema, 'openai');
    } catch (e) {
      error = e;
    }
    expect(out === undefined ? [] : untypedProperties(out)).toEqual([]);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      'OpenAI strict structured outputs do not support values of any type (z.any(), z.unknown()) (at #/properties/r/additionalProperties): give the value a type',
    );
    // With a typed value it is an object with a property per key, as before.
    const typed = jsonSchemaFor(z.object({ r: z.record(z.enum(['a', 'b']), z.number()) }), 'openai');
    expect(typed.properties).toEqual({
      r: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
        additionalProperties: false,
      },
    });
  });

  it("gemini: an integer's exclusive bounds become inclusive ones; a number's are dropped (the validation checks them)", () => {
    const S = z.object({
      positive: z.int().positive(),
      below: z.int().lt(10).gte(-3),
      both: z.int().gt(2).min(5).lt(8),
      ratio: z.number().positive(),
    });
    expect(jsonSchemaFor(S, 'gemini').properties).toMatchObject({
      positive: { type: 'integer', minimum: 1 },
      below: { type: 'integer', minimum: -3, maximum: 9 },
      both: { type: 'integer', minimum: 5, maximum: 7 },
    });
    const ratio = (jsonSchemaFor(S, 'gemini').properties as Record<string, object>).ratio;
    expect(ratio).toEqual({ type: 'number' });
  });

  it('gemini: enum values are strings; other literals are pinned by minimum/maximum, boolean, nullable', () => {
    const Dice = z.object({
      sides: z.literal([4, 6, 8]),
      version: z.literal(2),
      agreed: z.literal(true),
      nothing: z.literal(null),
      label: z.enum(['a', 'b']),
    });
    const schema = geminiGenerationConfig(Dice).responseSchema;
    const values = enums(schema).flat();
    expect(values.filter((v) => typeof v !== 'string')).toEqual([]);
    expect(values).toEqual(expect.arrayContaining(['a', 'b'])); // string enums stay
    const exactly = (n: number) => ({ type: 'number', minimum: n, maximum: n });
    expect(schema.properties).toMatchObject({
      sides: { anyOf: [exactly(4), exactly(6), exactly(8)] },
      version: exactly(2),
      agreed: { type: 'boolean' },
      nothing: { type: 'null' },
      label: { type: 'string', enum: ['a', 'b'] },
    });
    expect(jsonSchemaFor(z.object({ v: z.literal(3).nullable() }), 'gemini').properties).toEqual({
      v: { ...exactly(3), nullable: true },
    });
    // arktype writes a string union as a bare enum: Gemini takes enum only on a STRING.
    expect(jsonSchemaFor(type({ role: "'admin' | 'user'" }), 'gemini').properties).toEqual({
      role: { type: 'string', enum: ['admin', 'user'] },
    });
  });

  it('gemini: only the formats Gemini takes (string: date-time; integer: int32, int64; number: float, double)', () => {
    // Any other is a 400 "format: only 'enum' and 'date-time' are supported for STRING type".
    const Contact = z.object({
      email: z.email(),
      site: z.url(),
      id: z.uuid(),
      birthday: z.iso.date(),
      seenAt: z.iso.datetime(),
    });
    expect(geminiGenerationConfig(Contact).responseSchema).toEqual({
      type: 'object',
      properties: {
        email: { type: 'string' },
        site: { type: 'string' },
        id: { type: 'string' },
        birthday: { type: 'string' },
        seenAt: { type: 'string', format: 'date-time' },
      },
      required: ['email', 'site', 'id', 'birthday', 'seenAt'],
      propertyOrdering: ['email', 'site', 'id', 'birthday', 'seenAt'],
    });
    const Sizes = z.object({
      count: z.int().meta({ format: 'int64' }),
      ratio: z.number().meta({ format: 'double' }),
      weight: z.number().meta({ format: 'int32' }), // an integer's format on a number
      backup: z.email().nullable(), // checked on the type a nullable union collapses into
      seen: z.iso.datetime().nullable(),
    });
    expect(jsonSchemaFor(Sizes, 'gemini').properties).toEqual({
      count: { type: 'integer', format: 'int64' },
      ratio: { type: 'number', format: 'double' },
      weight: { type: 'number' },
      backup: { type: 'string', nullable: true },
      seen: { type: 'string', format: 'date-time', nullable: true },
    });
  });

  it('gemini: a tuple of one schema is a fixed-length array; any other tuple is a TypeError naming it', () => {
    const s = jsonSchemaFor(z.object({ point: Point }), 'gemini');
    expect(s.properties).toEqual({ point: fixedPair });
    expect(geminiProblems(s)).toEqual([]);
    expect(() => jsonSchemaFor(z.object({ pair: z.tuple([z.string(), z.number()]) }), 'gemini')).toThrow(
      new TypeError(
        'Gemini response schemas do not support tuples (at #/properties/pair): use an object with a named property per position',
      ),
    );
  });

  it('gemini: a record is a TypeError, an enum-keyed record an object, z.object({}) a TypeError', () => {
    expect(() => jsonSchemaFor(z.object({ scores: z.record(z.string(), z.number()) }), 'gemini')).toThrow(
      'records (objects with arbitrary keys) (at #/properties/scores)',
    );
    const s = jsonSchemaFor(z.object({ scores: z.record(z.enum(['a', 'b']), z.number()) }), 'gemini');
    expect(s.properties).toEqual({
      scores: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
        propertyOrdering: ['a', 'b'],
      },
    });
    expect(geminiProblems(s)).toEqual([]);
    expect(() => jsonSchemaFor(z.object({ empty: z.object({}) }), 'gemini')).toThrow(
      'objects without properties (z.object({})) (at #/properties/empty)',
    );
  });
});

describe('request fragments', () => {
  it('openai: a name outside ^[a-zA-Z0-9_-]{1,64}$ is a TypeError before any request', () => {
    const Weather = z.object({ city: z.string() });
    expect(() => openaiTool(Weather, { name: 'get weather' })).toThrow(/OpenAI names must match/);
    expect(() => openaiResponseFormat(Weather, { name: 'x'.repeat(65) })).toThrow(TypeError);
    expect(() => openaiTextFormat(Weather, { name: 'wetter.heute' })).toThrow(TypeError);
    expect(openaiTool(Weather, { name: 'get_weather-2' }).function.name).toBe('get_weather-2');
  });

  it('anthropicTool fits @anthropic-ai/sdk Tool (input_schema type "object"), description may be undefined', () => {
    // Type-checks a tiny in-memory file against the real SDK types (vitest's typecheck covers only
    // packages/react's *.test-d files).
    const here = fileURLToPath(new URL('.', import.meta.url));
    const probe = `${here}__anthropic_tool_probe.ts`;
    const source = `
import type Anthropic from '@anthropic-ai/sdk';
import * as z from 'zod';
import { anthropicTool } from './json-schema.ts';
const Weather = z.object({ city: z.string() });
declare const description: string | undefined;
export const tools: Anthropic.Tool[] = [anthropicTool(Weather, { name: 'get_weather', description })];
`;
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ['@partialkit/source'],
      allowImportingTsExtensions: true,
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (f) => f === probe || fileExists(f);
    host.readFile = (f) => (f === probe ? source : readFile(f));
    host.getSourceFile = (f, v, ...rest) =>
      f === probe ? ts.createSourceFile(f, source, v) : getSourceFile(f, v, ...rest);
    const program = ts.createProgram([probe], options, host);
    const diagnostics = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(probe))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
