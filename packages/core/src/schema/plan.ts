import * as z4 from 'zod/v4/core';

/**
 * How a field behaves while it streams, set with {@link partial} or `.meta({ partial })` on a zod
 * schema, or as the JSON Schema keyword `x-partial` on any Standard Schema (valibot
 * `v.metadata({ 'x-partial': … })`, arktype `.configure({ 'x-partial': … })`, zod `.meta({ 'x-partial': … })`):
 * - `'atomic'`: the value is shown only once complete (any JSON type).
 * - `{ require: [...] }`: an object is held back until these keys have complete values.
 */
export type PartialMeta = 'atomic' | { readonly atomic?: boolean; readonly require?: readonly string[] };

/** Registry behind {@link partial}; unlike `.meta()` it never leaks into `z.toJSONSchema` output. */
export const partialRegistry: z4.$ZodRegistry<{ partial: PartialMeta }> = z4.registry<{
  partial: PartialMeta;
}>();

/**
 * Marks how a schema position streams, e.g. `partial(z.string(), 'atomic')` or
 * `partial(Event, { require: ['kind'] })`. Returns the same schema, for inline use.
 */
export function partial<S extends z4.$ZodType>(schema: S, meta: PartialMeta): S {
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
  /** Show nothing of this value until it is complete. */
  readonly atomic: boolean;
  /** A string here is shown only once complete (enums, literals, formats like uuid or datetime). */
  readonly stringAtomic: boolean;
  /** Keys whose complete values must be present before the object is shown. */
  readonly require: readonly string[];
  /** The key whose value picks the variant of a discriminated union. */
  readonly discriminator: string | undefined;
  /** Plan for the value under `key` of an object here, or undefined where the schema says nothing. */
  child(key: string): Plan | undefined;
  /** Plan for element `index` of an array here. */
  element(index: number): Plan | undefined;
  /** The plan of the discriminated-union variant chosen by `value`, if this is such a union. */
  variant(value: unknown): Plan | undefined;
}

/**
 * The schema rules of a zod schema for one position of the JSON tree, built once per schema and cached.
 * Children are resolved lazily (so recursive `z.lazy` schemas work) and memoised, so the builder pays
 * a map lookup per key.
 */
export class ZodPlan implements Plan {
  /** The schema at this position, validated when the value here closes. */
  readonly schema: z4.$ZodType;
  /** Show nothing of this value until it is complete. */
  atomic = false;
  /** A string here is shown only once complete (enums, literals, formats like uuid or datetime). */
  stringAtomic = false;
  /** Keys whose complete values must be present before the object is shown. */
  require: readonly string[] = EMPTY;
  discriminator: string | undefined;

  private objects: z4.$ZodType[] = [];
  private arrays: z4.$ZodType[] = [];
  private records: z4.$ZodType[] = [];
  private tuples: z4.$ZodType[] = [];
  private children: Map<string, ZodPlan | null> | undefined;
  private elements: Map<number, ZodPlan | null> | undefined;
  private variants: Map<unknown, ZodPlan> | undefined;

  constructor(schema: z4.$ZodType) {
    this.schema = schema;
    let stringOptions = 0;
    let atomicStrings = 0;
    const seen = new Set<z4.$ZodType>();
    const visit = (s: z4.$ZodType): void => {
      if (seen.has(s)) return;
      seen.add(s);
      const meta = metaOf(s);
      if (meta === 'atomic' || (typeof meta === 'object' && meta.atomic)) this.atomic = true;
      if (typeof meta === 'object' && meta.require) this.require = union(this.require, meta.require);
      const def = defOf(s);
      switch (def.type) {
        case 'object':
          this.objects.push(s);
          return;
        case 'array':
          this.arrays.push(s);
          return;
        case 'tuple':
          this.tuples.push(s);
          return;
        case 'record':
          this.records.push(s);
          return;
        case 'union': {
          const disc = def.discriminator as string | undefined;
          if (disc !== undefined && this.discriminator === undefined) {
            this.discriminator = disc;
            this.require = union(this.require, [disc]);
            this.variants = discriminatedVariants(s);
          }
          for (const option of def.options as z4.$ZodType[]) visit(option);
          return;
        }
        case 'intersection':
          visit(def.left as z4.$ZodType);
          visit(def.right as z4.$ZodType);
          return;
        case 'lazy':
          visit((def.getter as () => z4.$ZodType)());
          return;
        case 'pipe': {
          const input = def.in as z4.$ZodType;
          visit(defOf(input).type === 'transform' ? (def.out as z4.$ZodType) : input);
          return;
        }
        case 'string':
          stringOptions++;
          if (hasFormat(def) || meta === 'atomic') atomicStrings++;
          return;
        case 'enum':
        case 'literal':
        case 'date':
        case 'template_literal':
          stringOptions++;
          atomicStrings++;
          return;
        default:
          if (WRAPPERS.has(def.type)) visit(def.innerType as z4.$ZodType);
      }
    };
    visit(schema);
    this.stringAtomic = stringOptions > 0 && stringOptions === atomicStrings;
  }

  child(key: string): ZodPlan | undefined {
    this.children ??= new Map();
    let plan = this.children.get(key);
    if (plan === undefined) {
      plan = null;
      for (const o of this.objects) {
        const shape = defOf(o).shape as Record<string, z4.$ZodType>;
        if (Object.hasOwn(shape, key)) {
          plan = planFor(shape[key] as z4.$ZodType);
          break;
        }
        const catchall = defOf(o).catchall as z4.$ZodType | undefined;
        if (catchall && defOf(catchall).type !== 'never') {
          plan = planFor(catchall);
          break;
        }
      }
      if (plan === null && this.records.length)
        plan = planFor(defOf(this.records[0]!).valueType as z4.$ZodType);
      this.children.set(key, plan);
    }
    return plan ?? undefined;
  }

  element(index: number): ZodPlan | undefined {
    if (this.arrays.length) return planFor(defOf(this.arrays[0]!).element as z4.$ZodType);
    if (!this.tuples.length) return undefined;
    this.elements ??= new Map();
    let plan = this.elements.get(index);
    if (plan === undefined) {
      const def = defOf(this.tuples[0]!);
      const items = def.items as z4.$ZodType[];
      const s = index < items.length ? items[index] : (def.rest as z4.$ZodType | null);
      plan = s ? planFor(s) : null;
      this.elements.set(index, plan);
    }
    return plan ?? undefined;
  }

  variant(value: unknown): ZodPlan | undefined {
    return this.variants?.get(value);
  }
}

const EMPTY: readonly string[] = [];

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

function union(a: readonly string[], b: readonly string[]): readonly string[] {
  return [...new Set([...a, ...b])];
}

function discriminatedVariants(s: z4.$ZodType): Map<unknown, ZodPlan> {
  const map = new Map<unknown, ZodPlan>();
  for (const option of defOf(s).options as z4.$ZodType[]) {
    const values = option._zod.propValues;
    const disc = defOf(s).discriminator as string;
    for (const v of values?.[disc] ?? []) if (!map.has(v)) map.set(v, planFor(option));
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
