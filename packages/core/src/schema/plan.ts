import * as z4 from 'zod/v4/core';
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
  WORD_KIND,
} from './kinds.ts';

/**
 * How a field behaves while it streams, set with {@link partial} or `.meta({ partial })` on a zod
 * schema, or as the JSON Schema keyword `x-partial` on any Standard Schema (valibot
 * `v.metadata({ 'x-partial': … })`, arktype `.configure({ 'x-partial': … })`, zod `.meta({ 'x-partial': … })`):
 * - `'atomic'`: the value is shown only once complete (any JSON type).
 * - `{ require: [...] }`: an object is held back until these keys have complete values.
 */
export type PartialMeta<K extends string = string> =
  | 'atomic'
  | { readonly atomic?: boolean; readonly require?: readonly K[] };

/** The keys `require` may name: those of any object the schema's input can be (any string if unknown). */
type KeyOf<T> = [ObjectKeys<T>] extends [never] ? string : ObjectKeys<T>;
type ObjectKeys<T> = T extends readonly unknown[] ? never : T extends object ? keyof T & string : never;

/** Registry behind {@link partial}; unlike `.meta()` it never leaks into `z.toJSONSchema` output. */
export const partialRegistry: z4.$ZodRegistry<{ partial: PartialMeta }> = z4.registry<{
  partial: PartialMeta;
}>();

/**
 * Marks how a schema position streams, e.g. `partial(z.string(), 'atomic')` or
 * `partial(Event, { require: ['kind'] })`. Returns the same schema, for inline use.
 */
export function partial<S extends z4.$ZodType>(schema: S, meta: PartialMeta<KeyOf<z4.input<S>>>): S {
  partialRegistry.add(schema, { partial: meta });
  return schema;
}

/** `atomic(schema)` = `partial(schema, 'atomic')`: never show this value before it is complete. */
export function atomic<S extends z4.$ZodType>(schema: S): S {
  return partial(schema, 'atomic');
}

type AnyDef = z4.$ZodTypeDef & Record<string, unknown>;
const defOf = (s: z4.$ZodType): AnyDef => s._zod.def as AnyDef;

function metaOf(s: z4.$ZodType): PartialMeta | undefined {
  const own = partialRegistry.get(s)?.partial;
  if (own !== undefined) return own;
  // `.meta({ 'x-partial': … })` is the spelling every schema library shares (see json-schema-plan.ts).
  const global = z4.globalRegistry.get(s) as { partial?: PartialMeta; 'x-partial'?: PartialMeta } | undefined;
  return global?.partial ?? global?.['x-partial'];
}

const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'catch',
  'readonly',
  'nonoptional',
  'success',
]);

/**
 * The streaming rules for one position of the JSON tree, as the builder reads them. Built from a zod
 * schema ({@link ZodPlan}) or from any Standard Schema's JSON Schema (`json-schema-plan.ts`).
 */
export interface Plan {
  /** The zod schema at this position, validated when the value here closes (zod plans only). */
  readonly schema: z4.$ZodType | undefined;
  /** Show nothing of an object or array here until it is complete. */
  readonly atomic: boolean;
  /**
   * A string here is shown only once complete (enums, literals, formats like uuid or datetime, strings
   * marked atomic, numbers and booleans written as strings).
   */
  readonly stringAtomic: boolean;
  /** Keys whose complete values must be present before the object is shown. */
  readonly require: readonly string[];
  /**
   * Validate a copy of the value here: the schema may hand the value itself (the parser's frozen,
   * shared tree) to user code that writes to it (see {@link exposesInput}). False for plain schemas.
   */
  readonly validatesCopy: boolean;
  /**
   * A value here always passes (a `.catch()`): what is inside it reports no issues while it streams, since
   * the catch takes whatever fails there.
   */
  readonly alwaysPasses: boolean;
  /** The key whose value picks the variant of a discriminated union. */
  readonly discriminator: string | undefined;
  /** The JSON values that may stand here, as `kinds.ts` bits (over-approximated). */
  readonly kinds: number;
  /** The kinds only enum and literal values take here: of those kinds, only `values` may stand here. */
  readonly only: number;
  /** The enum and literal values here (over-approximated: all of them, whatever option they belong to). */
  readonly values: readonly unknown[];
  /**
   * One container schema here (an object, a record that is not loose, an array or a tuple), and nothing
   * that takes any value (`any`, a catch, a preprocess, a coercion): a member of an object here is only
   * what that schema says of its key. Where this holds here and above, a member of a kind its plan rules
   * out always fails (see the builder's `rejects`); elsewhere another option may take it.
   */
  readonly closed: boolean;
  /** Plan for the value under `key` of an object here, or undefined where the schema says nothing. */
  child(key: string): Plan | undefined;
  /** Plan for element `index` of an array here. */
  element(index: number): Plan | undefined;
  /**
   * The rules for the members of an object here once its discriminator holds `value`: the chosen
   * variant together with the parts of the schema outside the union. Guides the members only: the
   * object is still validated against `schema`, and shown by this plan's `atomic` and `require`
   * (plus the variant's own, while the object is held back).
   */
  variant(value: unknown): Plan | undefined;
}

