import '../standard-schema/index.ts';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { chunksOf, feed, splitAt } from '@partialkit/test-utils/harness';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialJSONError, PartialKitError, ValidationError } from '../errors.ts';
import { createPartialParser } from '../parser/create-partial-parser.ts';
import { streamItems } from '../pipeline/stream-items.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { PartialObjectStore } from '../stream/partial-object-store.ts';
import { jsonSchemaPlanFor } from './json-schema-plan.ts';
import type { PartialMeta } from './plan.ts';
import type { StandardSchemaV1 } from './standard.ts';

// arktype's documented way to type custom metadata, so `.configure({ 'x-partial': … })` type-checks.
declare global {
  interface ArkEnv {
    meta(): { 'x-partial'?: PartialMeta };
  }
}

// The conference schema of test-utils (zod), written in valibot and in arktype.
const ValibotMeeting = toStandardJsonSchema(
  v.object({
    users: v.array(v.object({ name: v.string(), email: v.pipe(v.string(), v.email()), twitter: v.string() })),
    date: v.pipe(v.string(), v.isoDate()),
    location: v.string(),
    budget: v.pipe(v.number(), v.integer()),
    deadline: v.pipe(v.string(), v.isoDate()),
  }),
);
// arktype's `string.date.iso` has only a `pattern` in its JSON Schema: `x-partial` says it is atomic.
const isoDate = type('string.date.iso').configure({ 'x-partial': 'atomic' });
const ArkMeeting = type({
  users: type({ name: 'string', email: 'string.email', twitter: 'string' }).array(),
  date: isoDate,
  location: 'string',
  budget: 'number.integer',
  deadline: isoDate,
});

const SCHEMAS: Array<[string, StandardSchemaV1]> = [
  ['zod', MeetingInfo],
  ['valibot', ValibotMeeting],
  ['arktype', ArkMeeting],
];
const TEXT = JSON.stringify(MEETING_RESULT, null, 2);
const ATOMIC_USER_KEYS = ['email'] as const;

/** Every atomic field of a snapshot is absent or already its final value. */
function assertNoHalfValues(snapshot: unknown): void {
  const s = snapshot as Partial<typeof MEETING_RESULT> | undefined;
  if (!s) return;
  for (const key of ['date', 'budget', 'deadline'] as const) {
    if (key in s) expect(s[key]).toBe(MEETING_RESULT[key]);
  }
  s.users?.forEach((u, i) => {
    for (const key of ATOMIC_USER_KEYS) if (key in u) expect(u[key]).toBe(MEETING_RESULT.users[i]![key]);
  });
}

describe('Standard Schemas stream like the zod schema', () => {
  for (const size of [1, 3, 7, 64]) {
    it(`the conference schema in valibot and arktype: zod's snapshots and final value (chunks of ${size})`, () => {
      const runs = SCHEMAS.map(([, schema]) => feed(chunksOf(TEXT, size), createPartialParser({ schema })));
      const [zod, valibot, ark] = runs;
      expect(zod!.snapshots.some((s) => (s as { users?: unknown[] })?.users?.length)).toBe(true);
      expect(valibot!.snapshots).toEqual(zod!.snapshots);
      expect(ark!.snapshots).toEqual(zod!.snapshots);
      for (const run of runs) {
        run.snapshots.forEach(assertNoHalfValues);
        expect(run.final).toEqual(MEETING_RESULT);
        expect(run.parser.issues).toEqual([]);
      }
    });
  }

  it('shows a plain string as it streams and holds back email, dates and numbers', () => {
    for (const [, schema] of SCHEMAS.slice(1)) {
      const parser = createPartialParser({ schema });
      parser.write('{"users": [{"name": "Jo", "email": "jo@exa');
      expect(parser.value).toEqual({ users: [{ name: 'Jo' }] });
      parser.write('mple.com", "twitter": "@j"}], "date": "2024-0');
      expect(parser.value).toEqual({ users: [{ name: 'Jo', email: 'jo@example.com', twitter: '@j' }] });
      parser.write('3-15", "budget": 500');
      expect((parser.value as { date?: string }).date).toBe('2024-03-15');
      expect(parser.value).not.toHaveProperty('budget');
    }
  });

  it('their validation errors are ValidationErrors with paths from the root', () => {
    const bad = { ...MEETING_RESULT, budget: 1.5, users: [{ ...MEETING_RESULT.users[0]!, email: 'nope' }] };
    for (const [name, schema] of SCHEMAS) {
      const parser = createPartialParser({ schema });
      parser.write(JSON.stringify(bad));
      let error: unknown;
      try {
        parser.end();
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).issues;
      expect(issues.map((i) => i.path).sort(), name).toEqual([['budget'], ['users', 0, 'email']]);
      expect(issues.every((i) => typeof i.message === 'string' && typeof i.code === 'string')).toBe(true);
      expect((error as ValidationError).value).toEqual(bad);
      expect(parser.issues).toEqual(issues);
      expect(parser.error).toBe(error);
    }
  });
});

