import { partial } from '@partialkit/core';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  anthropicTool,
  geminiGenerationConfig,
  jsonSchemaFor,
  openaiResponseFormat,
  openaiTool,
} from './json-schema.ts';

const Schema = partial(
  z.object({
    name: z.string().describe('Full name'),
    age: z.number().int().optional(),
    role: z.enum(['admin', 'user']),
    kind: z.literal('person'),
    tags: z.array(z.string()).nullable(),
    address: z.object({ city: z.string() }).optional(),
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

  it('openai: rejects records and non-object roots', () => {
    expect(() => jsonSchemaFor(z.object({ m: z.record(z.string(), z.number()) }), 'openai')).toThrow(
      'records',
    );
    expect(() => jsonSchemaFor(z.string(), 'openai')).toThrow('object at the root');
  });

  it('openai and anthropic: a list is wrapped in an object with one array property', () => {
    const Talk = z.object({ title: z.string(), level: z.enum(['intro', 'deep']).optional() });
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
    expect((s.properties as Record<string, unknown>).age).toEqual({ type: 'integer' });
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
        nick: v.optional(v.string()),
      }),
    );
    expect(jsonSchemaFor(Person, 'openai')).toEqual(strictPerson);
    expect(jsonSchemaFor(Person)).not.toHaveProperty('$schema');
    // The converter's own object is untouched (the plan reads it too).
    expect(Person['~standard'].jsonSchema.input({ target: 'draft-2020-12' })).toHaveProperty('$schema');
  });

  it('arktype: its own converter', () => {
    const Person = type({ name: 'string', role: "'admin' | 'user'", 'nick?': 'string' });
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
