import {
  ATOMIC_STRING,
  both,
  EMPTY,
  either,
  type Facts,
  NOTHING,
  OBJECT,
  RECURSIVE,
  STREAMED_STRING,
  union,
} from './facts.ts';
import {
  ANY_KIND,
  ARRAY_KIND,
  BOOLEAN_KIND,
  kindOf,
  NULL_KIND,
  NUMBER_KIND,
  OBJECT_KIND,
  STRING_KIND,
} from './kinds.ts';
import type { PartialMeta, Plan } from './plan.ts';
import type { StandardSchemaV1 } from './standard.ts';

type Node = Record<string, unknown>;

const KINDS = new Map([
  ['object', OBJECT_KIND],
  ['array', ARRAY_KIND],
  ['string', STRING_KIND],
  ['number', NUMBER_KIND],
  ['integer', NUMBER_KIND],
  ['boolean', BOOLEAN_KIND],
  ['null', NULL_KIND],
]);

/**
 * The streaming rules of any Standard Schema, read from its JSON Schema (`~standard.jsonSchema.input`):
 * - `enum` and `const` values, and strings with a `format` (date, email, uuid…), appear only complete;
 *   numbers, integers, booleans and `null` always do.
 * - `oneOf`/`anyOf` of objects that share a property holding a `const` (a discriminator) hold the object
 *   back until that property is known; the chosen variant then guides its members.
 * - `"x-partial": "atomic"` shows a subtree only complete; `"x-partial": { "require": [...] }` holds an
 *   object back until those keys are complete (`{ "atomic": true }` is `"atomic"`).
 * `$ref` into `$defs`/`definitions` or to an `$anchor` (recursive schemas too), `allOf`, `type` arrays,
 * `properties`, `additionalProperties`, `items` and `prefixItems` (tuples) are followed. Nothing is
 * validated per subtree: the whole value goes through `~standard.validate` at the end.
 *
 * As the zod plan does: `allOf` parts all apply (one atomic part makes a string atomic, their `require`s
 * add up), while a mark on a `oneOf`/`anyOf` option applies to the values that option can take (an
 * atomic object option leaves strings streaming; an object is held back for the keys every object
 * option requires; a discriminated option's marks apply once it is chosen). Where several parts give a
 * key a sub-schema, the value there streams only where each of them lets it.
 */
export class JsonSchemaPlan implements Plan {
  readonly schema: undefined = undefined;
  /** No validator per position: the value is validated whole at the end, on a copy. */
  readonly validatesCopy = false;
  readonly alwaysPasses = false;
  /** Never: a JSON Schema is not the validator (a valibot `fallback` is not in it), so it rules nothing out. */
  readonly closed = false;
  atomic = false;
  stringAtomic = false;
  require: readonly string[] = EMPTY;
  discriminator: string | undefined;
  kinds = 0;
  /** Never used: with `closed` false, nothing is ruled out. */
  readonly only = 0;
  readonly values: readonly unknown[] = EMPTY;

  private readonly objects: Part[] = [];
  private readonly arrays: Part[] = [];
  private children: Map<string, JsonSchemaPlan | null> | undefined;
  private elements: Map<number, JsonSchemaPlan | null> | undefined;
  /** Whether an array here is a tuple (else every element has one plan). */
  private readonly tuple: boolean;
  /** The plan of every element (no tuple here), once resolved. */
  private elementPlan: JsonSchemaPlan | null | undefined;
  /** The node whose `oneOf`/`anyOf` picks the variant, and its option per discriminator value. */
  private union: Node | undefined;
  private options: Map<unknown, Node> | undefined;
  private variants: Map<Node, JsonSchemaPlan> | undefined;