describe('JSON Schema streaming rules', () => {
  const Event = toStandardJsonSchema(
    v.object({
      ev: v.variant('kind', [
        v.object({ kind: v.literal('x'), a: v.picklist(['hello', 'help']) }),
        v.object({ kind: v.literal('y'), a: v.string() }),
      ]),
    }),
  );

  it('an index signature (patternProperties) gives its values their rules: an enum only complete', () => {
    const Roles = type({ '[/^a/]': "'main' | 'x'", b: 'string' } as never);
    const parser = createPartialParser({ schema: Roles as unknown as StandardSchemaV1 });
    parser.write('{"b": "te", "ab": "ma');
    expect(parser.value).toEqual({ b: 'te' }); // half an enum is never shown; the plain string streams
    parser.write('in", "c": "fr');
    expect(parser.value).toEqual({ b: 'te', ab: 'main', c: 'fr' }); // a key no pattern matches: any value
    parser.write('ee"}');
    expect(parser.end()).toEqual({ b: 'te', ab: 'main', c: 'free' });
  });

  it('holds a discriminated object back until its discriminator is known', () => {
    const parser = createPartialParser({ schema: Event });
    parser.write('{"ev": {"a": "hel');
    expect(parser.value).toEqual({});
    parser.write('lo", "kind": "x"');
    expect(parser.value).toEqual({ ev: { a: 'hello', kind: 'x' } });
    parser.write('}}');
    expect(parser.end()).toEqual({ ev: { a: 'hello', kind: 'x' } });
  });

  it('the chosen variant guides its members', () => {
    const x = createPartialParser({ schema: Event });
    x.write('{"ev": {"kind": "x", "a": "hel');
    expect(x.value).toEqual({ ev: { kind: 'x' } });
    const y = createPartialParser({ schema: Event });
    y.write('{"ev": {"kind": "y", "a": "hel');
    expect(y.value).toEqual({ ev: { kind: 'y', a: 'hel' } });
  });

  it('arktype unions (anyOf) are discriminated too', () => {
    const Ark = type({ ev: type({ kind: "'x'", n: 'number' }).or({ kind: "'y'", s: 'string' }) });
    const parser = createPartialParser({ schema: Ark });
    parser.write('{"ev": {"s": "ab');
    expect(parser.value).toEqual({});
    parser.write('c", "kind": "y"');
    expect(parser.value).toEqual({ ev: { s: 'abc', kind: 'y' } });
  });

  it('a literal every variant shares (a version) is not the discriminator: the key that tells them apart is', () => {
    const Versioned = toStandardJsonSchema(
      v.object({
        ev: v.variant('kind', [
          v.object({ v: v.literal(1), kind: v.literal('note'), text: v.string() }),
          v.object({ v: v.literal(1), kind: v.literal('vote'), text: v.picklist(['yes', 'no']) }),
        ]),
      }),
    );
    const held = createPartialParser({ schema: Versioned });
    held.write('{"ev": {"v": 1, "text": "hel');
    expect(held.value).toEqual({});
    // The `vote` variant guides its members: its enum never shows half-written.
    const vote = createPartialParser({ schema: Versioned });
    vote.write('{"ev": {"v": 1, "kind": "vote", "text": "ye');
    expect(vote.value).toEqual({ ev: { v: 1, kind: 'vote' } });
    vote.write('s"}}');
    expect(vote.end()).toEqual({ ev: { v: 1, kind: 'vote', text: 'yes' } });
  });

  it('a discriminator may name several values per variant (a picklist), as zod’s does', () => {
    for (const Multi of [
      toStandardJsonSchema(
        v.object({
          ev: v.variant('kind', [
            v.object({ kind: v.picklist(['aa', 'bb']), v: v.string() }),
            v.object({ kind: v.literal('cc'), v: v.picklist(['pp', 'qq']) }),
          ]),
        }),
      ),
      type({ ev: type({ kind: "'aa'|'bb'", v: 'string' }).or({ kind: "'cc'", v: "'pp'|'qq'" }) }),
    ] as StandardSchemaV1[]) {
      expect(jsonSchemaPlanFor(Multi)!.child('ev')!.discriminator).toBe('kind');
      const held = createPartialParser({ schema: Multi });
      held.write('{"ev": {"v": "xy');
      expect(held.value).toEqual({}); // held until its variant is known
      held.write('z", "kind": "bb"');
      expect(held.value).toEqual({ ev: { v: 'xyz', kind: 'bb' } });
      // The `cc` variant's own rules: its enum is never shown half-written.
      const cc = createPartialParser({ schema: Multi });
      cc.write('{"ev": {"kind": "cc", "v": "p');
      expect(cc.value).toEqual({ ev: { kind: 'cc' } });
      cc.write('p"}}');
      expect(cc.end()).toEqual({ ev: { kind: 'cc', v: 'pp' } });
    }
    // A key fixed to one value per option is preferred; an optional enum is no discriminator.
    const Tasks = toStandardJsonSchema(
      v.object({
        ev: v.union([
          v.object({
            priority: v.optional(v.picklist(['low', 'high'])),
            kind: v.literal('task'),
            title: v.string(),
          }),
          v.object({ priority: v.optional(v.literal('urgent')), kind: v.literal('bug'), title: v.string() }),
        ]),
      }),
    );
    expect(jsonSchemaPlanFor(Tasks)!.child('ev')!.discriminator).toBe('kind');
    const task = createPartialParser({ schema: Tasks });
    task.write('{"ev": {"kind": "task", "title": "Write the rep');
    expect(task.value).toEqual({ ev: { kind: 'task', title: 'Write the rep' } });
    // Values two variants share tell nothing.
    const Overlap = type({
      ev: type({ kind: "'aa'|'bb'", n: 'number' }).or({ kind: "'bb'|'cc'", s: 'string' }),
    });
    expect(jsonSchemaPlanFor(Overlap)!.child('ev')!.discriminator).toBeUndefined();
  });

  it('a key whose value two variants share does not discriminate them', () => {
    const Shared = type({ ev: type({ kind: "'a'", n: 'number' }).or({ kind: "'a'", s: 'string' }) });
    expect(jsonSchemaPlanFor(Shared)!.child('ev')!.discriminator).toBeUndefined();
    const parser = createPartialParser({ schema: Shared });
    parser.write('{"ev": {"s": "ab');
    expect(parser.value).toEqual({ ev: { s: 'ab' } });
  });

  it('arktype: a nullable discriminated union (A | B | null, one anyOf) is discriminated as A | B is', () => {
    const Ark = type({
      ev: type({ kind: "'x'", n: 'number' }).or({ kind: "'y'", s: 'string' }).or('null'),
    });
    const parser = createPartialParser({ schema: Ark });
    parser.write('{"ev": {"s": "ab');
    expect(parser.value).toEqual({});
    parser.write('c", "kind": "y"');
    expect(parser.value).toEqual({ ev: { s: 'abc', kind: 'y' } });
    parser.write('}}');
    expect(parser.end()).toEqual({ ev: { s: 'abc', kind: 'y' } });
    const none = createPartialParser({ schema: Ark });
    none.write('{"ev": null}');
    expect(none.end()).toEqual({ ev: null });
  });

  it('x-partial: "atomic" marks a subtree, { require } holds an object back', () => {
    const Schema = toStandardJsonSchema(
      v.object({
        card: v.pipe(
          v.object({ title: v.string(), tags: v.array(v.string()) }),
          v.metadata({ 'x-partial': 'atomic' }),
        ),
        item: v.pipe(
          v.object({ body: v.string(), id: v.string() }),
          v.metadata({ 'x-partial': { require: ['id'] } }),
        ),
      }),
    );
    const parser = createPartialParser({ schema: Schema });
    parser.write('{"card": {"title": "Hi", "tags": ["a"');
    expect(parser.value).toEqual({});
    parser.write(']}, "item": {"body": "lo');
    expect(parser.value).toEqual({ card: { title: 'Hi', tags: ['a'] } });
    parser.write('ng", "id": "7"');
    expect(parser.value).toEqual({ card: { title: 'Hi', tags: ['a'] }, item: { body: 'long', id: '7' } });
  });

  it('zod reads the same x-partial spelling from .meta()', () => {
    const Schema = z.object({ card: z.object({ title: z.string() }).meta({ 'x-partial': 'atomic' }) });
    const parser = createPartialParser({ schema: Schema });
    parser.write('{"card": {"title": "Hi"');
    expect(parser.value).toEqual({});
    parser.write('}');
    expect(parser.value).toEqual({ card: { title: 'Hi' } });
  });

  it('follows $ref (recursive schemas), prefixItems and additionalProperties', () => {
    // A hand-written Standard Schema: any library's shape, here a recursive tree with a tuple.
    const Tree: StandardSchemaV1<unknown, unknown> = {
      '~standard': {
        version: 1,
        vendor: 'handwritten',
        validate: (value) => ({ value }),
        jsonSchema: {
          input: () => ({
            $ref: '#/$defs/node',
            $defs: {
              node: {
                type: 'object',
                properties: {
                  at: {
                    type: 'array',
                    prefixItems: [{ type: 'string', format: 'date' }, { type: 'string' }],
                  },
                  kids: { type: 'array', items: { $ref: '#/$defs/node' } },
                  meta: { type: 'object', additionalProperties: { enum: ['on', 'off'] } },
                },
              },
            },
          }),
        },
      },
    };
    const parser = createPartialParser({ schema: Tree });
    parser.write('{"kids": [{"at": ["2024-01-0');
    expect(parser.value).toEqual({ kids: [{ at: [] }] });
    parser.write('1", "no');
    expect(parser.value).toEqual({ kids: [{ at: ['2024-01-01', 'no'] }] });
    parser.write('te"], "meta": {"x": "of');
    expect(parser.value).toEqual({ kids: [{ at: ['2024-01-01', 'note'], meta: {} }] });
    parser.write('f"}}]}');
    expect(parser.end()).toEqual({ kids: [{ at: ['2024-01-01', 'note'], meta: { x: 'off' } }] });
  });

  it('valibot: a v.check (which the converter cannot express) costs only that check its hint, not the schema its rules', () => {
    const Talk = toStandardJsonSchema(
      v.object({
        title: v.pipe(
          v.string(),
          v.check((s) => s.trim().length > 0, 'empty title'),
        ),
        track: v.picklist(['main', 'workshop']),
      }),
    );
    expect(() => Talk['~standard'].jsonSchema.input({ target: 'draft-2020-12' })).toThrow('"check"');
    const parser = createPartialParser({ schema: Talk });
    parser.write('{"title": "Streaming JSON", "track": "mai');
    expect(parser.value).toEqual({ title: 'Streaming JSON' });
    parser.write('n"}');
    expect(parser.end()).toEqual({ title: 'Streaming JSON', track: 'main' });
    // The check itself still runs, in the validation at the end.
    const empty = createPartialParser({ schema: Talk });
    empty.write('{"title": " ", "track": "main"}');
    expect(() => empty.end()).toThrow(ValidationError);
  });

  it('a Standard Schema without a JSON Schema streams by the no-schema rules and is validated at the end', () => {
    const Plain = v.object({ email: v.pipe(v.string(), v.email()), n: v.number() });
    expect(jsonSchemaPlanFor(Plain)).toBeUndefined();
    const parser = createPartialParser({ schema: Plain });
    parser.write('{"email": "jo@ex');
    expect(parser.value).toEqual({ email: 'jo@ex' });
    parser.write('"');
    expect(() => parser.end()).toThrow(PartialKitError);
    const bad = createPartialParser({ schema: Plain });
    bad.write('{"email": "jo", "n": 1}');
    expect(() => bad.end()).toThrow(ValidationError);
    const good = createPartialParser({ schema: Plain });
    good.write('{"email": "jo@example.com", "n": 1}');
    expect(good.end()).toEqual({ email: 'jo@example.com', n: 1 });
  });

  it('the plan is built once per schema and per node', () => {
    expect(jsonSchemaPlanFor(ValibotMeeting)).toBe(jsonSchemaPlanFor(ValibotMeeting));
    const plan = jsonSchemaPlanFor(ValibotMeeting)!;
    expect(plan.child('users')).toBe(plan.child('users'));
    expect(plan.child('users')!.element(0)).toBe(plan.child('users')!.element(5));
    expect(plan.child('nope')).toBeUndefined();
    expect(plan.child('date')!.stringAtomic).toBe(true);
    expect(plan.child('location')!.stringAtomic).toBe(false);
  });
});

