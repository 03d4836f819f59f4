import type { StandardSchemaV1 } from '@partialkit/core';
import * as z4 from 'zod/v4/core';

/** A JSON Schema object, as produced by `z.toJSONSchema` and reshaped per provider. */
export type JSONSchema = { [key: string]: unknown };

/** What the `openai` and `anthropic` targets return: both providers need an object at the root. */
export type ObjectJSONSchema = JSONSchema & { type: 'object' };

export type SchemaTarget = 'json-schema' | 'openai' | 'anthropic' | 'gemini';

const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** The property that holds a list wrapped in an object for providers that need an object root. */
export const LIST_KEY = 'items';

/**
 * The JSON Schema of a schema (its input side, which is what the model writes), shaped for a provider.
 * A zod 4 schema is converted by zod; any other Standard Schema through its Standard JSON Schema
 * converter (`~standard.jsonSchema`: arktype; valibot wrapped in `toStandardJsonSchema`).
 * Targets:
 * - `openai`: strict structured outputs: every property required, `additionalProperties: false`; an
 *   optional property must admit `null` (`.nullish()`: the model sends `null` where it has no value),
 *   else it is a TypeError,
 *   one with a default required without its `default` keyword (the model writes its value; Azure
 *   refuses the keyword), unions as `anyOf`, only the string
 *   formats OpenAI knows, never a `$ref` beside other keywords (its definition inlined instead).
 * - `anthropic`: a plain JSON Schema for a tool's `input_schema`.
 * - `gemini`: the OpenAPI subset of `responseSchema` (`nullable`, `propertyOrdering`, no `$ref`, unions
 *   as `anyOf`, string-only `enum`, only the formats Gemini knows).
 * OpenAI and Anthropic need an object at the root: an array schema (`z.array(Item)`) becomes an object
 * with one required array property, `{ "items": [...] }` ({@link LIST_KEY}), which `streamItems` and
 * `usePartialItems` unwrap with no configuration; a root with an id (`.meta({ id })`) is the object it
 * refers to.
 * A tuple whose positions share one schema becomes a fixed-length array; an enum-keyed record an object.
 * What a provider cannot express (other tuples, records, intersections, `z.any()` for OpenAI) is a
 * TypeError naming the place (a JSON Pointer such as `#/properties/point`), never silently dropped; only
 * refinements the final validation checks anyway (a `pattern` or `format` the provider lacks) are.
 * partialkit's own annotations (`.meta({ partial })`, `x-partial`) never reach the output.
 */
export function jsonSchemaFor(schema: StandardSchemaV1, target: 'openai' | 'anthropic'): ObjectJSONSchema;
export function jsonSchemaFor(schema: StandardSchemaV1, target?: SchemaTarget): JSONSchema;
export function jsonSchemaFor(schema: StandardSchemaV1, target: SchemaTarget = 'json-schema'): JSONSchema {
  const raw = rawJsonSchema(schema);
  delete raw.$schema;
  switch (target) {
    case 'openai': {
      const root = wrapList(derefRoot(raw));
      requireObjectRoot(root, target);
      // Bare refs last: a recursive ref's `default` still counts when its object is made strict.
      const inlined = inlineRefSiblings(root);
      const strict = visit(inlined, (n, path, position) => strictOpenAI(n, path, position, inlined));
      return visit(strict, bareRef) as ObjectJSONSchema;
    }
    case 'anthropic': {
      const root = wrapList(derefRoot(raw));
      requireObjectRoot(root, target);
      return visit(root, tidy) as ObjectJSONSchema;
    }
    case 'gemini': {
      const { $defs, ...root } = raw;
      const inlined = inline(root, ($defs ?? {}) as Record<string, JSONSchema>, [], '#');
      return visit(inlined, geminiNode) as JSONSchema;
    }
    default:
      return visit(raw, tidy) as JSONSchema;
  }
}

