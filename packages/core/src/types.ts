/** A JSON path: object keys and array indexes from the root. */
export type Path = ReadonlyArray<string | number>;

type Builtin =
  | string
  | number
  | boolean
  | symbol
  | null
  | undefined
  | RegExp
  | ((...args: never[]) => unknown);

/**
 * What a streamed value can look like before it is complete: every object property is optional, at any
 * depth, and array elements are themselves partial. Primitives are either absent or complete (strings
 * may be a prefix of their final text). A snapshot is JSON: where the schema's input is a type JSON
 * cannot hold, it holds the JSON form (a `Date` is its string, a `bigint` a number, a `Map` an object,
 * a `Set` an array).
 */
export type DeepPartial<T> = T extends Builtin
  ? T
  : T extends Date
    ? string
    : T extends bigint
      ? number
      : T extends ReadonlyMap<unknown, infer V>
        ? { [key: string]: DeepPartial<V> | undefined }
        : T extends ReadonlySet<infer E>
          ? DeepPartial<E>[]
          : T extends readonly unknown[]
            ? T[number][] extends T // an array, not a tuple (one with a rest element keeps its positions)
              ? T extends unknown[]
                ? DeepPartial<T[number]>[]
                : readonly DeepPartial<T[number]>[]
              : { [K in keyof T]?: DeepPartial<T[K]> }
            : T extends object
              ? { [K in keyof T]?: DeepPartial<T[K]> }
              : T;