/** An object, array, tuple or record schema met while planning; `alt` when it is an option of a union. */
interface Part {
  readonly schema: z4.$ZodType;
  readonly alt: boolean;
}

/**
 * The schema rules of a zod schema for one position of the JSON tree, built once per schema and cached.
 * Children are resolved lazily (so recursive `z.lazy` schemas work) and memoised, so the builder pays
 * a map lookup per key.
 *
 * Unions: a mark (`atomic`, `require`) on one option applies to the values that option can take (an
 * atomic object option leaves strings streaming; an object is held back for the keys that every object
 * option requires). Where several options (or sides of an intersection) give a key a sub-schema, the
 * value there follows all of them: it streams only where each lets it, and is validated against their
 * union (intersection) when it closes. A string is atomic where one side of an intersection makes it so,
 * and in a union only where every option that can be a string does.
 *
 * Pipes: a preprocess is planned by what it feeds (`z.preprocess(Number, z.number())` is a number), a
 * codec or transform by its input (a string a codec decodes into a number, a boolean or a date is
 * atomic), and a pipe that only checks (`z.string().pipe(z.email())`) by both sides, like an
 * intersection. A number or a boolean written as a string (`z.coerce.number()`) is atomic.
 */
export class ZodPlan implements Plan {
  /** The schema at this position, validated when the value here closes. */
  readonly schema: z4.$ZodType;
  atomic = false;
  stringAtomic = false;
  require: readonly string[] = EMPTY;
  discriminator: string | undefined;
  kinds = 0;
  only = 0;
  values: readonly unknown[] = EMPTY;
  readonly validatesCopy: boolean;
  readonly alwaysPasses: boolean;
  readonly closed: boolean;

  private readonly objects: Part[] = [];
  private readonly arrays: Part[] = [];
  private readonly records: Part[] = [];
  private readonly tuples: Part[] = [];
  private children: Map<string, ZodPlan | null> | undefined;
  private elements: Map<number, ZodPlan | null> | undefined;
  /** The plan of every element of a list (no tuples here), once resolved. */
  private elementPlan: ZodPlan | null | undefined;
  /** The discriminated union that picks the variant, and its option per discriminator value. */
  private union: z4.$ZodType | undefined;
  private options: Map<unknown, z4.$ZodType> | undefined;
  private variants: Map<z4.$ZodType, ZodPlan> | undefined;

