// What the public types promise: snapshots typed as the JSON they are, and no `any` out of a stage.
// Checked by `npm run typecheck` (a failing expectTypeOf is a type error).
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import {
  createPartialParser,
  type DeepPartial,
  decode,
  decodeResumable,
  decodeText,
  PartialObjectStore,
  type Path,
  type PathOf,
  partial,
  type StandardSchemaV1,
  streamItems,
  streamPartial,
} from './index.ts';
import { decodeObjects } from './providers/index.ts';

const source = new Response('{}');

describe('the stages yield typed values, never any', () => {
  it('decode, decodeText, decodeResumable, decodeObjects and streamPartial', async () => {
    expectTypeOf((await decode(source).next()).value).not.toBeAny();
    expectTypeOf((await decodeText(source).next()).value).not.toBeAny();
    expectTypeOf((await decodeResumable(source, {}).next()).value).not.toBeAny();
    expectTypeOf((await decodeObjects((async function* () {})()).next()).value).not.toBeAny();
    expectTypeOf((await streamPartial(z.object({ title: z.string() }), source).next()).value).not.toBeAny();
  });
});

describe('StreamSource', () => {
  it('takes a Response, a stream or an iterable of chunks, and not a string (refused at run time too)', () => {
    streamPartial(z.object({}), ['{', '}']);
    streamPartial(z.object({}), new Response('{}').body!);
    // @ts-expect-error: a string is not a source (most likely a URL or a body read too early)
    streamPartial(z.object({}), '{}');
    // @ts-expect-error: nor what a fetcher returns
    new PartialObjectStore({ schema: z.object({}), fetcher: async () => '{}' });
  });
});

describe('DeepPartial: a snapshot is JSON', () => {
  it('a date field holds its string (zod and valibot), a bigint its number', () => {
    const parser = createPartialParser({ schema: z.object({ at: z.date() }) });
    expectTypeOf(parser.value).toEqualTypeOf<{ at?: string } | undefined>();
    const V = toStandardJsonSchema(v.object({ at: v.date() }));
    expectTypeOf(createPartialParser({ schema: V }).value).toEqualTypeOf<{ at?: string } | undefined>();
    expectTypeOf<DeepPartial<{ n: bigint }>>().toEqualTypeOf<{ n?: number }>();
  });

  it('a Map is an object of its values, a Set an array', () => {
    type M = NonNullable<DeepPartial<z.input<typeof WithMap>>['m']>;
    expectTypeOf<M>().toEqualTypeOf<{ [key: string]: number | undefined }>();
    expectTypeOf<DeepPartial<Set<{ a: string }>>>().toEqualTypeOf<{ a?: string }[]>();
  });

  it('a tuple with a rest element keeps its fixed positions', () => {
    const Row = z.tuple([z.string()], z.number());
    expectTypeOf<DeepPartial<z.input<typeof Row>>[0]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<DeepPartial<string[]>>().toEqualTypeOf<string[]>();
    expectTypeOf<DeepPartial<readonly { a: number }[]>>().toEqualTypeOf<readonly { a?: number }[]>();
  });
});
const WithMap = z.object({ m: z.map(z.string(), z.number()) });

describe('partial(schema, { require })', () => {
  it("names the object's keys only", () => {
    const Event = z.object({ kind: z.string(), at: z.string() });
    partial(Event, { require: ['kind'] });
    // @ts-expect-error: 'knd' is not a key of Event
    partial(Event, { require: ['knd'] });
    const Either = z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]);
    partial(Either, { require: ['a', 'b'] }); // the keys of any option
    // A schema whose keys the types do not know takes any string.
    partial(z.unknown(), { require: ['id'] });
    partial(Event as z.ZodType, { require: ['id'] });
    const keys: string[] = ['id'];
    partial(z.custom<unknown>(), { require: keys });
  });
});