/** A fresh (mutable) input-side JSON Schema of any Standard Schema. */
function rawJsonSchema(schema: StandardSchemaV1): JSONSchema {
  if ('_zod' in schema) return zodJsonSchema(schema as z4.$ZodType);
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

const DEFS = '#/$defs/';

/**
 * Keywords that only annotate: beside a root `$ref` they do not stop it being replaced by its target;
 * beside a recursive one, OpenAI strict mode goes without them ({@link bareRef}).
 */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
]);

/**
 * A root that only refers into `$defs` (zod's `.meta({ id })`) replaced by the schema it refers to, so
 * a root object (or list) is seen as one; the definition stays while something still refers to it.
 */
function derefRoot(raw: JSONSchema): JSONSchema {
  const { $ref, $defs, ...rest } = raw;
  if (typeof $ref !== 'string' || !$ref.startsWith(DEFS)) return raw;
  if (Object.keys(rest).some((k) => !ANNOTATIONS.has(k))) return raw;
  const defs = { ...($defs as Record<string, JSONSchema> | undefined) };
  const name = defName($ref);
  const target = defs[name];
  if (!target) return raw;
  if (!refersTo(defs, $ref)) delete defs[name];
  return { ...target, ...rest, ...(Object.keys(defs).length > 0 && { $defs: defs }) };
}

/** The `$defs` name a `#/$defs/…` pointer names (JSON Pointer escapes undone). */
function defName(ref: string): string {
  return ref.slice(DEFS.length).replaceAll('~1', '/').replaceAll('~0', '~');
}

/** A name as one JSON Pointer segment, for the paths in error messages. */
function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
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
    const pointer = `${DEFS}${name}`;
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
  if (s.type === 'object') return;
  const got =
    s.anyOf !== undefined || s.oneOf !== undefined || Array.isArray(s.type)
      ? 'a union at the root: wrap it in an object'
      : `got ${s.type === undefined ? 'a schema without a type' : String(s.type)}`;
  throw new TypeError(`${target} needs an object at the root of the schema (${got})`);
}

const isSchemaObject = (v: unknown): v is JSONSchema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords whose value is a subschema or a list of them (the JSON Schema 2020-12 applicators). */
const SUBSCHEMA_KEYS = new Set([
  'items',
  'prefixItems',
  'additionalItems',
  'additionalProperties',
  'propertyNames',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);

/** Keywords whose value maps names to subschemas. Every other keyword (`enum`, `const`, …) holds data. */
const SUBSCHEMA_MAPS = new Set([
  'properties',
  '$defs',
  'definitions',
  'patternProperties',
  'dependentSchemas',
]);

/** The keyword a subschema sits under (`''` at the root), for rules that depend on the position. */
type Position = string;

type NodeFn = (n: JSONSchema, path: string, position: Position) => JSONSchema;

/** A copy of `s` with `f` applied to each direct subschema, given its JSON Pointer and keyword. */
function mapSubschemas(
  s: JSONSchema,
  path: string,
  f: (child: unknown, path: string, position: Position) => unknown,
): JSONSchema {
  const out: JSONSchema = {};
  for (const [k, v] of Object.entries(s)) {
    const at = `${path}/${pointerToken(k)}`;
    if (SUBSCHEMA_MAPS.has(k) && isSchemaObject(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([name, c]) => [name, f(c, `${at}/${pointerToken(name)}`, k)]),
      );
    } else if (!SUBSCHEMA_KEYS.has(k)) out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map((c, i) => f(c, `${at}/${i}`, k));
    else out[k] = f(v, at, k);
  }
  return out;
}

