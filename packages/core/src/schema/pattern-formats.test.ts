import '../standard-schema/index.ts';
import { everySplit } from '@partialkit/test-utils/harness';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createPartialParser } from '../parser/create-partial-parser.ts';
import type { StandardSchemaV1 } from './standard.ts';

/** The snapshots at every split (each read after every chunk) and the final value. */
function run(schema: StandardSchemaV1, text: string) {
  return everySplit(text).map((chunks) => {
    const parser = createPartialParser({ schema });
    const snapshots = chunks.map((chunk) => {
      parser.write(chunk);
      return parser.value;
    });
    return { snapshots, final: parser.end() };
  });
}

// Formats zod keeps atomic (they have a `format`); valibot and arktype write them as a `pattern` only.
const VALUE = {
  date: '2024-03-15',
  ulid: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  cuid2: 'tz4a98xxat96iws9zmbrgj3a',
  nanoid: 'V1StGXR8_Z5jdHi6B-myT',
  ip: '192.168.0.1',
};
const TEXT = JSON.stringify(VALUE);
const Zod = z.object({
  date: z.iso.date(),
  ulid: z.ulid(),
  cuid2: z.cuid2(),
  nanoid: z.nanoid(),
  ip: z.ipv4(),
});

// The converters write these formats as a `pattern` only, which the planner cannot tell from any regex (a
// regex streams, as zod's `.regex()` does): `x-partial: "atomic"` marks them, as the README says.
describe('formats written only as a pattern (valibot, arktype), marked x-partial atomic, stream as zod', () => {
  it('control: zod shows each of them only whole', () => {
    for (const { snapshots, final } of run(Zod, TEXT)) {
      for (const s of snapshots as Array<Record<string, string> | undefined>)
        for (const [k, x] of Object.entries(s ?? {})) expect(x).toBe(VALUE[k as keyof typeof VALUE]);
      expect(final).toEqual(VALUE);
    }
  });

  const others: Array<[string, StandardSchemaV1, Array<keyof typeof VALUE>]> = [
    [
      'valibot (v.isoDate has a format; v.ulid, v.cuid2, v.nanoid only a pattern)',
      toStandardJsonSchema(
        v.object({
          date: v.pipe(v.string(), v.isoDate()),
          ulid: v.pipe(v.string(), v.ulid(), v.metadata({ 'x-partial': 'atomic' })),
          cuid2: v.pipe(v.string(), v.cuid2(), v.metadata({ 'x-partial': 'atomic' })),
          nanoid: v.pipe(v.string(), v.nanoid(), v.metadata({ 'x-partial': 'atomic' })),
          ip: v.pipe(v.string(), v.ipv4()),
        }),
      ),
      ['ulid', 'cuid2', 'nanoid'],
    ],
    [
      'arktype (string.date.iso and string.ip.v4 only a pattern)',
      type({
        date: type('string.date.iso').configure({ 'x-partial': 'atomic' }),
        // arktype has no keyword for these three: plain strings, marked the same way.
        ulid: type('string').configure({ 'x-partial': 'atomic' }),
        cuid2: type('string').configure({ 'x-partial': 'atomic' }),
        nanoid: type('string').configure({ 'x-partial': 'atomic' }),
        ip: type('string.ip.v4').configure({ 'x-partial': 'atomic' }),
      }),
      ['date', 'ip'],
    ],
  ];
  for (const [name, schema, keys] of others) {
    it(`${name}: snapshots equal zod's at every split`, () => {
      const zod = run(Zod, TEXT);
      const got = run(schema, TEXT);
      // The first split that differs, with the half value shown.
      const half = got
        .flatMap((r) => r.snapshots as Array<Record<string, string> | undefined>)
        .find((s) => keys.some((k) => s?.[k] !== undefined && s[k] !== VALUE[k]));
      expect(half).toBeUndefined();
      expect(got).toEqual(zod);
    });
  }
});