/** A hand-written Standard Schema whose JSON Schema is `json` (any library could emit these shapes). */
function fromJson(json: Record<string, unknown>): StandardSchemaV1<unknown, unknown> {
  return {
    '~standard': {
      version: 1,
      vendor: 'handwritten',
      validate: (value) => ({ value }),
      jsonSchema: { input: () => json },
    },
  };
}

describe('JSON Schema planner: allOf (intersections)', () => {
  it('a string that allOf gives a format (zod writes z.intersection this way) is shown only complete', () => {
    // Exactly what z.toJSONSchema writes for z.intersection(z.object({ id: z.string() }), z.object({ id: z.uuid() })).
    const Zod = z.intersection(z.object({ id: z.string() }), z.object({ id: z.uuid() }));
    const Json = fromJson({
      type: 'object',
      properties: { id: { allOf: [{ type: 'string' }, { type: 'string', format: 'uuid' }] } },
      required: ['id'],
    });
    const text = '{"id": "123e4567-e89b';
    const zod = createPartialParser({ schema: Zod });
    zod.write(text);
    expect(zod.value).toEqual({});
    const json = createPartialParser({ schema: Json });
    json.write(text);
    expect(json.value).toEqual({});
  });

  it("allOf of two objects: the second object's enum for a key the first leaves a plain string is shown only complete", () => {
    // valibot v.intersect writes an allOf of the objects.
    const Valibot = toStandardJsonSchema(
      v.intersect([v.object({ status: v.string() }), v.object({ status: v.picklist(['open', 'opened']) })]),
    );
    const parser = createPartialParser({ schema: Valibot });
    parser.write('{"status": "open');
    expect(parser.value).toEqual({});
    parser.write('ed"}');
    expect(parser.end()).toEqual({ status: 'opened' });
  });

  it("allOf of two arrays: the second's enum items are shown only complete", () => {
    const Schema = fromJson({
      allOf: [
        { type: 'array', items: { type: 'string' } },
        { type: 'array', items: { enum: ['open', 'opened'] } },
      ],
    });
    const parser = createPartialParser({ schema: Schema });
    parser.write('["open');
    expect(parser.value).toEqual([]);
    expect(jsonSchemaPlanFor(Schema)!.element(0)).toBe(jsonSchemaPlanFor(Schema)!.element(3));
  });
});

