import { partial } from '@partialkit/core';
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
    expect(() => jsonSchemaFor(z.array(z.string()), 'openai')).toThrow('object at the root');
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