  /**
   * @param chosen nodes whose discriminated `oneOf`/`anyOf` option is already known (a variant's plan):
   * each is planned with its union narrowed to that option.
   */
  constructor(
    private readonly node: Node,
    private readonly doc: JsonSchemaDocument,
    private readonly chosen: ReadonlyMap<Node, Node> = NONE_CHOSEN,
  ) {
    let markedStrings = false;
    let optionAtomic = false;
    const done = new Map<Node, Facts>();
    /**
     * Visits `n` (inside a union option when `alt`, under an atomic mark when `marked`) and returns the
     * keys an object it describes must have before it is shown, and how a string it describes streams.
     */
    const visit = (n: Node, alt: boolean, marked: boolean): Facts => {
      const known = done.get(n);
      if (known !== undefined) return known;
      done.set(n, RECURSIVE);
      const meta = n['x-partial'] as PartialMeta | undefined;
      const atomicHere = marked || meta === 'atomic' || (typeof meta === 'object' && meta?.atomic === true);
      let facts = shapeOf(n, alt, atomicHere);
      if (typeof meta === 'object' && Array.isArray(meta?.require))
        facts = { keys: union(facts.keys ?? EMPTY, meta.require), str: facts.str };
      done.set(n, facts);
      return facts;
    };
    // `$ref`, `allOf` and the node's own keywords all apply to a value here: their facts add up.
    const shapeOf = (n: Node, alt: boolean, marked: boolean): Facts => {
      let facts = NOTHING;
      let leaf = true;
      if (typeof n.$ref === 'string') {
        leaf = false;
        const target = doc.resolve(n.$ref);
        if (target) facts = both(facts, visit(target, alt, marked));
        else this.kinds = ANY_KIND; // a reference to nothing rules out no value
      }
      for (const part of schemasIn(n.allOf)) {
        leaf = false;
        facts = both(facts, visit(part, alt, marked));
      }
      const options = [...schemasIn(n.anyOf), ...schemasIn(n.oneOf)];
      if (options.length) {
        leaf = false;
        facts = both(facts, unionOf(n, options, alt, marked));
      }
      // A value fixed by the schema is shown only whole; an enum of objects too.
      if (n.const !== undefined || Array.isArray(n.enum)) {
        const values = n.const !== undefined ? [n.const] : (n.enum as unknown[]);
        for (const v of values) this.kinds |= kindOf(v);
        if (values.some((v) => v !== null && typeof v === 'object')) this.atomic = true;
        return values.some((v) => typeof v === 'string') ? both(facts, ATOMIC_STRING) : facts;
      }
      const types = typesOf(n);
      for (const t of types) this.kinds |= KINDS.get(t) ?? 0;
      if (types.has('object')) {
        this.objects.push({ node: n, alt });
        if (marked) this.atomic = true;
        facts = both(facts, OBJECT);
      }
      if (types.has('array')) {
        this.arrays.push({ node: n, alt });
        if (marked) this.atomic = true;
      }
      if (types.has('string')) {
        if (marked) markedStrings = true;
        facts = both(facts, typeof n.format === 'string' ? ATOMIC_STRING : STREAMED_STRING);
      }
      // A node that says nothing of its type (`{}`) admits any value: a mark on it covers them all.
      if (leaf && types.size === 0) {
        this.kinds = ANY_KIND;
        if (marked) {
          this.atomic = true;
          markedStrings = true;
        }
      }
      return facts;
    };
    const unionOf = (n: Node, all: Node[], alt: boolean, marked: boolean): Facts => {
      const picked = this.chosen.get(n);
      if (picked !== undefined) return visit(picked, alt, marked);
      const found = doc.discriminate(n, all);
      const picks = found !== undefined && this.discriminator === undefined;
      const before = this.atomic;
      if (picks) {
        this.discriminator = found.key;
        this.union = n;
        this.options = found.options;
        this.atomic = false;
      }
      // An object is held back for what every option that can be one requires; a string streams if one
      // option lets it.
      let facts = NOTHING;
      for (const option of all) facts = either(facts, visit(option, true, marked));
      const { keys, str } = facts;
      if (picks) {
        // An option marked atomic is atomic once chosen (the builder adopts the variant's marks while
        // the object waits for its discriminator), unless nothing holds the object back.
        optionAtomic = this.atomic && !marked;
        this.atomic = before || marked;
      }
      return { keys: found !== undefined && keys !== undefined ? union(keys, [found.key]) : keys, str };
    };
    const facts = visit(node, false, false);
    this.require = facts.keys ?? EMPTY;
    if (optionAtomic && !this.require.includes(this.discriminator!)) this.atomic = true;
    this.stringAtomic = markedStrings || facts.str === true;
    this.tuple = this.arrays.some((a) => isTuple(a.node));
  }

  child(key: string): JsonSchemaPlan | undefined {
    this.children ??= new Map();
    let plan = this.children.get(key);
    if (plan === undefined) {
      const found: Part[] = [];
      for (const o of this.objects) {
        // As JSON Schema applies them: the property and every matching pattern (arktype writes an index
        // signature as `patternProperties`), else `additionalProperties`.
        const props = o.node.properties as Record<string, unknown> | undefined;
        const own = props && Object.hasOwn(props, key) ? [props[key]] : [];
        const patterns = o.node.patternProperties;
        if (patterns !== null && typeof patterns === 'object')
          for (const [pattern, s] of Object.entries(patterns)) if (matches(pattern, key)) own.push(s);
        for (const s of own.length ? own : [o.node.additionalProperties])
          if (isNode(s)) found.push({ node: s, alt: o.alt });
      }
      plan = this.merged(found);
      this.children.set(key, plan);
    }
    return plan ?? undefined;
  }