  /**
   * @param chosen discriminated unions whose option is already known (a variant's plan): each is
   * planned as that option alone.
   */
  constructor(
    schema: z4.$ZodType,
    private readonly chosen: ReadonlyMap<z4.$ZodType, z4.$ZodType> = NONE_CHOSEN,
  ) {
    this.schema = schema;
    this.validatesCopy = exposesInput(schema);
    this.alwaysPasses = catches(schema);
    let markedStrings = false;
    let optionAtomic = false;
    /** The kinds of the enum and literal values met, kept apart from those the rest takes. */
    let literalKinds = 0;
    const values: unknown[] = [];
    /** Some part here takes any value (`any`, a catch, a preprocess, a coercion): any object too. */
    let open = false;
    const anyValue = () => {
      open = true;
      return ANY_KIND;
    };
    const done = new Map<z4.$ZodType, Facts>();
    /**
     * Visits `s` (inside a union option when `alt`, under an atomic mark when `marked`) and returns the
     * keys an object it describes must have before it is shown, and how a string it describes streams.
     */
    const visit = (s: z4.$ZodType, alt: boolean, marked: boolean): Facts => {
      const known = done.get(s);
      if (known !== undefined) return known;
      done.set(s, RECURSIVE);
      const meta = metaOf(s);
      const atomicHere = marked || meta === 'atomic' || (typeof meta === 'object' && meta.atomic === true);
      let facts = shapeOf(s, alt, atomicHere);
      if (typeof meta === 'object' && meta.require)
        facts = { keys: union(facts.keys ?? EMPTY, meta.require), str: facts.str };
      done.set(s, facts);
      return facts;
    };
    const shapeOf = (s: z4.$ZodType, alt: boolean, marked: boolean): Facts => {
      const def = defOf(s);
      switch (def.type) {
        case 'object':
        case 'record':
          (def.type === 'object' ? this.objects : this.records).push({ schema: s, alt });
          this.kinds |= OBJECT_KIND;
          if (marked) this.atomic = true;
          return OBJECT;
        case 'array':
        case 'tuple':
          (def.type === 'array' ? this.arrays : this.tuples).push({ schema: s, alt });
          this.kinds |= ARRAY_KIND;
          if (marked) this.atomic = true;
          return NOTHING;
        case 'union': {
          const picked = this.chosen.get(s);
          if (picked !== undefined) return visit(picked, alt, marked);
          const disc = def.discriminator as string | undefined;
          const picks = disc !== undefined && this.discriminator === undefined;
          const before = this.atomic;
          if (picks) {
            this.discriminator = disc;
            this.union = s;
            this.options = discriminatedOptions(s);
            this.atomic = false;
          }
          // An object is held back for what every option that can be one requires; a string streams
          // if one option lets it.
          let facts = NOTHING;
          for (const option of def.options as z4.$ZodType[])
            facts = either(facts, visit(option, true, marked));
          const { keys, str } = facts;
          if (picks) {
            // An option marked atomic is atomic once chosen (the builder adopts the variant's marks
            // while the object waits for its discriminator), unless nothing holds the object back.
            optionAtomic = this.atomic && !marked;
            this.atomic = before || marked;
          }
          return { keys: disc !== undefined && keys !== undefined ? union(keys, [disc]) : keys, str };
        }
        case 'intersection': {
          // A value meets both sides: it needs the keys of each, and one atomic side makes a string atomic.
          return both(
            visit(def.left as z4.$ZodType, alt, marked),
            visit(def.right as z4.$ZodType, alt, marked),
          );
        }
        case 'lazy':
          return visit((def.getter as () => z4.$ZodType)(), alt, marked);
        case 'pipe': {
          const input = def.in as z4.$ZodType;
          const output = def.out as z4.$ZodType;
          // A preprocess: its function makes what `out` checks, from JSON that `out` describes best
          // (but it may take any JSON value).
          if (defOf(input).type === 'transform') {
            this.kinds = anyValue();
            return visit(output, alt, marked);
          }
          const facts = visit(input, alt, marked);
          // A codec (z.stringbool()…): a string it decodes into a number, a boolean or a date is atomic.
          if (def.transform !== undefined) return decodesScalar(output) ? both(facts, ATOMIC_STRING) : facts;
          // Past a transform, `out` checks some other value than the JSON here.
          if (transforms(input)) return facts;
          // Both sides check the same value: a string is atomic, an object held back, where either says so.
          const side = planFor(output);
          if (side.atomic) this.atomic = true;
          return both(facts, {
            keys: side.require.length ? side.require : undefined,
            str: side.stringAtomic ? true : undefined,
          });
        }
        case 'string':
          // z.coerce.string() takes any value
          this.kinds |= def.coerce ? anyValue() : STRING_KIND;
          if (marked) markedStrings = true;
          return hasFormat(def) ? ATOMIC_STRING : STREAMED_STRING;
        case 'enum':
        case 'literal': {
          const list = def.type === 'enum' ? Object.values(def.entries as object) : (def.values as unknown[]);
          for (const v of list) {
            literalKinds |= kindOf(v);
            values.push(v);
          }
          return ATOMIC_STRING;
        }
        case 'date':
        case 'template_literal':
          // a date may be coerced from a number
          // (`z.coerce.date()` takes any value `new Date` does: null is the epoch)
          this.kinds |=
            def.type !== 'date' ? STRING_KIND : def.coerce ? anyValue() : STRING_KIND | NUMBER_KIND;
          return ATOMIC_STRING;
        default:
          if (WRAPPERS.has(def.type)) {
            // null passes a nullable; anything passes a catch (and `success`, a boolean of any input)
            if (def.type === 'nullable') this.kinds |= NULL_KIND;
            else if (def.type === 'catch' || def.type === 'success') this.kinds = anyValue();
            return visit(def.innerType as z4.$ZodType, alt, marked);
          }
          // A string here is a number or a boolean written as one (z.coerce; a preprocess or codec is
          // planned above): atomic. Without coerce, only a number or a boolean passes; a coerced one
          // takes any JSON value (`Number(null)` is 0).
          if (WRITTEN_AS_STRINGS.has(def.type)) {
            this.kinds |= def.coerce ? anyValue() : def.type === 'boolean' ? BOOLEAN_KIND : NUMBER_KIND;
            return ATOMIC_STRING;
          }
          if (SCALARS.has(def.type)) {
            this.kinds |= def.type === 'null' ? NULL_KIND : WORD_KIND;
            return NOTHING;
          }
          // `any`, `unknown`, `custom`…: any JSON value.
          this.kinds = anyValue();
          if (marked) {
            this.atomic = true;
            markedStrings = true;
          }
          return OBJECT;
      }
    };
    const facts = visit(schema, false, false);
    this.only = literalKinds & ~this.kinds;
    this.kinds |= literalKinds;
    if (this.only) this.values = values;
    const parts = this.objects.length + this.records.length + this.arrays.length + this.tuples.length;
    this.closed = !open && parts <= 1 && this.records.every((r) => plainKeys(defOf(r.schema)));
    this.require = facts.keys ?? EMPTY;
    if (optionAtomic && !this.require.includes(this.discriminator!)) this.atomic = true;
    this.stringAtomic = markedStrings || facts.str === true;
  }

