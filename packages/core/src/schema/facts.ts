/**
 * What a schema says of the value at one position, as both planners (zod's and JSON Schema's) gather it
 * while they walk a schema: the keys an object must have before it is shown (undefined: it describes no
 * object), and whether a string is atomic (undefined: it describes no string). Free of zod, so that a
 * JSON Schema plan never loads it.
 */
export interface Facts {
  readonly keys: readonly string[] | undefined;
  readonly str: boolean | undefined;
}

export const EMPTY: readonly string[] = [];
export const NOTHING: Facts = { keys: undefined, str: undefined };
export const OBJECT: Facts = { keys: EMPTY, str: undefined };
export const ATOMIC_STRING: Facts = { keys: undefined, str: true };
export const STREAMED_STRING: Facts = { keys: undefined, str: false };
/** A recursive reference to a schema being visited adds nothing more. */
export const RECURSIVE: Facts = OBJECT;

/** Both apply (an intersection, `allOf`): the keys add up, and one atomic part makes a string atomic. */
export function both(a: Facts, b: Facts): Facts {
  if (a === NOTHING) return b;
  const keys = a.keys === undefined ? b.keys : b.keys === undefined ? a.keys : union(a.keys, b.keys);
  const str = a.str === undefined ? b.str : b.str === undefined ? a.str : a.str || b.str;
  return { keys, str };
}

/**
 * One of them applies (a union's options): an object is held back for the keys every option that can be
 * one requires, and a string streams if one option that can be one lets it.
 */
export function either(a: Facts, b: Facts): Facts {
  if (a === NOTHING) return b;
  const keys =
    a.keys === undefined ? b.keys : b.keys === undefined ? a.keys : a.keys.filter((k) => b.keys!.includes(k));
  const str = a.str === undefined ? b.str : b.str === undefined ? a.str : a.str && b.str;
  return { keys, str };
}

/** The keys of both lists, once each (the string ones: a JSON Schema's `required` may hold anything). */
export function union(a: readonly string[], b: readonly unknown[]): readonly string[] {
  return [...new Set([...a, ...b.filter((k): k is string => typeof k === 'string')])];
}