/** Applies `fn` to every schema node, bottom-up (a boolean schema is left as it is). */
function visit(node: unknown, fn: NodeFn, path = '#', position: Position = ''): unknown {
  if (!isSchemaObject(node)) return node;
  return fn(
    mapSubschemas(node, path, (c, p, k) => visit(c, fn, p, k)),
    path,
    position,
  );
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

type Provider = 'openai' | 'gemini';

const PROVIDER_LABEL: Record<Provider, string> = {
  openai: 'OpenAI strict structured outputs',
  gemini: 'Gemini response schemas',
};

/**
 * zod types JSON cannot hold: how zod's error about each begins, and what to stream instead where there
 * is a usual way.
 */
const NOT_JSON: Record<string, readonly [reason: string, hint: string]> = {
  date: ['Date', 'stream an ISO string: z.iso.datetime() (with .transform((s) => new Date(s)) for a Date)'],
  bigint: ['BigInt', 'stream a string or a number (z.string().transform(BigInt))'],
  map: ['Map', 'stream an object or an array of pairs'],
  set: ['Set', 'stream an array'],
  undefined: ['Undefined', ''],
  void: ['Void', ''],
  symbol: ['Symbol', ''],
  nan: ['NaN', ''],
  function: ['Function', ''],
  custom: ['Custom', ''],
};

/**
 * zod's input-side JSON Schema. What JSON cannot hold (a `z.date()`, a `z.bigint()`) is a TypeError
 * naming the place, as for what a provider cannot express: zod's own error names neither.
 */
function zodJsonSchema(schema: z4.$ZodType): JSONSchema {
  try {
    return z4.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as JSONSchema;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // A second pass finds the node zod refused: the first of the type its error names (zod may visit
    // another unrepresentable node first).
    let place: string | undefined;
    let hint = '';
    z4.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
      override: (ctx) => {
        const known = NOT_JSON[ctx.zodSchema._zod.def.type];
        if (place !== undefined || !known || !reason.startsWith(known[0])) return;
        place = ['#', ...ctx.path.map((k) => String(k).replaceAll('~', '~0').replaceAll('/', '~1'))].join(
          '/',
        );
        hint = known[1];
      },
    });
    throw new TypeError(`${reason}${place ? ` (at ${place})` : ''}${hint ? `: ${hint}` : ''}`, {
      cause: error,
    });
  }
}

/** The TypeError for a construct a provider cannot express, at `path` (a JSON Pointer into the schema). */
function unsupported(provider: Provider, what: string, path: string, hint?: string): TypeError {
  return new TypeError(
    `${PROVIDER_LABEL[provider]} do not support ${what} (at ${path})${hint ? `: ${hint}` : ''}`,
  );
}

const CONDITIONALS = 'conditionals (if/then/else)';

/**
 * Keywords whose constraint neither provider can express, with how to say what the schema uses:
 * dropping them would let through values the schema forbids, so they are a TypeError.
 */
const STRUCTURE_KEYWORDS = new Map([
  ['allOf', 'intersections (allOf: z.intersection, or several regexes on one string)'],
  ['not', 'negation (not: z.never())'],
  ['if', CONDITIONALS],
  ['then', CONDITIONALS],
  ['else', CONDITIONALS],
  ['contains', 'contains'],
  ['dependentSchemas', 'dependentSchemas'],
  ['dependentRequired', 'dependentRequired'],
  ['unevaluatedItems', 'unevaluatedItems'],
  ['unevaluatedProperties', 'unevaluatedProperties'],
]);

function rejectStructure(n: JSONSchema, provider: Provider, path: string): void {
  for (const key of Object.keys(n)) {
    const what = STRUCTURE_KEYWORDS.get(key);
    if (what) throw unsupported(provider, what, path);
  }
}

/**
 * zod writes a discriminated union as `oneOf`; both providers take unions only as `anyOf`, which accepts
 * the same values when the branches are disjoint (as a discriminator makes them). The final validation
 * still checks what `anyOf` lets through (a `z.xor` value matching two branches).
 */
function oneOfToAnyOf(n: JSONSchema, provider: Provider, path: string): void {
  if (!Array.isArray(n.oneOf)) return;
  if (n.anyOf !== undefined) throw unsupported(provider, 'oneOf beside anyOf', path);
  n.anyOf = n.oneOf;
  delete n.oneOf;
}