describe('JSON Schema planner: discriminated unions', () => {
  it('the members outside the union (an allOf beside it) keep their rules once a variant is chosen', () => {
    const Schema = toStandardJsonSchema(
      v.intersect([
        v.object({ status: v.picklist(['draft', 'drafted']) }),
        v.variant('kind', [
          v.object({ kind: v.literal('x'), s: v.string() }),
          v.object({ kind: v.literal('y'), n: v.number() }),
        ]),
      ]),
    );
    const parser = createPartialParser({ schema: Schema });
    parser.write('{"kind": "x", "status": "draft');
    expect(parser.value).toEqual({ kind: 'x' });
    parser.write('ed", "s": "a"}');
    expect(parser.end()).toEqual({ kind: 'x', status: 'drafted', s: 'a' });
  });

  it('an option marked atomic does not make the other options atomic', () => {
    const Msg = toStandardJsonSchema(
      v.variant('kind', [
        v.object({ kind: v.literal('text'), body: v.string() }),
        v.pipe(
          v.object({ kind: v.literal('card'), title: v.string() }),
          v.metadata({ 'x-partial': 'atomic' }),
        ),
      ]),
    );
    // zod's plan of the same shape: the text variant streams.
    const ZodMsg = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('text'), body: z.string() }),
      z.object({ kind: z.literal('card'), title: z.string() }).meta({ 'x-partial': 'atomic' }),
    ]);
    for (const schema of [ZodMsg, Msg] as StandardSchemaV1[]) {
      const text = createPartialParser({ schema });
      text.write('{"kind": "text", "body": "hel');
      expect(text.value).toEqual({ kind: 'text', body: 'hel' });
      const card = createPartialParser({ schema });
      card.write('{"kind": "card", "title": "hel');
      expect(card.value).toBeUndefined();
    }
  });
});

