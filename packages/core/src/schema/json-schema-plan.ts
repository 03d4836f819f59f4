import type { PartialMeta, Plan } from './plan.ts';
import type { StandardSchemaV1 } from './standard.ts';

type Node = Record<string, unknown>;

/**
 * The streaming rules of any Standard Schema, read from its JSON Schema (`~standard.jsonSchema.input`):
 * - `enum` and `const` values, and strings with a `format` (date, email, uuid…), appear only complete;
 *   numbers, integers, booleans and `null` always do.
 * - `oneOf`/`anyOf` of objects that share a property holding a `const` (a discriminator) hold the object
 *   back until that property is known; the chosen variant then guides its members.
 * - `"x-partial": "atomic"` shows a subtree only complete; `"x-partial": { "require": [...] }` holds an
 *   object back until those keys are complete (`{ "atomic": true }` is `"atomic"`).
 * `$ref` into `$defs`/`definitions` (recursive schemas too), `allOf`, `type` arrays, `properties`,
 * `additionalProperties`, `items` and `prefixItems` (tuples) are followed. Nothing is validated per
 * subtree: the whole value goes through `~standard.validate` at the end.
 */
export class JsonSchemaPlan implements Plan {
  readonly schema: undefined = undefined;
  atomic = false;
  stringAtomic = false;
  require: readonly string[] = EMPTY;
  discriminator: string | undefined;

  private readonly objects: Node[] = [];
  private readonly arrays: Node[] = [];
  private children: Map<string, JsonSchemaPlan | null> | undefined;
  private elements: Map<number, JsonSchemaPlan | null> | undefined;
  private variants: Map<unknown, JsonSchemaPlan> | undefined;

  constructor(
    node: Node,
    private readonly doc: JsonSchemaDocument,
  ) {
    let strings = 0;
    let atomicStrings = 0;
    const seen = new Set<Node>();
    const visit = (n: Node): void => {
      if (seen.has(n)) return;
      seen.add(n);
      const meta = n['x-partial'] as PartialMeta | undefined;
      if (meta === 'atomic' || (typeof meta === 'object' && meta?.atomic)) this.atomic = true;
      if (typeof meta === 'object' && Array.isArray(meta?.require))
        this.require = union(this.require, meta.require);
      if (typeof n.$ref === 'string') {
        const target = doc.resolve(n.$ref);
        if (target) visit(target);
      }
      for (const part of schemasIn(n.allOf)) visit(part);
      const options = [...schemasIn(n.anyOf), ...schemasIn(n.oneOf)];
      if (options.length && this.discriminator === undefined) this.discriminate(options);
      for (const option of options) visit(option);
      // A value fixed by the schema is shown only whole; an enum of objects too.
      if (n.const !== undefined || Array.isArray(n.enum)) {
        const values = n.const !== undefined ? [n.const] : (n.enum as unknown[]);
        if (values.some((v) => v !== null && typeof v === 'object')) this.atomic = true;
        if (values.some((v) => typeof v === 'string')) {
          strings++;
          atomicStrings++;
        }
        return;
      }
      const types = typesOf(n);
      if (types.has('object')) this.objects.push(n);
      if (types.has('array')) this.arrays.push(n);
      if (types.has('string')) {
        strings++;
        if (typeof n.format === 'string' || meta === 'atomic') atomicStrings++;
      }
    };
    visit(node);
    // `atomic` covers strings too (a zod plan tells them apart: strings follow `stringAtomic` alone).
    this.stringAtomic = this.atomic || (strings > 0 && strings === atomicStrings);
  }

  child(key: string): JsonSchemaPlan | undefined {
    this.children ??= new Map();
    let plan = this.children.get(key);
    if (plan === undefined) {
      plan = null;
      for (const o of this.objects) {
        const props = o.properties as Record<string, unknown> | undefined;
        const s = props && Object.hasOwn(props, key) ? props[key] : o.additionalProperties;
        if (isNode(s)) {
          plan = this.doc.planOf(s);
          break;
        }
      }
      this.children.set(key, plan);
    }
    return plan ?? undefined;
  }

  element(index: number): JsonSchemaPlan | undefined {
    this.elements ??= new Map();
    let plan = this.elements.get(index);
    if (plan === undefined) {
      plan = null;
      for (const a of this.arrays) {
        // 2020-12 tuples are `prefixItems` + `items`; draft-07 ones are an `items` array + `additionalItems`.
        const prefix = Array.isArray(a.prefixItems) ? a.prefixItems : Array.isArray(a.items) ? a.items : [];
        const rest = Array.isArray(a.items) ? a.additionalItems : a.items;
        const s = index < prefix.length ? prefix[index] : rest;
        if (isNode(s)) {
          plan = this.doc.planOf(s);
          break;
        }
      }
      this.elements.set(index, plan);
    }
    return plan ?? undefined;
  }

  variant(value: unknown): JsonSchemaPlan | undefined {
    return this.variants?.get(value);
  }

