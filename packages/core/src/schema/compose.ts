import * as z4 from 'zod/v4/core';

type Result = z4.util.SafeParseResult<unknown>;
type AnyDef = z4.$ZodTypeDef & Record<string, unknown>;

/**
 * How the zod result of a closed container can be put together from its members' results instead of
 * running zod over the whole subtree again (every ancestor of a record would re-validate it: O(depth × n)).
 * Only for the two schemas whose parse is nothing but "run each member's schema and collect": a plain
 * `z.array` and a plain `z.object` (strip mode), both without checks of their own. Anything else (checks,
 * refinements, catchall, passthrough, strict, unions, pipes, wrappers) has no composer: zod runs.
 */
export type Composer =
  | { readonly kind: 'array'; readonly element: z4.$ZodType }
  | {
      readonly kind: 'object';
      readonly shape: Readonly<Record<string, z4.$ZodType>>;
      readonly keys: readonly string[];
    };

/** A slot of an array's member outputs whose result is not known: it is validated at the close. */
export const UNKNOWN: unique symbol = Symbol('partialkit.unknown');

/** The composer of a schema (plans keep it), or undefined when its result must come from zod itself. */
export function composerOf(schema: z4.$ZodType): Composer | undefined {
  const def = schema._zod.def as AnyDef;
  const checks = def.checks as unknown[] | undefined;
  // A schema that is a check itself, or carries checks, runs them after its members: not composable.
  if (checks?.length || schema._zod.traits.has('$ZodCheck')) return undefined;
  if (def.type === 'array' && schema._zod.traits.has('$ZodArray')) {
    return { kind: 'array', element: def.element as z4.$ZodType };
  }
  if (def.type === 'object' && schema._zod.traits.has('$ZodObject') && def.catchall === undefined) {
    const shape = def.shape as Record<string, z4.$ZodType>;
    // Symbol keys are never in JSON, but zod still runs their schemas on `undefined`: leave them to zod.
    if (Object.getOwnPropertySymbols(shape).length) return undefined;
    return { kind: 'object', shape, keys: Object.keys(shape) };
  }
  return undefined;
}

/** The member schema the composer expects at `slot`, to tell whether a recorded result can stand in. */
export function memberSchema(c: Composer, slot: string | number): z4.$ZodType | undefined {
  if (c.kind === 'array') return c.element;
  return typeof slot === 'string' && Object.hasOwn(c.shape, slot) ? c.shape[slot] : undefined;
}

/**
 * `z4.safeParse(array, input)` from the elements' outputs: `outputs[i]` is element i's output where it
 * is known (it passed `c.element`), `UNKNOWN` or absent where not (validated now). Fills `outputs` and
 * returns it as the data on success; undefined when an element fails (the caller runs zod for the issues).
 */
export function composeArray(
  c: Composer & { kind: 'array' },
  input: readonly unknown[],
  outputs: unknown[],
): Result | undefined {
  for (let i = 0; i < input.length; i++) {
    if (i < outputs.length && outputs[i] !== UNKNOWN) continue;
    const r = z4.safeParse(c.element, input[i]);
    if (!r.success) return undefined;
    outputs[i] = r.data;
  }
  outputs.length = input.length;
  return { success: true, data: outputs };
}

/**
 * `z4.safeParse(object, input)` from the members' outputs: `known` holds key, output pairs of members
 * that passed their shape schema; the other keys of the shape are validated now, and the output is
 * assembled as zod does (shape order, unknown keys stripped, optional and defaulted keys as in zod's
 * `handlePropertyResult`). Undefined when a member fails or a required key is missing (zod's issues).
 */
export function composeObject(
  c: Composer & { kind: 'object' },
  input: Readonly<Record<string, unknown>>,
  known: readonly unknown[],
): Result | undefined {
  const out: Record<string, unknown> = {};
  for (const key of c.keys) {
    if (key === '__proto__') continue; // zod never writes it
    const el = c.shape[key]!;
    // `in`, not hasOwn, and the value read through the prototype: exactly what zod looks at.
    const isPresent = key in input;
    let value: unknown;
    const at = indexOfKey(known, key);
    if (at >= 0) value = known[at + 1];
    else {
      const r = z4.safeParse(el, input[key]);
      if (!r.success) return undefined;
      value = r.data;
    }
    const optin = el._zod.optin;
    const optout = el._zod.optout;
    if (!isPresent && optout === 'optional' && optin === 'optional') continue;
    if (!isPresent && optin === undefined) return undefined; // zod reports the missing key
    if (value === undefined) {
      if (isPresent || (optin === 'defaulted' && optout !== 'optional')) out[key] = undefined;
    } else out[key] = value;
  }
  return { success: true, data: out };
}

function indexOfKey(pairs: readonly unknown[], key: string): number {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === key) return i;
  return -1;
}