describe('JSON Schema planner: union options marked with x-partial', () => {
  it('an atomic object option leaves a string option streaming (as zod plans it)', () => {
    const ZodU = z.object({
      v: z.union([z.object({ a: z.string() }).meta({ 'x-partial': 'atomic' }), z.string()]),
    });
    const ValU = toStandardJsonSchema(
      v.object({
        v: v.union([v.pipe(v.object({ a: v.string() }), v.metadata({ 'x-partial': 'atomic' })), v.string()]),
      }),
    );
    for (const schema of [ZodU, ValU] as StandardSchemaV1[]) {
      const parser = createPartialParser({ schema });
      parser.write('{"v": "hel');
      expect(parser.value).toEqual({ v: 'hel' });
    }
  });

  it('{ require } on one object option does not hold back objects of the other option (as zod plans it)', () => {
    const ZodU = z.object({
      v: z.union([
        z.object({ id: z.string(), a: z.string() }).meta({ 'x-partial': { require: ['id'] } }),
        z.object({ body: z.string() }),
      ]),
    });
    const ValU = toStandardJsonSchema(
      v.object({
        v: v.union([
          v.pipe(
            v.object({ id: v.string(), a: v.string() }),
            v.metadata({ 'x-partial': { require: ['id'] } }),
          ),
          v.object({ body: v.string() }),
        ]),
      }),
    );
    for (const schema of [ZodU, ValU] as StandardSchemaV1[]) {
      const parser = createPartialParser({ schema });
      parser.write('{"v": {"body": "hel');
      expect(parser.value).toEqual({ v: { body: 'hel' } });
    }
  });
});

