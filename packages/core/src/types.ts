/** A JSON path: object keys and array indexes from the root. */
export type Path = ReadonlyArray<string | number>;

/**
 * The paths into a value of type `T` (a snapshot): tuples of its keys and array indexes from the root,
 * `[]` being the root, so that a misspelt key is a type error where a path is taken (`isCompleteAt`),
 * not an answer that stays `false`. Where `T` is `unknown` or `any`, at a type already met on the way
 * down (a recursive schema) and below 10 levels, any {@link Path} goes on.
 */
export type PathOf<T> = PathsIn<T, never, []>;

/**
 * A function of a path of `T`: a path written at the call is checked, and the function still passes where
 * one of any {@link Path} is taken (compared as a method, bivariantly: `PathOf<T>` is a `Path`).
 */
export type PathCheck<T> = { check(path: PathOf<T>): boolean }['check'];

type PathsIn<T, Seen, Depth extends unknown[]> = unknown extends T
  ? Path
  : Depth['length'] extends 10
    ? Path
    : T extends Builtin
      ? readonly []
      : [MetBefore<T, Seen>] extends [never]
        ? readonly [] | ChildPaths<T, Seen | T, [...Depth, unknown]>
        : Path;

type ChildPaths<T, Seen, Depth extends unknown[]> = T extends readonly (infer E)[]
  ? readonly [number, ...PathsIn<NonNullable<E>, Seen, Depth>]
  : { [K in keyof T & string]-?: readonly [K, ...PathsIn<NonNullable<T[K]>, Seen, Depth>] }[keyof T & string];

/** `true` when `T` is one of the union `Seen`, by identity (assignability would stop at any wider object). */
type MetBefore<T, Seen> = Seen extends unknown ? (Same<T, Seen> extends true ? true : never) : never;

type Same<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;

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
