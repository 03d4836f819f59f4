/** A JSON path: object keys and array indexes from the root. */
export type Path = ReadonlyArray<string | number>;

type Builtin =
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | Date
  | RegExp
  | ((...args: never[]) => unknown);

/**
 * What a streamed value can look like before it is complete: every object property is optional, at any
 * depth, and array elements are themselves partial. Primitives are either absent or complete (strings
 * may be a prefix of their final text).
 */
export type DeepPartial<T> = T extends Builtin
  ? T
  : T extends readonly unknown[]
    ? number extends T['length']
      ? T extends unknown[]
        ? DeepPartial<T[number]>[]
        : readonly DeepPartial<T[number]>[]
      : { [K in keyof T]?: DeepPartial<T[K]> }
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;