describe('JSON Schema planner: $ref', () => {
  it('a $ref into an inherited key (`__proto__`) or with malformed percent-encoding refers to nothing', () => {
    for (const $ref of ['#/$defs/__proto__', '#/$defs/constructor', '#/$defs/%E0%A4%A', '#%E0%A4%A']) {
      const Schema = fromJson({
        type: 'object',
        properties: { n: { type: 'number' }, odd: { $ref } },
        $defs: { Known: { type: 'string' } },
      });
      const parser = createPartialParser({ schema: Schema });
      parser.write('{"n": 12');
      expect(parser.value, $ref).toEqual({});
      parser.write(', "odd": "ab');
      expect(parser.value).toEqual({ n: 12, odd: 'ab' });
    }
  });

  it('a union whose variants include it through allOf (OpenAPI-style inheritance) is planned without blowing the stack', () => {
    const Shape = fromJson({
      $ref: '#/$defs/Shape',
      $defs: {
        Shape: {
          type: 'object',
          properties: { kind: { type: 'string' } },
          required: ['kind'],
          oneOf: [{ $ref: '#/$defs/Circle' }, { $ref: '#/$defs/Square' }],
        },
        Circle: {
          type: 'object',
          allOf: [{ $ref: '#/$defs/Shape' }],
          properties: { kind: { const: 'circle' }, r: { type: 'number' } },
        },
        Square: {
          type: 'object',
          allOf: [{ $ref: '#/$defs/Shape' }],
          properties: { kind: { const: 'square' }, unit: { enum: ['cm', 'cmm'] } },
        },
      },
    });
    let plan: unknown;
    let error: unknown;
    try {
      plan = jsonSchemaPlanFor(Shape);
    } catch (e) {
      error = e;
    }
    expect(error).toBeUndefined();
    expect((plan as { discriminator?: string }).discriminator).toBe('kind');
  });

  it('such a union: the chosen variant, which includes the union again, guides its members', () => {
    const Shape = fromJson({
      $ref: '#/$defs/Shape',
      $defs: {
        Shape: {
          type: 'object',
          properties: { kind: { type: 'string' }, note: { type: 'string' } },
          oneOf: [{ $ref: '#/$defs/Circle' }, { $ref: '#/$defs/Square' }],
        },
        Circle: { allOf: [{ $ref: '#/$defs/Shape' }], properties: { kind: { const: 'circle' } } },
        Square: {
          allOf: [{ $ref: '#/$defs/Shape' }],
          properties: { kind: { const: 'square' }, unit: { enum: ['cm', 'cmm'] } },
        },
      },
    });
    const parser = createPartialParser({ schema: Shape });
    parser.write('{"note": "a", "kind": "squ');
    expect(parser.value).toBeUndefined();
    parser.write('are", "unit": "cm');
    expect(parser.value).toEqual({ note: 'a', kind: 'square' });
    parser.write('m"}');
    expect(parser.end()).toEqual({ note: 'a', kind: 'square', unit: 'cmm' });
  });

  it('a $ref to an $anchor ("#status") is not the root', () => {
    const Schema = fromJson({
      type: 'object',
      properties: { status: { $ref: '#status' } },
      $defs: { Status: { $anchor: 'status', enum: ['open', 'opened'] } },
    });
    const parser = createPartialParser({ schema: Schema });
    parser.write('{"status": "open');
    expect(parser.value).toEqual({});
  });

  it('a draft-07 anchor ("$id": "#status") resolves; an unknown fragment gives no rules, not the root\'s', () => {
    const Schema = fromJson({
      type: 'object',
      properties: { status: { $ref: '#status' }, extra: { $ref: '#nope' } },
      'x-partial': { require: ['id'] },
      definitions: { Status: { $id: '#status', enum: ['open', 'opened'] } },
    });
    const parser = createPartialParser({ schema: Schema });
    parser.write('{"id": "1", "status": "open');
    expect(parser.value).toEqual({ id: '1' });
    parser.write('ed", "extra": {"a": "b');
    expect(parser.value).toEqual({ id: '1', status: 'opened', extra: { a: 'b' } });
  });
});

