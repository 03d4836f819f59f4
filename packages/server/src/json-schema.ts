import type { StandardSchemaV1 } from '@partialkit/core';
import * as z4 from 'zod/v4/core';

/** A JSON Schema object, as produced by `z.toJSONSchema` and reshaped per provider. */
export type JSONSchema = { [key: string]: unknown };

export type SchemaTarget = 'json-schema' | 'openai' | 'anthropic' | 'gemini';

const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** The property that holds a list wrapped in an object for providers that need an object root. */
export const LIST_KEY = 'items';

/**
 * The JSON Schema of a schema (its input side, which is what the model writes), shaped for a provider.
 * A zod 4 schema is converted by zod; any other Standard Schema through its Standard JSON Schema
 * converter (`~standard.jsonSchema`: arktype; valibot wrapped in `toStandardJsonSchema`).
 * Targets:
 * - `openai`: strict structured outputs: every property required, `additionalProperties: false`,
 *   optional properties made nullable (the model then sends `null`: use `.nullish()` for such fields).
 * - `anthropic`: a plain JSON Schema for a tool's `input_schema`.
 * - `gemini`: the OpenAPI subset of `responseSchema` (`nullable`, `propertyOrdering`, no `$ref`).
 * OpenAI and Anthropic need an object at the root: an array schema (`z.array(Item)`) becomes an object
 * with one required array property, `{ "items": [...] }` ({@link LIST_KEY}), which `streamItems` and
 * `usePartialItems` unwrap with no configuration.
 * partialkit's own annotations (`.meta({ partial })`, `x-partial`) never reach the output.
 */
export function jsonSchemaFor(schema: StandardSchemaV1, target: SchemaTarget = 'json-schema'): JSONSchema {
  let raw = rawJsonSchema(schema);
  delete raw.$schema;
  if (target === 'openai' || target === 'anthropic') raw = wrapList(raw);
  const defs = (raw.$defs ?? {}) as Record<string, JSONSchema>;
  switch (target) {
    case 'openai':
      requireObjectRoot(raw, target);
      return visit(raw, strictOpenAI) as JSONSchema;
    case 'anthropic':
      requireObjectRoot(raw, target);
      return visit(raw, tidy) as JSONSchema;
    case 'gemini': {
      const inlined = inline(raw, defs, []);
      delete inlined.$defs;
      return visit(inlined, geminiNode) as JSONSchema;
    }
    default:
      return visit(raw, tidy) as JSONSchema;
  }
}

/** A fresh (mutable) input-side JSON Schema of any Standard Schema. */
function rawJsonSchema(schema: StandardSchemaV1): JSONSchema {
  if ('_zod' in schema)
    return z4.toJSONSchema(schema as z4.$ZodType, { io: 'input', unrepresentable: 'throw' }) as JSONSchema;
  const converter = schema['~standard'].jsonSchema;
  if (!converter) {
    throw new TypeError(
      `This ${schema['~standard'].vendor} schema has no JSON Schema converter (~standard.jsonSchema)` +
        (schema['~standard'].vendor === 'valibot'
          ? ': wrap it in toStandardJsonSchema from @valibot/to-json-schema'
          : ''),
    );
  }
  // A copy: the converter may hand out a cached object, and the targets below rewrite it in place.
  return structuredClone(converter.input({ target: 'draft-2020-12' })) as JSONSchema;
}

/** An array schema as `{ items: [...] }`; a `$ref` to the root (a recursive list) moves into `$defs`. */
function wrapList(raw: JSONSchema): JSONSchema {
  if (raw.type !== 'array') return raw;
  const { $defs, ...list } = raw;
  const defs = { ...($defs as Record<string, JSONSchema> | undefined) };
  let items: JSONSchema = list;
  if (refersTo(raw, '#')) {
    let name = 'List';
    while (name in defs) name = `_${name}`;
    const pointer = `#/$defs/${name}`;
    for (const key of Object.keys(defs)) defs[key] = retarget(defs[key], '#', pointer) as JSONSchema;
    defs[name] = retarget(list, '#', pointer) as JSONSchema;
    items = { $ref: pointer };
  }
  return {
    type: 'object',
    properties: { [LIST_KEY]: items },
    required: [LIST_KEY],
    additionalProperties: false,
    ...(Object.keys(defs).length > 0 && { $defs: defs }),
  };
}

function refersTo(node: unknown, ref: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  if ((node as JSONSchema).$ref === ref) return true;
  return Object.values(node).some((v) => refersTo(v, ref));
}

function retarget(node: unknown, from: string, to: string): unknown {
  if (Array.isArray(node)) return node.map((n) => retarget(n, from, to));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && v === from ? to : retarget(v, from, to)]),
  );
}

function requireObjectRoot(s: JSONSchema, target: string): void {
  if (s.type !== 'object')
    throw new TypeError(`${target} needs an object at the root of the schema (got ${String(s.type)})`);
}

