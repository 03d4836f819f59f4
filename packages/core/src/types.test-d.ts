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
  partial,
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

describe('issue paths', () => {
  it('are JSON paths: an issue’s path asks isCompleteAt whether its field closed', () => {
    const parser = createPartialParser({ schema: z.object({ a: z.string() }) });
    const store = new PartialObjectStore({ schema: z.object({ a: z.string() }), fetcher: '/api' });
    for (const issue of parser.issues) {
      expectTypeOf(issue.path).toEqualTypeOf<ReadonlyArray<string | number>>();
      parser.isCompleteAt(issue.path);
    }
    for (const issue of store.getSnapshot().issues) store.isCompleteAt(issue.path);
  });
});

describe('nodes of a snapshot', () => {
  it('isComplete and outputOf take an optional member as it is typed (possibly undefined)', () => {
    const parser = createPartialParser({
      schema: z.object({ users: z.array(z.object({ name: z.string() })) }),
    });
    const first = parser.value?.users?.[0];
    expectTypeOf(parser.isComplete(first)).toEqualTypeOf<boolean>();
    expectTypeOf(parser.outputOf(first)).toEqualTypeOf<unknown>();
  });
});
