/**
 * Which JSON values a schema position admits, as bits, so that extraction can tell the JSON answer from
 * a bracket in the prose before it (`Sources [1]: {…}` for an object schema). Over-approximated: a bit is
 * set wherever the schema might take such a value (a union's options add up, `any` sets them all), so a
 * value the schema admits is never skipped.
 */
export const OBJECT_KIND = 1;
export const ARRAY_KIND = 2;
export const STRING_KIND = 4;
export const NUMBER_KIND = 8;
export const BOOLEAN_KIND = 16;
export const NULL_KIND = 32;
/** A number, `true`, `false` or `null`: a value written as a bare word. */
export const WORD_KIND = NUMBER_KIND | BOOLEAN_KIND | NULL_KIND;
export const ANY_KIND = OBJECT_KIND | ARRAY_KIND | STRING_KIND | WORD_KIND;

/** The kind of the JSON value that character `c` begins, or 0 if no value begins with it. */
export function kindAt(c: number): number {
  if (c === 0x7b) return OBJECT_KIND;
  if (c === 0x5b) return ARRAY_KIND;
  if (c === 0x22) return STRING_KIND;
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return NUMBER_KIND; // '-' or a digit
  if (c === 0x74 || c === 0x66) return BOOLEAN_KIND; // t, f
  return c === 0x6e ? NULL_KIND : 0; // n
}

/** The kind of a JSON value (a `const` or an enum's member). */
export function kindOf(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return STRING_KIND;
    case 'number':
      return NUMBER_KIND;
    case 'boolean':
      return BOOLEAN_KIND;
    case 'object':
      return value === null ? NULL_KIND : Array.isArray(value) ? ARRAY_KIND : OBJECT_KIND;
    default:
      return WORD_KIND; // no JSON value (undefined, a bigint): none that could stand for it is ruled out
  }
}