/** Applies `fn` to every schema node, bottom-up. */
function visit(node: unknown, fn: (n: JSONSchema) => JSONSchema): unknown {
  if (Array.isArray(node)) return node.map((n) => visit(n, fn));
  if (node === null || typeof node !== 'object') return node;
  const out: JSONSchema = {};
  for (const [k, v] of Object.entries(node)) {
    // `properties` and `$defs` map names to schemas; `enum`/`const`/`required` hold data, not schemas.
    if (k === 'properties' || k === '$defs') {
      out[k] = Object.fromEntries(Object.entries(v as JSONSchema).map(([name, s]) => [name, visit(s, fn)]));
    } else if (k === 'enum' || k === 'const' || k === 'required' || k === 'default' || k === 'examples')
      out[k] = v;
    else out[k] = visit(v, fn);
  }
  return fn(out);
}

function tidy(n: JSONSchema): JSONSchema {
  delete n.partial;
  delete n['x-partial'];
  if (n.type === 'integer') {
    if (n.minimum === -SAFE_INT) delete n.minimum;
    if (n.maximum === SAFE_INT) delete n.maximum;
  }
  return n;
}

function isNullable(s: JSONSchema): boolean {
  if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'))) return true;
  return Array.isArray(s.anyOf) && (s.anyOf as JSONSchema[]).some(isNullable);
}

function strictOpenAI(n: JSONSchema): JSONSchema {
  tidy(n);
  if (n.type === 'object') {
    const props = (n.properties ?? {}) as Record<string, JSONSchema>;
    if (
      n.additionalProperties !== undefined &&
      n.additionalProperties !== false &&
      !Object.keys(props).length
    ) {
      throw new TypeError(
        'OpenAI strict structured outputs do not support records (objects with arbitrary keys)',
      );
    }
    const required = new Set((n.required ?? []) as string[]);
    for (const [name, s] of Object.entries(props)) {
      if (!required.has(name) && !isNullable(s)) props[name] = { anyOf: [s, { type: 'null' }] };
    }
    n.properties = props;
    n.required = Object.keys(props);
    n.additionalProperties = false;
  }
  return n;
}

function inline(node: unknown, defs: Record<string, JSONSchema>, seen: string[]): JSONSchema {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const ref = (v as JSONSchema).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
      const name = ref.slice('#/$defs/'.length);
      if (seen.includes(name))
        throw new TypeError(`Gemini response schemas cannot be recursive ($ref ${ref})`);
      return inline(defs[name], defs, [...seen, name]);
    }
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, k === 'enum' || k === 'const' ? x : walk(x)]),
    );
  };
  return walk(node) as JSONSchema;
}

const GEMINI_KEYS = new Set([
  'type',
  'format',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'propertyOrdering',
  'items',
  'anyOf',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'title',
]);

function geminiNode(n: JSONSchema): JSONSchema {
  tidy(n);
  if (Array.isArray(n.type)) {
    const types = (n.type as string[]).filter((t) => t !== 'null');
    if (types.length < (n.type as string[]).length) n.nullable = true;
    if (types.length === 1) n.type = types[0];
    else {
      n.anyOf = types.map((type) => ({ type }));
      delete n.type;
    }
  }
  if (Array.isArray(n.anyOf)) {
    const options = (n.anyOf as JSONSchema[]).filter((o) => o.type !== 'null');
    if (options.length < (n.anyOf as JSONSchema[]).length) n.nullable = true;
    if (options.length === 1) {
      delete n.anyOf;
      Object.assign(n, options[0], n.nullable ? { nullable: true } : {});
    } else n.anyOf = options;
  }
  if (n.const !== undefined) n.enum = [n.const];
  if (n.type === 'object' && n.properties) n.propertyOrdering = Object.keys(n.properties as object);
  for (const key of Object.keys(n)) if (!GEMINI_KEYS.has(key)) delete n[key];
  return n;
}

export interface ToolInfo {
  name: string;
  description?: string;
}

const named = (info: ToolInfo) => ({
  name: info.name,
  ...(info.description && { description: info.description }),
});

/** `response_format` for Chat Completions with strict structured outputs. */
export function openaiResponseFormat(schema: StandardSchemaV1, info: ToolInfo) {
  return {
    type: 'json_schema' as const,
    json_schema: { ...named(info), strict: true, schema: jsonSchemaFor(schema, 'openai') },
  };
}

/** `text.format` for the Responses API with strict structured outputs. */
export function openaiTextFormat(schema: StandardSchemaV1, info: ToolInfo) {
  return {
    type: 'json_schema' as const,
    ...named(info),
    strict: true,
    schema: jsonSchemaFor(schema, 'openai'),
  };
}

/** A strict function tool for Chat Completions. */
export function openaiTool(schema: StandardSchemaV1, info: ToolInfo) {
  return {
    type: 'function' as const,
    function: { ...named(info), strict: true, parameters: jsonSchemaFor(schema, 'openai') },
  };
}

/** An Anthropic tool definition whose `input_schema` is the schema. */
export function anthropicTool(schema: StandardSchemaV1, info: ToolInfo) {
  return { ...named(info), input_schema: jsonSchemaFor(schema, 'anthropic') };
}

/** Gemini `generationConfig` for JSON output following the schema. */
export function geminiGenerationConfig(schema: StandardSchemaV1) {
  return { responseMimeType: 'application/json' as const, responseSchema: jsonSchemaFor(schema, 'gemini') };
}