  /**
   * Finds the discriminator of a union: a property that holds a `const` (or a one-value `enum`) in every
   * option that can be an object, a different one in each, so that its value names one option. A
   * literal every option shares (a version, an envelope's `object: "event"`) tells nothing and is passed
   * over. Options that cannot be an object (`null`, scalars: shown only complete anyway) are left out,
   * so `A | B | null` is discriminated as `A | B` is.
   */
  private discriminate(options: Node[]): void {
    const resolved = options.map((o) => this.doc.deref(o));
    if (resolved.some((o) => o === undefined)) return;
    const objects = (resolved as Node[]).filter(admitsObject);
    if (objects.length < MIN_VARIANTS || !objects.every((o) => typesOf(o).has('object'))) return;
    const first = objects[0]!.properties as Record<string, unknown> | undefined;
    for (const key of Object.keys(first ?? {})) {
      const variants = new Map<unknown, JsonSchemaPlan>();
      for (const o of objects) {
        const value = fixedValue(this.doc.deref((o.properties as Record<string, unknown>)?.[key]));
        if (value === NONE || variants.has(value)) break;
        variants.set(value, this.doc.planOf(o));
      }
      if (variants.size === objects.length) {
        this.discriminator = key;
        this.require = union(this.require, [key]);
        this.variants = variants;
        return;
      }
    }
  }
}

/** One JSON Schema document: resolves `$ref`s inside it and caches a plan per schema node. */
class JsonSchemaDocument {
  private readonly plans = new WeakMap<Node, JsonSchemaPlan>();
  constructor(private readonly root: Node) {}

  planOf(node: Node): JsonSchemaPlan {
    let plan = this.plans.get(node);
    if (!plan) {
      plan = new JsonSchemaPlan(node, this);
      this.plans.set(node, plan);
    }
    return plan;
  }

  /** The node a local `$ref` (`#`, `#/$defs/…`, `#/definitions/…`, any JSON pointer) points to. */
  resolve(ref: string): Node | undefined {
    if (!ref.startsWith('#')) return undefined;
    let node: unknown = this.root;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const segment = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      if (!isNode(node) && !Array.isArray(node)) return undefined;
      node = (node as Record<string, unknown>)[segment];
    }
    return isNode(node) ? node : undefined;
  }

  /** A node with its `$ref` chain followed (for reading its `properties` or `const`). */
  deref(node: unknown): Node | undefined {
    let n = isNode(node) ? node : undefined;
    for (let hops = 0; n && typeof n.$ref === 'string' && hops < 32; hops++) n = this.resolve(n.$ref);
    return n;
  }
}

const NONE = Symbol('none');
const EMPTY: readonly string[] = [];
/** A union needs two object options for a discriminator to choose between. */
const MIN_VARIANTS = 2;

function fixedValue(node: Node | undefined): unknown {
  if (!node) return NONE;
  if (node.const !== undefined) return node.const;
  if (Array.isArray(node.enum) && node.enum.length === 1) return node.enum[0];
  return NONE;
}

/**
 * Whether a union option can hold an object: one typed `object`, or one that does not say (`{}`, an
 * `allOf`…), which a discriminator cannot rule out. A fixed value or a scalar or `null` type cannot.
 */
function admitsObject(n: Node): boolean {
  if (n.const !== undefined || Array.isArray(n.enum)) return false;
  const types = typesOf(n);
  return types.size === 0 || types.has('object');
}

function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function schemasIn(v: unknown): Node[] {
  return Array.isArray(v) ? v.filter(isNode) : [];
}

/** The JSON types a node admits by itself (`type`, or implied by `properties`/`items`). */
function typesOf(n: Node): Set<string> {
  const types = new Set<string>(
    typeof n.type === 'string' ? [n.type] : Array.isArray(n.type) ? (n.type as string[]) : [],
  );
  if (n.properties !== undefined || n.additionalProperties !== undefined) types.add('object');
  if (n.items !== undefined || n.prefixItems !== undefined) types.add('array');
  return types;
}

function union(a: readonly string[], b: readonly unknown[]): readonly string[] {
  return [...new Set([...a, ...b.filter((k): k is string => typeof k === 'string')])];
}

const cache = new WeakMap<object, JsonSchemaPlan | null>();

/**
 * The (cached) plan of a Standard Schema from its JSON Schema, or undefined when it has none (no
 * `~standard.jsonSchema`, or the converter throws for this schema even when asked to skip what it
 * cannot express): it then streams by the no-schema rules.
 */
export function jsonSchemaPlanFor(schema: StandardSchemaV1): JsonSchemaPlan | undefined {
  let plan = cache.get(schema);
  if (plan === undefined) {
    const root = jsonSchemaOf(schema);
    plan = root ? new JsonSchemaDocument(root).planOf(root) : null;
    cache.set(schema, plan);
  }
  return plan ?? undefined;
}

/**
 * Converter options that skip what a library cannot express instead of throwing: valibot's
 * `errorMode: 'ignore'` (one `v.check`, `v.custom` or `v.date` would otherwise cost the whole schema its
 * rules). The plan reads only streaming hints, so a JSON Schema without those parts still serves.
 * arktype's Standard JSON Schema already falls back by itself.
 */
const LENIENT: Record<string, unknown> = { errorMode: 'ignore' };

const TARGETS = ['draft-2020-12', 'draft-07'] as const;

/**
 * The input-side JSON Schema of a Standard Schema (draft 2020-12, else draft-07), if it offers one:
 * exactly as the library writes it when it can, else with the parts it cannot express left out.
 */
export function jsonSchemaOf(schema: StandardSchemaV1): Node | undefined {
  const converter = schema['~standard'].jsonSchema;
  if (!converter) return undefined;
  for (const libraryOptions of [undefined, LENIENT]) {
    for (const target of TARGETS) {
      try {
        const node = converter.input({ target, libraryOptions });
        if (isNode(node)) return node;
      } catch {
        // the library cannot express this schema for this target: try the next, then stream without
      }
    }
  }
  return undefined;
}