  element(index: number): JsonSchemaPlan | undefined {
    if (!this.tuple) {
      let plan = this.elementPlan;
      if (plan === undefined) {
        plan = this.merged(this.elementsAt(0));
        this.elementPlan = plan;
      }
      return plan ?? undefined;
    }
    this.elements ??= new Map();
    let plan = this.elements.get(index);
    if (plan === undefined) {
      plan = this.merged(this.elementsAt(index));
      this.elements.set(index, plan);
    }
    return plan ?? undefined;
  }

  variant(value: unknown): JsonSchemaPlan | undefined {
    const option = this.options?.get(value);
    if (option === undefined) return undefined;
    this.variants ??= new Map();
    let plan = this.variants.get(option);
    if (plan === undefined) {
      // Built on first use (an option may refer back to its union) from the whole node with the union
      // narrowed to the option: the parts outside the union keep their rules.
      plan = new JsonSchemaPlan(this.node, this.doc, new Map([...this.chosen, [this.union!, option]]));
      this.variants.set(option, plan);
    }
    return plan;
  }

  private elementsAt(index: number): Part[] {
    const found: Part[] = [];
    for (const a of this.arrays) {
      // 2020-12 tuples are `prefixItems` + `items`; draft-07 ones are an `items` array + `additionalItems`.
      const n = a.node;
      const prefix = Array.isArray(n.prefixItems) ? n.prefixItems : Array.isArray(n.items) ? n.items : [];
      const rest = Array.isArray(n.items) ? n.additionalItems : n.items;
      const s = index < prefix.length ? prefix[index] : rest;
      if (isNode(s)) found.push({ node: s, alt: a.alt });
    }
    return found;
  }

  /**
   * The plan for a position that several parts give a sub-schema: one part's own plan, or, for several,
   * the plan of all of them (the `allOf` of those outside any union and the `anyOf` of the options')
   * that streams only where every one of them lets it.
   */
  private merged(found: Part[]): JsonSchemaPlan | null {
    const all: Node[] = [];
    const either: Node[] = [];
    const every: Node[] = [];
    for (const part of found) {
      if (all.includes(part.node)) continue;
      all.push(part.node);
      (part.alt ? either : every).push(part.node);
    }
    if (all.length === 0) return null;
    if (all.length === 1) return this.doc.planOf(all[0]!);
    if (either.length) every.push(either.length === 1 ? either[0]! : { anyOf: either });
    const plan = new JsonSchemaPlan({ allOf: every }, this.doc);
    const candidates = all.map((n) => this.doc.planOf(n));
    plan.atomic = candidates.some((c) => c.atomic);
    plan.stringAtomic = candidates.some((c) => c.stringAtomic);
    plan.require = candidates.reduce<readonly string[]>((keys, c) => union(keys, c.require), EMPTY);
    return plan;
  }
}

/** A discriminated union: the key whose value picks the option, and the option per value. */
interface Discriminated {
  readonly key: string;
  readonly options: Map<unknown, Node>;
}

/** One JSON Schema document: resolves `$ref`s inside it and caches a plan per schema node. */
class JsonSchemaDocument {
  private readonly plans = new WeakMap<Node, JsonSchemaPlan>();
  private readonly unions = new WeakMap<Node, Discriminated | null>();
  private anchors: Map<string, Node> | undefined;
  constructor(private readonly root: Node) {}

  planOf(node: Node): JsonSchemaPlan {
    let plan = this.plans.get(node);
    if (!plan) {
      plan = new JsonSchemaPlan(node, this);
      this.plans.set(node, plan);
    }
    return plan;
  }