  child(key: string): ZodPlan | undefined {
    this.children ??= new Map();
    let plan = this.children.get(key);
    if (plan === undefined) {
      const found: Part[] = [];
      for (const o of this.objects) {
        const def = defOf(o.schema);
        const shape = def.shape as Record<string, z4.$ZodType>;
        const catchall = def.catchall as z4.$ZodType | undefined;
        if (Object.hasOwn(shape, key)) found.push({ schema: shape[key] as z4.$ZodType, alt: o.alt });
        else if (catchall && defOf(catchall).type !== 'never') found.push({ schema: catchall, alt: o.alt });
      }
      for (const r of this.records)
        found.push({ schema: defOf(r.schema).valueType as z4.$ZodType, alt: r.alt });
      plan = merged(found);
      this.children.set(key, plan);
    }
    return plan ?? undefined;
  }

  element(index: number): ZodPlan | undefined {
    if (this.tuples.length === 0) {
      let plan = this.elementPlan;
      if (plan === undefined) {
        plan = merged(
          this.arrays.map((a) => ({ schema: defOf(a.schema).element as z4.$ZodType, alt: a.alt })),
        );
        this.elementPlan = plan;
      }
      return plan ?? undefined;
    }
    this.elements ??= new Map();
    let plan = this.elements.get(index);
    if (plan === undefined) {
      const found: Part[] = [];
      for (const t of this.tuples) {
        const def = defOf(t.schema);
        const items = def.items as z4.$ZodType[];
        const s = index < items.length ? items[index] : (def.rest as z4.$ZodType | null);
        if (s) found.push({ schema: s, alt: t.alt });
      }
      for (const a of this.arrays) found.push({ schema: defOf(a.schema).element as z4.$ZodType, alt: a.alt });
      plan = merged(found);
      this.elements.set(index, plan);
    }
    return plan ?? undefined;
  }

  variant(value: unknown): ZodPlan | undefined {
    const option = this.options?.get(value);
    if (option === undefined) return undefined;
    this.variants ??= new Map();
    let plan = this.variants.get(option);
    if (plan === undefined) {
      // The schema with the union replaced by the option: the parts outside the union keep their rules.
      plan =
        this.union === this.schema && this.chosen.size === 0
          ? planFor(option)
          : new ZodPlan(this.schema, new Map([...this.chosen, [this.union!, option]]));
      this.variants.set(option, plan);
    }
    return plan;
  }
}