describe('validation: outputs and async schemas', () => {
  it("uses the schema's output (valibot transforms)", () => {
    const Schema = v.object({
      n: v.pipe(
        v.string(),
        v.transform((s) => s.length),
      ),
    });
    const parser = createPartialParser({ schema: Schema });
    parser.write('{"n": "four"}');
    const final: { n: number } = parser.end();
    expect(final).toEqual({ n: 4 });
  });

  it('end() refuses an async validation with a typed error; endAsync() awaits it', async () => {
    const taken = new Set(['jo']);
    const Async = v.objectAsync({
      name: v.pipeAsync(
        v.string(),
        v.checkAsync(async (name) => !taken.has(name), 'taken'),
      ),
    });
    const parser = createPartialParser({ schema: Async });
    parser.write('{"name": "al"}');
    expect(() => parser.end()).toThrow(/endAsync/);
    await expect(parser.endAsync()).resolves.toEqual({ name: 'al' });
    expect(parser.done).toBe(true);
    const taken2 = createPartialParser({ schema: Async });
    taken2.write('{"name": "jo"}');
    const error = await taken2.endAsync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: ['name'], message: 'taken', code: 'invalid' },
    ]);
  });

  it('zod async refinements: end() refuses, endAsync() validates', async () => {
    const Schema = z.object({ id: z.string().refine(async (s) => s.startsWith('u'), 'bad id') });
    const ok = createPartialParser({ schema: Schema });
    ok.write('{"id": "u1"}');
    expect(() => ok.end()).toThrow(PartialKitError);
    await expect(ok.endAsync()).resolves.toEqual({ id: 'u1' });
    const bad = createPartialParser({ schema: Schema });
    bad.write('{"id": "x1"}');
    const error = await bad.endAsync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => [i.path, i.message])).toEqual([[['id'], 'bad id']]);
    expect(bad.issues).toEqual((error as ValidationError).issues);
  });

  it('streamPartial awaits async validation and yields the output last', async () => {
    const Async = v.objectAsync({
      name: v.pipeAsync(
        v.string(),
        v.checkAsync(async () => true),
      ),
    });
    const seen: unknown[] = [];
    const stream = streamPartial(Async, splitAt('{"name": "alpha"}', [5, 12]));
    for await (const value of stream) seen.push(value);
    expect(seen.at(-1)).toEqual({ name: 'alpha' });
  });
});