/**
 * A tuple whose positions all take one schema (`z.tuple([z.number(), z.number()])`) is exactly an array
 * of that schema with the tuple's length, which both providers can express; other tuples stay tuples.
 */
function untuple(n: JSONSchema): void {
  const prefix = n.prefixItems;
  if (!Array.isArray(prefix) || prefix.length === 0) return;
  const first = JSON.stringify(prefix[0]);
  if (!prefix.every((s) => isSchemaObject(s) && JSON.stringify(s) === first)) return;
  if (n.items !== false && n.items !== undefined && JSON.stringify(n.items) !== first) return;
  if (n.items === false) n.maxItems ??= prefix.length;
  n.items = prefix[0];
  delete n.prefixItems;
}

function rejectTuple(n: JSONSchema, provider: Provider, path: string): void {
  if (n.prefixItems !== undefined || typeof n.items === 'boolean')
    throw unsupported(provider, 'tuples', path, 'use an object with a named property per position');
}

/** An object with no properties of its own that takes extra keys: a record. */
function isRecord(n: JSONSchema): boolean {
  if (Object.keys((n.properties ?? {}) as object).length > 0) return false;
  return (
    (n.additionalProperties !== undefined && n.additionalProperties !== false) ||
    n.patternProperties !== undefined ||
    n.propertyNames !== undefined
  );
}

/** Whether `n` may be an object: its type is or includes `object` (a nullable object: `["object", "null"]`). */
function admitsObject(n: JSONSchema): boolean {
  return n.type === 'object' || (Array.isArray(n.type) && n.type.includes('object'));
}

/**
 * `z.record(z.enum([...]), V)` names its keys: it is exactly an object with a `V` property per key.
 * Returns `V` when it did so (it sat under `additionalProperties`, where no value rule checked it).
 */
function closeEnumRecord(n: JSONSchema): JSONSchema | undefined {
  if (!admitsObject(n) || !isRecord(n) || !isSchemaObject(n.additionalProperties)) return undefined;
  const names = n.propertyNames as JSONSchema | undefined;
  const keys = names?.enum ?? (names?.const !== undefined ? [names.const] : undefined);
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) return undefined;
  const value = n.additionalProperties;
  n.properties = Object.fromEntries(keys.map((k) => [k, structuredClone(value)]));
  n.additionalProperties = false;
  delete n.propertyNames;
  return value;
}

const RECORD_HINT = 'use an object with named properties, or z.record(z.enum([...]), …)';

function isNullable(s: JSONSchema): boolean {
  if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'))) return true;
  if (s.const === null || (Array.isArray(s.enum) && s.enum.includes(null))) return true;
  // `oneOf` too: a definition reached through a `$ref` may not have been made `anyOf` yet.
  return [s.anyOf, s.oneOf].some(
    (options) => Array.isArray(options) && options.some((o) => isSchemaObject(o) && isNullable(o)),
  );
}

/** The string formats strict mode accepts (Structured Outputs guide, "Supported properties"). */
const OPENAI_FORMATS = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);

/** Keywords strict mode refuses that only refine a string: dropped, the final validation checks them. */
const OPENAI_DROPPED = ['contentEncoding', 'contentMediaType'];

/**
 * Regex features strict mode refuses with a 400 ("regex lookaround is not supported"): lookarounds,
 * backreferences and Unicode property escapes, which zod's own patterns use (`z.hostname()`,
 * `z.iso.duration()`, `z.emoji()`).
 */