const NONE_CHOSEN: ReadonlyMap<z4.$ZodType, z4.$ZodType> = new Map();

/**
 * Whether a record checks every member by its value type: keys are a plain `z.string()`. A loose record
 * passes keys its key type refuses; one whose key type may turn a key into `__proto__` (a transform, a
 * `.toLowerCase()`) skips that member; one with a key set (an enum) may skip the keys outside it.
 */
function plainKeys(def: AnyDef): boolean {
  const key = defOf(def.keyType as z4.$ZodType);
  return def.mode !== 'loose' && key.type === 'string' && !(key.checks as unknown[] | undefined)?.length;
}

/**
 * Scalars that JSON may carry as strings (`z.coerce.number()`, `z.preprocess(Number, z.number())`): a
 * string at their position is shown only complete, as the number or boolean itself would be.
 */
const WRITTEN_AS_STRINGS = new Set(['number', 'int', 'bigint', 'boolean']);

/** Other types whose values are never objects, arrays or strings. */
const SCALARS = new Set(['null', 'undefined', 'void', 'nan', 'never', 'symbol']);

/** Whether a codec's output `s` is a number, a boolean or a date (through optional, default…). */
function decodesScalar(s: z4.$ZodType): boolean {
  const def = defOf(s);
  if (WRAPPERS.has(def.type)) return decodesScalar(def.innerType as z4.$ZodType);
  return WRITTEN_AS_STRINGS.has(def.type) || def.type === 'date';
}

/** Whether `s` changes the value it checks (a transform or codec, possibly behind a pipe or wrapper). */
function transforms(s: z4.$ZodType): boolean {
  const def = defOf(s);
  if (def.type === 'transform') return true;
  if (def.type === 'pipe') {
    return (
      def.transform !== undefined || transforms(def.in as z4.$ZodType) || transforms(def.out as z4.$ZodType)
    );
  }
  return WRAPPERS.has(def.type) && transforms(def.innerType as z4.$ZodType);
}

/**
 * Whether every value passes `s`: a `.catch()`, behind wrappers that let what it passes through, or an
 * option of a union. Refinements on a wrapper itself can still fail.
 */
function catches(s: z4.$ZodType): boolean {
  const def = defOf(s);
  if ((def.checks as unknown[] | undefined)?.length) return false;
  switch (def.type) {
    case 'catch':
      return true;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return catches(def.innerType as z4.$ZodType);
    case 'union':
      return (def.options as z4.$ZodType[]).some(catches);
    default:
      return false;
  }
}

const exposed = new WeakMap<z4.$ZodType, boolean>();

/**
 * Whether validating `schema` may hand user code the value it is given, not a copy zod made: a
 * preprocess or a bare transform gets it, and so does whatever `any`, `unknown` or `custom` pass through
 * (their input itself) into a pipe or a check. zod rebuilds every object and array it checks, so
 * elsewhere user code only ever sees its own copies. Cached; walked once per schema.
 */