describe('options forward an optional value as it is (exactOptionalPropertyTypes)', () => {
  // A wrapper passes on what its caller may leave out: `{ signal: options.signal }` must compile.
  it('streamPartial, streamItems, createPartialParser and the stores take `undefined` for any option', () => {
    const given: { signal?: AbortSignal; max?: number } = {};
    const schema = z.object({ title: z.string() });
    streamPartial(schema, source, {
      signal: given.signal,
      maxDepth: given.max,
      maxLength: given.max,
      decode: undefined,
    });
    streamItems(schema, source, {
      signal: given.signal,
      maxDepth: given.max,
      shape: undefined,
      onInvalid: undefined,
    });
    createPartialParser({ schema, maxDepth: given.max, maxLength: given.max });
    new PartialObjectStore({
      schema,
      fetcher: '/api',
      throttle: undefined,
      reconnect: undefined,
      fetch: undefined,
    });
  });
});

describe('isCompleteAt takes the paths of the schema', () => {
  const Meeting = z.object({
    title: z.string(),
    tags: z.array(z.string()).optional(),
    users: z.array(z.object({ name: z.string(), contact: z.object({ email: z.string() }).nullable() })),
    scores: z.record(z.string(), z.number()),
    pair: z.tuple([z.string(), z.object({ at: z.date() })]),
  });

  it('a path of keys and indexes compiles; a misspelt key, a key on an array or a path past a leaf does not', () => {
    const parser = createPartialParser({ schema: Meeting });
    parser.isCompleteAt([]);
    parser.isCompleteAt(['title']);
    parser.isCompleteAt(['tags', 3]);
    parser.isCompleteAt(['users', 0, 'contact', 'email']);
    parser.isCompleteAt(['scores', 'anyKey']);
    parser.isCompleteAt(['pair', 1, 'at']);
    // @ts-expect-error: 'titel' is not a key
    parser.isCompleteAt(['titel']);
    // @ts-expect-error: an array is indexed by number
    parser.isCompleteAt(['users', 'name']);
    // @ts-expect-error: 'mail' is not a key of contact
    parser.isCompleteAt(['users', 0, 'contact', 'mail']);
    // @ts-expect-error: a string has no members
    parser.isCompleteAt(['title', 0]);
  });

  it('a store checks the paths too, and still passes where a function of any Path is taken', () => {
    const store = new PartialObjectStore({ schema: Meeting, fetcher: '/api' });
    store.isCompleteAt(['users', 1, 'name']);
    // @ts-expect-error: 'nam' is not a key of a user
    store.isCompleteAt(['users', 1, 'nam']);
    const inspectable: { isCompleteAt(path: Path): boolean } = store;
    expectTypeOf(inspectable).not.toBeAny();
    const untyped = new PartialObjectStore({ schema: z.unknown() as StandardSchemaV1, fetcher: '/api' });
    untyped.isCompleteAt(['any', 0]);
  });

  it('no schema, unknown and any take any path', () => {
    createPartialParser().isCompleteAt(['a', 1, 'b']);
    createPartialParser({ schema: z.object({ meta: z.unknown() }) }).isCompleteAt(['meta', 'x', 0]);
    expectTypeOf<PathOf<unknown>>().toEqualTypeOf<Path>();
    // biome-ignore lint/suspicious/noExplicitAny: the type under test
    expectTypeOf<PathOf<any>>().toEqualTypeOf<Path>();
  });

  it('a recursive schema compiles and checks each level; a union takes the paths of every option', () => {
    interface Node {
      name: string;
      children: Node[];
    }
    const Tree: z.ZodType<Node, Node> = z.object({ name: z.string(), children: z.array(z.lazy(() => Tree)) });
    const parser = createPartialParser({ schema: Tree });
    parser.isCompleteAt(['children', 0, 'children', 2, 'name']);
    // @ts-expect-error: 'kids' is not a key of the root
    parser.isCompleteAt(['kids']);
    const Shape = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), radius: z.number() }),
      z.object({ kind: z.literal('rect'), width: z.number() }),
    ]);
    const shapes = createPartialParser({ schema: z.array(Shape) });
    shapes.isCompleteAt([0, 'radius']);
    shapes.isCompleteAt([0, 'width']);
    // @ts-expect-error: no option has 'height'
    shapes.isCompleteAt([0, 'height']);
  });
});