describe('the store with other schema libraries', () => {
  const source = (text: string) => async () => splitAt(text, [3, 20, 40]);

  it('valibot: data is the validated output, errors are ValidationErrors', async () => {
    const ok = new PartialObjectStore({ schema: ValibotMeeting, fetcher: source(TEXT), throttle: 0 });
    await ok.submit(undefined);
    expect(ok.getSnapshot().status).toBe('success');
    expect(ok.getSnapshot().data).toEqual(MEETING_RESULT);
    const bad = new PartialObjectStore({
      schema: ArkMeeting,
      fetcher: source(JSON.stringify({ ...MEETING_RESULT, budget: 'lots' })),
      throttle: 0,
    });
    await bad.submit(undefined);
    const state = bad.getSnapshot();
    expect(state.status).toBe('error');
    expect(state.error).toBeInstanceOf(ValidationError);
    expect(state.issues.map((i) => i.path)).toEqual([['budget']]);
    // A JSON Schema rules no member out (it is not the validator): the budget is shown as it came.
    expect(state.object).toEqual({ ...MEETING_RESULT, budget: 'lots' });
  });
});

describe('a validator that writes its output into its input (arktype morphs)', () => {
  // arktype applies `string.trim`, `string.numeric.parse` and `.pipe(…)` by writing the morphed value back
  // into the object it validates: it gets a copy, never the parser's frozen, shared tree.
  const Talk = type({ title: 'string.trim', minutes: 'string.numeric.parse' });
  const TEXT = '{"title":"  Streaming JSON ","minutes":"45"}';
  const OUTPUT = { title: 'Streaming JSON', minutes: 45 };

  it('end() returns the morphed output; the last snapshot is left as it was', () => {
    expect(Talk(JSON.parse(TEXT))).toEqual(OUTPUT); // what arktype itself gives
    const parser = createPartialParser({ schema: Talk });
    parser.write(TEXT);
    const snapshot = parser.value;
    expect(parser.end()).toEqual(OUTPUT);
    expect(snapshot).toEqual({ title: '  Streaming JSON ', minutes: '45' });
  });

  it('streamPartial yields it last and streamItems yields each element morphed', async () => {
    const values: unknown[] = [];
    for await (const value of streamPartial(Talk, new Response(TEXT))) values.push(value);
    expect(values.at(-1)).toEqual(OUTPUT);
    const items: unknown[] = [];
    for await (const item of streamItems(Talk, new Response(`[${TEXT},${TEXT}]`))) items.push(item);
    expect(items).toEqual([OUTPUT, OUTPUT]);
  });

  it('the copy is a plain JSON tree: `__proto__` an own property, never a prototype', () => {
    let given: unknown;
    const Capture: StandardSchemaV1<unknown, unknown> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) => {
          given = value;
          return { value };
        },
      },
    };
    const parser = createPartialParser({ schema: Capture });
    parser.write('{"__proto__": {"polluted": true}, "list": [{"a": 1}]}');
    const out = parser.end() as Record<string, unknown>;
    expect(Object.getPrototypeOf(given)).toBe(Object.prototype);
    expect(Object.hasOwn(given as object, '__proto__')).toBe(true);
    expect((given as { polluted?: unknown }).polluted).toBeUndefined();
    expect([Object.isFrozen(given), Object.isFrozen((given as { list: object }).list)]).toEqual([
      false,
      false,
    ]);
    expect(out).toBe(given);
  });

  it('a validator that throws fails the parser with a PartialJSONError that has it as cause', () => {
    const bug = new TypeError('validator bug');
    const Throwing: StandardSchemaV1<unknown, unknown> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => {
          throw bug;
        },
      },
    };
    const parser = createPartialParser({ schema: Throwing });
    parser.write('{"a": 1}');
    expect(() => parser.end()).toThrow(PartialJSONError);
    expect(parser.error).toBeInstanceOf(PartialJSONError);
    expect(parser.error?.cause).toBe(bug);
    expect(parser.value).toEqual({ a: 1 });
  });
});