function exposesInput(schema: z4.$ZodType): boolean {
  let known = exposed.get(schema);
  if (known === undefined) {
    const seen = [new Set<z4.$ZodType>(), new Set<z4.$ZodType>()];
    const walk = (s: z4.$ZodType, outer: boolean): boolean => {
      const def = defOf(s);
      // A check (a refine, superRefine, overwrite) gets the value as zod made it: what `any` passed
      // through inside it is the input itself, as after a pipe.
      const piped = outer || ((def.checks as unknown[] | undefined)?.length ?? 0) > 0;
      const visited = seen[piped ? 1 : 0]!;
      if (visited.has(s)) return false;
      visited.add(s);
      switch (def.type) {
        case 'transform':
          return true;
        case 'any':
        case 'unknown':
        case 'custom':
          return piped;
        case 'pipe': {
          // A transform after `in` gets what `in` made of the value: exposed only if `in` passes it on.
          const out = def.out as z4.$ZodType;
          return walk(def.in as z4.$ZodType, true) || (defOf(out).type !== 'transform' && walk(out, true));
        }
        case 'object': {
          const catchall = def.catchall as z4.$ZodType | undefined;
          return (
            Object.values(def.shape as Record<string, z4.$ZodType>).some((v) => walk(v, piped)) ||
            (catchall !== undefined && walk(catchall, piped))
          );
        }
        case 'record':
          return walk(def.valueType as z4.$ZodType, piped);
        case 'array':
          return walk(def.element as z4.$ZodType, piped);
        case 'tuple': {
          const rest = def.rest as z4.$ZodType | null;
          return (
            (def.items as z4.$ZodType[]).some((v) => walk(v, piped)) || (rest !== null && walk(rest, piped))
          );
        }
        case 'union':
          return (def.options as z4.$ZodType[]).some((v) => walk(v, piped));
        case 'intersection':
          return walk(def.left as z4.$ZodType, piped) || walk(def.right as z4.$ZodType, piped);
        case 'lazy':
          return walk((def.getter as () => z4.$ZodType)(), piped);
        default:
          return WRAPPERS.has(def.type) && walk(def.innerType as z4.$ZodType, piped);
      }
    };
    known = walk(schema, false);
    exposed.set(schema, known);
  }
  return known;
}

/**
 * The plan for a position that several parts give a sub-schema: one part's own plan, or, for several,
 * a plan that validates against all of them (the intersection of those outside any union with the
 * union of the options') and streams only where every one of them lets it.
 */
function merged(found: Part[]): ZodPlan | null {
  const both: z4.$ZodType[] = [];
  const either: z4.$ZodType[] = [];
  for (const part of found) {
    const list = part.alt ? either : both;
    if (!both.includes(part.schema) && !either.includes(part.schema)) list.push(part.schema);
  }
  if (both.length + either.length === 0) return null;
  if (both.length + either.length === 1) return planFor((both[0] ?? either[0])!);
  let schema: z4.$ZodType | undefined;
  if (either.length) {
    schema =
      either.length === 1
        ? either[0]
        : new z4.$ZodUnion({ type: 'union', options: either } as z4.$ZodUnionDef);
  }
  for (const s of both) {
    schema =
      schema === undefined
        ? s
        : new z4.$ZodIntersection({ type: 'intersection', left: s, right: schema } as z4.$ZodIntersectionDef);
  }
  const plan = new ZodPlan(schema!);
  const candidates = [...both, ...either].map(planFor);
  plan.atomic = candidates.some((c) => c.atomic);
  plan.stringAtomic = candidates.some((c) => c.stringAtomic);
  plan.require = candidates.reduce<readonly string[]>((keys, c) => union(keys, c.require), EMPTY);
  return plan;
}

// String checks that a prefix can meaningfully satisfy: such strings keep streaming.
const STREAMABLE_FORMATS = new Set([
  'regex',
  'starts_with',
  'ends_with',
  'includes',
  'lowercase',
  'uppercase',
]);

/**
 * Strings with a format (uuid, datetime, email, url…) are atomic: a prefix of one is misleading.
 * `z.uuid()` carries its format on the def; `z.string().email()` carries it as a check.
 */
function hasFormat(def: AnyDef): boolean {
  const formats = [
    def.format,
    ...((def.checks as z4.$ZodCheck[] | undefined) ?? []).map(
      (c) => (c._zod.def as { format?: unknown }).format,
    ),
  ];
  return formats.some((f) => typeof f === 'string' && !STREAMABLE_FORMATS.has(f));
}

function discriminatedOptions(s: z4.$ZodType): Map<unknown, z4.$ZodType> {
  const map = new Map<unknown, z4.$ZodType>();
  const disc = defOf(s).discriminator as string;
  for (const option of defOf(s).options as z4.$ZodType[]) {
    for (const v of option._zod.propValues?.[disc] ?? []) if (!map.has(v)) map.set(v, option);
  }
  return map;
}

const cache = new WeakMap<z4.$ZodType, ZodPlan>();

/** The (cached) plan of a zod schema. */
export function planFor(schema: z4.$ZodType): ZodPlan {
  let plan = cache.get(schema);
  if (!plan) {
    plan = new ZodPlan(schema);
    cache.set(schema, plan);
  }
  return plan;
}