const OPENAI_REGEX_REFUSED = /\\(?:[1-9]|k<|[pP]\{)|\(\?<?[=!]/;

/** Keywords one of which strict mode needs on every value: `{}` (z.any(), z.unknown()) is refused. */
const OPENAI_TYPED = ['type', 'anyOf', '$ref', 'enum', 'const'];

/** Positions that hold a value the model writes (not `additionalProperties`, `not`, `allOf` branches…). */
const VALUE_POSITIONS = new Set(['', 'properties', 'items', 'prefixItems', 'anyOf', '$defs', 'definitions']);

function requireTyped(n: JSONSchema, path: string): void {
  if (!OPENAI_TYPED.some((k) => k in n))
    throw unsupported('openai', 'values of any type (z.any(), z.unknown())', path, 'give the value a type');
}

/**
 * Whether a value of `s` may be left out by the model: it admits null, or has a default (the model
 * writes it). A reference is followed to its definition in `root` (`.optional()` on a schema with an id,
 * a recursive field); one that cannot be followed counts as yes, the final validation deciding.
 */
function mayBeLeftOut(s: JSONSchema, root: JSONSchema, seen = new Set<string>()): boolean {
  if (isNullable(s) || 'default' in s) return true;
  if (typeof s.$ref !== 'string') return false;
  if (seen.has(s.$ref)) return false;
  seen.add(s.$ref);
  const target = resolvePointer(root, s.$ref);
  return !isSchemaObject(target) || mayBeLeftOut(target, root, seen);
}

function strictOpenAI(n: JSONSchema, path: string, position: Position, root: JSONSchema): JSONSchema {
  tidy(n);
  oneOfToAnyOf(n, 'openai', path);
  if (typeof n.format === 'string' && !OPENAI_FORMATS.has(n.format)) delete n.format;
  for (const key of OPENAI_DROPPED) delete n[key];
  // A pattern strict mode cannot take, or one beside a format it knows (which says it), is dropped: the
  // final validation checks it.
  if (typeof n.pattern === 'string' && (typeof n.format === 'string' || OPENAI_REGEX_REFUSED.test(n.pattern)))
    delete n.pattern;
  untuple(n);
  rejectTuple(n, 'openai', path);
  rejectStructure(n, 'openai', path);
  if (VALUE_POSITIONS.has(position)) requireTyped(n, path);
  // Any schema that may be an object, a nullable one too: strict mode closes every object it can write.
  if (admitsObject(n) || isSchemaObject(n.properties)) {
    // The record's values become properties: now the model writes them.
    const value = closeEnumRecord(n);
    if (value) requireTyped(value, `${path}/additionalProperties`);
    if (isRecord(n)) throw unsupported('openai', 'records (objects with arbitrary keys)', path, RECORD_HINT);
    const props = (n.properties ?? {}) as Record<string, JSONSchema>;
    const required = new Set((n.required ?? []) as string[]);
    for (const [name, s] of Object.entries(props)) {
      // Strict mode makes every field required: where the model has no value it sends null. A field
      // with a default is optional only to the user's code: the model writes its value. One that is
      // optional and cannot be null would be refused, whatever the model does, by the schema's own
      // validation whenever it has no value: as openai-node's zodResponseFormat does, it is an error.
      if (required.has(name) || mayBeLeftOut(s, root)) continue;
      throw unsupported(
        'openai',
        `an optional property that cannot be null (${JSON.stringify(name)})`,
        `${path}/properties/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        value
          ? 'every key of a z.partialRecord is optional, and the model sends null where it has no value: use z.record (every key required) or make the value .nullable()'
          : 'every property is required, so the model sends null where it has no value, which .optional() refuses: declare it .nullish() (or give it a .default())',
      );
    }
    n.properties = props;
    n.required = Object.keys(props);
    n.additionalProperties = false;
    // Extra keys are closed off above, so key patterns constrain nothing the model may write.
    delete n.patternProperties;
    delete n.propertyNames;
  }
  return n;
}

/** The schema a local `$ref` (`#`, `#/$defs/…`) points to in `root`, or undefined. */
function resolvePointer(root: JSONSchema, ref: string): unknown {
  if (ref !== '#' && !ref.startsWith('#/')) return undefined;
  let at: unknown = root;
  for (const token of ref === '#' ? [] : ref.slice(2).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as JSONSchema)[key];
  }
  return at;
}

/** Whether `node` leads to `ref` through its subschemas and the references it follows (a cycle). */
function reaches(node: unknown, ref: string, root: JSONSchema, seen = new Set<string>()): boolean {
  if (!isSchemaObject(node)) return false;
  if (typeof node.$ref === 'string') {
    if (node.$ref === ref) return true;
    if (!seen.has(node.$ref)) {
      seen.add(node.$ref);
      if (reaches(resolvePointer(root, node.$ref), ref, root, seen)) return true;
    }
  }
  let found = false;
  // Definitions count only where something refers to them, followed above.
  const { $defs: _, definitions: __, ...own } = node;
  mapSubschemas(own, '', (c) => {
    found ||= reaches(c, ref, root, seen);
  });
  return found;
}

/**
 * Strict mode refuses a `$ref` beside other keywords (`$ref cannot have keywords {'description'}`), and
 * zod writes one for a `.describe()` on a schema with an id, or on a recursive field. As OpenAI's own
 * helper does, such a reference becomes its definition with the reference's keywords on top; a
 * definition no longer referred to goes. A recursive one cannot be inlined: {@link bareRef} handles it.
 */
function inlineRefSiblings(root: JSONSchema): JSONSchema {
  const inlined = new Set<string>();
  const walk = (node: unknown, path: string): unknown => {
    if (!isSchemaObject(node)) return node;
    const { $ref, ...siblings } = node;
    // partialkit's own annotations are dropped anyway (tidy): not a reason to inline.
    const keys = Object.keys(siblings).filter((k) => k !== 'partial' && k !== 'x-partial');
    if (typeof $ref === 'string' && keys.length > 0) {
      const target = resolvePointer(root, $ref);
      if (isSchemaObject(target) && !reaches(target, $ref, root)) {
        inlined.add($ref);
        const { $defs: _, definitions: __, ...body } = structuredClone(target);
        // Walked again: the definition may itself be a `$ref` (an alias) or hold such references.
        return walk({ ...body, ...siblings }, path);
      }
    }
    return mapSubschemas(node, path, walk);
  };
  const out = walk(root, '#') as JSONSchema;
  const defs = out.$defs as Record<string, JSONSchema> | undefined;
  for (let pruned = true; pruned && defs; ) {
    pruned = false;
    for (const ref of inlined) {
      const name = ref.startsWith(DEFS) ? defName(ref) : undefined;
      if (name === undefined || !(name in defs)) continue;
      const { [name]: _, ...others } = defs;
      if (refersTo({ ...out, $defs: others }, ref)) continue;
      delete defs[name];
      pruned = true;
    }
  }
  if (defs && Object.keys(defs).length === 0) delete out.$defs;
  return out;
}

/**
 * A `$ref` still beside other keywords (after {@link inlineRefSiblings}) is one to a recursive
 * definition (or one it could not resolve): it is sent bare, without its annotations (a `.describe()`),
 * as strict mode takes it.
 */
function bareRef(n: JSONSchema, path: string): JSONSchema {
  // Strict mode decided on it above; some servers (Azure OpenAI) refuse the keyword, and the model
  // writes the value anyway (the schema's default applies where the user's code leaves it out).
  delete n.default;
  if (typeof n.$ref !== 'string') return n;
  const others = Object.keys(n).filter((k) => k !== '$ref' && !ANNOTATIONS.has(k));
  if (others.length > 0)
    throw unsupported('openai', `keywords beside a recursive $ref (${others.join(', ')})`, path);
  return { $ref: n.$ref };
}

/**
 * `node` with every `$ref` replaced by the definition it points to (Gemini has no `$ref`); `seen` are
 * the definitions being expanded, so a reference back into one (or to the root, `#`) is recursion.
 */
function inline(node: unknown, defs: Record<string, JSONSchema>, seen: string[], path: string): unknown {
  if (!isSchemaObject(node)) return node;
  const { $ref, ...siblings } = node;
  const walked = mapSubschemas(typeof $ref === 'string' ? siblings : node, path, (c, p) =>
    inline(c, defs, seen, p),
  );
  if (typeof $ref !== 'string') return walked;
  const name = $ref.startsWith(DEFS) ? defName($ref) : undefined;
  if ($ref === '#' || (name !== undefined && seen.includes(name)))
    throw new TypeError(`Gemini response schemas cannot be recursive ($ref ${$ref} at ${path})`);
  if (name === undefined || !isSchemaObject(defs[name]))
    throw unsupported('gemini', `a $ref it cannot inline (${$ref})`, path);
  // The reference's own keywords (a `.describe()` on the use) win over the definition's.
  return { ...(inline(defs[name], defs, [...seen, name], path) as JSONSchema), ...walked };
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

/**
 * The formats Gemini takes, by type (Schema reference, "Supported formats"); any other is refused with a
 * 400 (`only 'enum' and 'date-time' are supported for STRING type`), so it is dropped like a `pattern`.
 */
const GEMINI_FORMATS: ReadonlyMap<unknown, ReadonlySet<unknown>> = new Map([
  ['string', new Set(['enum', 'date-time'])],
  ['integer', new Set(['int32', 'int64'])],
  ['number', new Set(['float', 'double'])],
]);

function geminiNode(n: JSONSchema, path: string): JSONSchema {
  tidy(n);
  oneOfToAnyOf(n, 'gemini', path);
  if (Array.isArray(n.type)) {
    const types = (n.type as string[]).filter((t) => t !== 'null');
    if (types.length < (n.type as string[]).length) n.nullable = true;
    if (types.length === 1) n.type = types[0];
    else {
      n.anyOf = types.map((type) => ({ type }));
      delete n.type;
    }
  }
  geminiLiterals(n, path);
  if (Array.isArray(n.anyOf)) {
    const options = (n.anyOf as JSONSchema[]).filter((o) => o.type !== 'null');
    if (options.length < (n.anyOf as JSONSchema[]).length) n.nullable = true;
    if (options.length === 1) {
      delete n.anyOf;
      // The wrapper's own keys (an outer `.describe()`, `nullable`) win over the option's.
      Object.assign(n, options[0], { ...n });
    } else n.anyOf = options;
  }
  untuple(n);
  rejectTuple(n, 'gemini', path);
  if (Array.isArray(n.allOf)) {
    // A branch that is empty by now (a `pattern` Gemini lacks) constrains nothing Gemini could check.
    const branches = (n.allOf as unknown[]).filter((b) => !isSchemaObject(b) || Object.keys(b).length > 0);
    if (branches.length > 0) n.allOf = branches;
    else delete n.allOf;
  }
  rejectStructure(n, 'gemini', path);
  if (n.$ref !== undefined) throw unsupported('gemini', `a $ref it cannot inline (${String(n.$ref)})`, path);
  if (n.type === 'object') {
    closeEnumRecord(n);
    if (isRecord(n)) throw unsupported('gemini', 'records (objects with arbitrary keys)', path, RECORD_HINT);
    // Gemini refuses an OBJECT with no properties ("should be non-empty for OBJECT type").
    if (Object.keys((n.properties ?? {}) as object).length === 0)
      throw unsupported('gemini', 'objects without properties (z.object({}))', path);
    n.propertyOrdering = Object.keys(n.properties as object);
  }
  // Gemini has no exclusive bounds; on an integer they are inclusive ones (`z.int().positive()`: 1).
  if (n.type === 'integer') {
    if (typeof n.exclusiveMinimum === 'number')
      n.minimum = Math.max(
        Math.floor(n.exclusiveMinimum) + 1,
        (n.minimum as number | undefined) ?? -Infinity,
      );
    if (typeof n.exclusiveMaximum === 'number')
      n.maximum = Math.min(Math.ceil(n.exclusiveMaximum) - 1, (n.maximum as number | undefined) ?? Infinity);
  }
  // Checked last: only now is the type the one Gemini sees (a nullable union collapsed into it).
  if (n.format !== undefined && !GEMINI_FORMATS.get(n.type)?.has(n.format)) delete n.format;
  for (const key of Object.keys(n)) if (!GEMINI_KEYS.has(key)) delete n[key];
  return n;
}

/**
 * `const` as `enum`, which Gemini allows only for strings: a number is pinned by `minimum`/`maximum`,
 * `null` by `nullable`, several kinds become an `anyOf`. A boolean literal has no such form: it stays a
 * `boolean` (the final validation checks which one), so a union discriminated by `z.literal(true)` works.
 */
function geminiLiterals(n: JSONSchema, path: string): void {
  const listed: unknown = n.const !== undefined ? [n.const] : n.enum;
  delete n.const;
  if (!Array.isArray(listed)) return;
  const values: unknown[] = listed;
  if (values.every((v) => typeof v === 'string')) {
    n.enum = values;
    n.type ??= 'string'; // Gemini takes `enum` only on a STRING (arktype writes no type for it)
    return;
  }
  const strings = values.filter((v) => typeof v === 'string');
  if (values.some((v) => v !== null && typeof v === 'object'))
    throw unsupported('gemini', 'object or array literals', path);
  const numberType = n.type === 'integer' ? 'integer' : 'number';
  const options: JSONSchema[] = [
    ...(strings.length > 0 ? [{ type: 'string', enum: strings }] : []),
    ...values.filter((v) => typeof v === 'number').map((v) => ({ type: numberType, minimum: v, maximum: v })),
    ...(values.some((v) => typeof v === 'boolean') ? [{ type: 'boolean' }] : []),
  ];
  delete n.enum;
  if (values.includes(null)) {
    if (options.length === 0) n.type = 'null';
    else n.nullable = true;
  }
  if (options.length === 1) Object.assign(n, options[0]);
  else if (options.length > 1) {
    if (n.anyOf !== undefined) throw unsupported('gemini', 'a literal union beside anyOf', path);
    delete n.type;
    n.anyOf = options;
  }
}

export interface ToolInfo {
  name: string;
  description?: string | undefined;
}

const named = (info: ToolInfo) => ({
  name: info.name,
  ...(info.description && { description: info.description }),
});

/** OpenAI's rule for function and `json_schema` names: refused with a 400 otherwise. */
const OPENAI_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function openaiNamed(info: ToolInfo) {
  if (!OPENAI_NAME.test(info.name))
    throw new TypeError(`OpenAI names must match ${OPENAI_NAME.source} (got ${JSON.stringify(info.name)})`);
  return named(info);
}

/** `response_format` for Chat Completions with strict structured outputs. */
export function openaiResponseFormat(schema: StandardSchemaV1, info: ToolInfo) {
  return {
    type: 'json_schema' as const,
    json_schema: { ...openaiNamed(info), strict: true, schema: jsonSchemaFor(schema, 'openai') },
  };
}

/** `text.format` for the Responses API with strict structured outputs. */
export function openaiTextFormat(schema: StandardSchemaV1, info: ToolInfo) {
  return {
    type: 'json_schema' as const,
    ...openaiNamed(info),
    strict: true,
    schema: jsonSchemaFor(schema, 'openai'),
  };
}

/** A strict function tool for Chat Completions. */
export function openaiTool(schema: StandardSchemaV1, info: ToolInfo) {
  return {
    type: 'function' as const,
    function: { ...openaiNamed(info), strict: true, parameters: jsonSchemaFor(schema, 'openai') },
  };
}

/** An Anthropic tool definition whose `input_schema` is the schema (an object, as `Tool.InputSchema`). */
export function anthropicTool(schema: StandardSchemaV1, info: ToolInfo) {
  return { ...named(info), input_schema: jsonSchemaFor(schema, 'anthropic') };
}

/** Gemini `generationConfig` for JSON output following the schema. */
export function geminiGenerationConfig(schema: StandardSchemaV1) {
  return { responseMimeType: 'application/json' as const, responseSchema: jsonSchemaFor(schema, 'gemini') };
}