  /**
   * The node a local `$ref` points to: `#`, a JSON pointer (`#/$defs/…`, `#/definitions/…`), or an
   * anchor (`#name`: a 2020-12 `$anchor`, a draft-07 `$id: "#name"`); undefined for any other.
   */
  resolve(ref: string): Node | undefined {
    if (!ref.startsWith('#')) return undefined;
    if (ref.length > 1 && ref[1] !== '/') {
      const anchor = uriDecoded(ref.slice(1));
      return anchor === undefined ? undefined : this.anchor(anchor);
    }
    let node: unknown = this.root;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const segment = uriDecoded(raw)?.replaceAll('~1', '/').replaceAll('~0', '~');
      // Own keys only: `#/$defs/__proto__` is no schema.
      if ((!isNode(node) && !Array.isArray(node)) || segment === undefined || !Object.hasOwn(node, segment))
        return undefined;
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

  /**
   * The discriminator of the union `options` of `node`, if it has one (cached per node): a property
   * that holds a `const` (or an `enum`) in every option that can be an object, values no other option
   * has, so that its value names one option. A literal every option shares (a version, an
   * envelope's `object: "event"`) tells nothing and is passed over. Options that cannot be an object
   * (`null`, scalars: shown only complete anyway) are left out, so `A | B | null` is discriminated as
   * `A | B` is.
   */
  discriminate(node: Node, options: Node[]): Discriminated | undefined {
    let found = this.unions.get(node);
    if (found === undefined) {
      found = discriminatorOf(options, this);
      this.unions.set(node, found);
    }
    return found ?? undefined;
  }

  private anchor(name: string): Node | undefined {
    if (this.anchors === undefined) {
      this.anchors = new Map();
      collectAnchors(this.root, this.anchors);
    }
    return this.anchors.get(name);
  }
}

function discriminatorOf(options: Node[], doc: JsonSchemaDocument): Discriminated | null {
  const objects: Node[] = [];
  for (const option of options) {
    const o = doc.deref(option);
    if (o === undefined) return null;
    if (admitsObject(o)) objects.push(option);
  }
  const resolved = objects.map((o) => doc.deref(o)!);
  if (objects.length < MIN_VARIANTS || !resolved.every((o) => typesOf(o).has('object'))) return null;
  const first = resolved[0]!.properties as Record<string, unknown> | undefined;
  // A key fixed to one value in each option first (a `const`: the discriminator most schemas mean);
  // then one with several values in an option (an enum, as zod's may), if every option requires it: an
  // optional enum beside the real discriminator would hold the object back for nothing.
  for (const several of [false, true]) {
    keys: for (const key of Object.keys(first ?? {})) {
      const byValue = new Map<unknown, Node>();
      for (let i = 0; i < objects.length; i++) {
        const option = resolved[i]!;
        const values = fixedValues(doc.deref((option.properties as Record<string, unknown>)?.[key]));
        if (!values.length || values.some((v) => byValue.has(v))) continue keys;
        if (
          values.length > 1 &&
          !(several && Array.isArray(option.required) && option.required.includes(key))
        )
          continue keys;
        for (const value of values) byValue.set(value, objects[i]!);
      }
      return { key, options: byValue };
    }
  }
  return null;
}

/** Keywords whose values are data, not schemas: an `$anchor` in them names nothing. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

function collectAnchors(v: unknown, into: Map<string, Node>): void {
  if (Array.isArray(v)) {
    for (const item of v) collectAnchors(item, into);
    return;
  }
  if (!isNode(v)) return;
  for (const name of [
    v.$anchor,
    v.$dynamicAnchor,
    typeof v.$id === 'string' && v.$id.startsWith('#') ? v.$id.slice(1) : undefined,
  ])
    if (typeof name === 'string' && !into.has(name)) into.set(name, v);
  for (const [key, child] of Object.entries(v)) if (!DATA_KEYWORDS.has(key)) collectAnchors(child, into);
}

/** Whether `key` matches a `patternProperties` pattern; one no RegExp takes matches nothing. */
function matches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}

/** An object or array node met while planning; `alt` when it is an option of a union. */
interface Part {
  readonly node: Node;
  readonly alt: boolean;
}

const NONE_CHOSEN: ReadonlyMap<Node, Node> = new Map();

function isTuple(n: Node): boolean {
  return Array.isArray(n.prefixItems) || Array.isArray(n.items);
}

/** A union needs two object options for a discriminator to choose between. */
const MIN_VARIANTS = 2;

/** The values a property is fixed to: its `const`, or its `enum`'s scalars; none for any other. */
function fixedValues(node: Node | undefined): unknown[] {
  if (!node) return [];
  if (node.const !== undefined) return [node.const];
  const values = node.enum;
  return Array.isArray(values) && values.length && values.every((v) => v === null || typeof v !== 'object')
    ? values
    : [];
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

/** A `$ref`'s percent-encoding undone; undefined when it is malformed (`%E0%A4%A`), as a ref to nothing. */
function uriDecoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
