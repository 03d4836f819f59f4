import { everySplit, splitAt } from '@partialkit/test-utils/harness';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PartialJSONError } from '../errors.ts';
import { planOf } from '../parser/create-partial-parser.ts';
import { ANY_KIND, ARRAY_KIND, NULL_KIND, NUMBER_KIND, OBJECT_KIND, STRING_KIND } from '../schema/kinds.ts';
import { ANYTHING, type Expected, expectedBy, JsonExtractor } from './json-extractor.ts';

function extract(chunks: readonly string[], expected: Expected = ANYTHING) {
  const extractor = new JsonExtractor(expected);
  const pieces = chunks.map((c) => extractor.push(c));
  return { text: pieces.join(''), pieces, extractor };
}

const Talk = z.object({ title: z.string() });
const OBJECT_ROOT = expectedBy(planOf(Talk));
const LIST_OF_OBJECTS = expectedBy(planOf(z.array(Talk)));

describe('JsonExtractor: a bracket in the prose before the value', () => {
  const cases: [string, Expected, string][] = [
    ['Here is the [JSON]: {"title": "a"}', ANYTHING, '{"title": "a"}'],
    ['Here is {the data}:\n```json\n{ "title": "a" }\n```', ANYTHING, '{ "title": "a" }'],
    ['[see below] [\n  1, 2]', ANYTHING, '[\n  1, 2]'],
    ['{[1]}', ANYTHING, '[1]'],
    ['Sources [1][2]: {"title": "[a]"} [3]', OBJECT_ROOT, '{"title": "[a]"}'],
    ['Top [5] talks: [{"title": "a"}]', LIST_OF_OBJECTS, '[{"title": "a"}]'],
    ['Top [5] talks, {as asked}: [ ]', LIST_OF_OBJECTS, '[ ]'],
    ['[note] ["a"]', ANYTHING, '["a"]'],
    ['[- item] [nothing] [ -1 ]', ANYTHING, '[ -1 ]'],
    ['[trust] [fals] [ null, true]', ANYTHING, '[ null, true]'],
    // JSON of a kind the schema does not take is skipped whole: nothing inside it is the value.
    ['Not [{"title": "A"}] but {"title": "B"}', OBJECT_ROOT, '{"title": "B"}'],
    ['Not ["{", {"t": 1}] nor [[]] but [{}]', LIST_OF_OBJECTS, '[{}]'],
  ];
  for (const [text, expected, json] of cases) {
    it(`${JSON.stringify(text)} gives ${JSON.stringify(json)} at every split`, () => {
      for (const chunks of everySplit(text)) expect(extract(chunks, expected).text).toBe(json);
    });
  }

  it('takes what JSON may be without a schema: `[1]` is a value', () => {
    expect(extract(['See [1]. {"title": "a"}']).text).toBe('[1]');
  });

  it('holds a bracket only until the next non-space character, and passes nothing of a skipped one', () => {
    const { pieces } = extract(['Intro [', '  ', 'JSON] {', '\n', '"a"', ': 1}'], ANYTHING);
    expect(pieces).toEqual(['', '', '', '', '{\n"a"', ': 1}']);
  });

  it('holds at most 1 KiB of spaces after a bracket (the rest is dropped), never the start of a word', () => {
    for (const [tail, value] of [
      [['1]'], [1]],
      [['-', '1]'], [-1]],
      [['tr', 'ue]'], [true]],
    ] as const) {
      const { text } = extract(['[', ...Array(5000).fill(' '), ...tail]);
      expect(text.length).toBeLessThanOrEqual(1030);
      expect(JSON.parse(text)).toEqual(value);
      expect(JSON.parse(extract([`[${' '.repeat(1023)}`, ...tail]).text)).toEqual(value);
    }
  });

  it('passes on anything a value of the schema can begin with, at every split (property)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null && typeof v === 'object'),
        fc.constantFrom('', 'Sure! ', 'Here is the [JSON] you asked {for}:\n```json\n', '[x] '),
        fc.array(fc.nat(), { maxLength: 6 }),
        (value, prose, cuts) => {
          const json = JSON.stringify(value, null, cuts.length % 2 ? 2 : undefined);
          const text = `${prose}${json}\n\`\`\`\nDone [ok].`;
          const chunks = splitAt(
            text,
            cuts.map((c) => c % (text.length + 1)),
          );
          expect(extract(chunks).text).toBe(json);
        },
      ),
    );
  });
});

describe('JsonExtractor: no value in the text', () => {
  it('says the text is prose, quoting its start', () => {
    const { extractor } = extract(['Sorry, I cannot ', 'help with that.'], OBJECT_ROOT);
    const error = extractor.missing();
    expect(error).toBeInstanceOf(PartialJSONError);
    expect(error?.message).toBe('No JSON object in the text (it begins "Sorry, I cannot help with that.")');
    expect(error?.position).toBe(31);
  });

  it('names a value of the wrong kind that it skipped, and where', () => {
    const { text, extractor } = extract(['The talks: ["a", "b"] as ', 'asked'], OBJECT_ROOT);
    expect(text).toBe('');
    expect(extractor.missing()?.message).toBe(
      'No JSON object in the text: the array at position 11 was skipped, since the schema describes an ' +
        'object (it begins "The talks: [\\"a\\", \\"b\\"] as asked")',
    );
  });

  it('names a list whose first element is not one the schema describes', () => {
    const { extractor } = extract(['["A", "B"]'], LIST_OF_OBJECTS);
    expect(extractor.missing()?.message).toBe(
      'No JSON array in the text: the array at position 0 was skipped, since its first element is not ' +
        'one the schema describes (it begins "[\\"A\\", \\"B\\"]")',
    );
  });

  it('calls JSON of the wrong kind cut before its end a value not found, and a bracket of the right one a cut', () => {
    expect(extract(['Here: ["a'], OBJECT_ROOT).extractor.missing()?.message).toMatch(/^No JSON object/);
    expect(extract(['Here: ['], OBJECT_ROOT).extractor.missing()?.message).toMatch(/^No JSON object/);
    expect(extract(['Here: {'], OBJECT_ROOT).extractor.missing()).toBeUndefined();
  });

  it('quotes the text from its first non-space character: blank lines before prose are still prose', () => {
    const { extractor } = extract([' '.repeat(70), '\n', 'Sorry, no.'], OBJECT_ROOT);
    expect(extractor.missing()?.message).toBe('No JSON object in the text (it begins "Sorry, no.")');
  });

  it('quotes 60 characters at most', () => {
    const { extractor } = extract(['x'.repeat(100)], ANYTHING);
    expect(extractor.missing()?.message).toBe(`No JSON value in the text (it begins "${'x'.repeat(60)}…")`);
  });

  it('finds nothing missing in blank text, in a value, or while a bracket is probed (the text was cut)', () => {
    expect(extract([' \n']).extractor.missing()).toBeUndefined();
    expect(extract(['{"a": ']).extractor.missing()).toBeUndefined();
    expect(extract(['Here is [']).extractor.missing()).toBeUndefined();
  });

  it('starts over on reset', () => {
    const { extractor } = extract(['Sorry. [x]'], OBJECT_ROOT);
    extractor.reset();
    expect(extractor.push('{"a": 1} [')).toBe('{"a": 1}');
    expect(extractor.missing()).toBeUndefined();
  });
});

describe('what a schema expects', () => {
  const cases: [string, z.ZodType, Expected][] = [
    ['an object', Talk, { root: OBJECT_KIND, first: ANY_KIND }],
    ['a record', z.record(z.string(), z.number()), { root: OBJECT_KIND, first: ANY_KIND }],
    ['a list of objects', z.array(Talk), { root: ARRAY_KIND, first: OBJECT_KIND }],
    ['a tuple', z.tuple([z.string(), z.number()]), { root: ARRAY_KIND, first: STRING_KIND }],
    [
      'a list of nullable enums',
      z.array(z.enum(['a']).nullable()),
      { root: ARRAY_KIND, first: STRING_KIND | NULL_KIND },
    ],
    ['a list of numbers', z.array(z.number()), { root: ARRAY_KIND, first: NUMBER_KIND }],
    [
      'a list of literals',
      z.array(z.literal([1, 'x'])),
      { root: ARRAY_KIND, first: STRING_KIND | NUMBER_KIND },
    ],
    ['an object or a list', z.union([Talk, z.array(z.string())]), { root: 3, first: STRING_KIND }],
    ['a list through a lazy', z.lazy(() => z.array(Talk)), { root: ARRAY_KIND, first: OBJECT_KIND }],
    ['a list of anything', z.array(z.unknown()), { root: ARRAY_KIND, first: ANY_KIND }],
    ['a list of caught objects', z.array(Talk.catch({ title: '' })), { root: ARRAY_KIND, first: ANY_KIND }],
    ['a preprocessed object', z.preprocess((v) => v, Talk), { root: 3, first: ANY_KIND }],
    ['a string (no container)', z.string(), { root: 3, first: ANY_KIND }],
    ['a list of coerced strings', z.array(z.coerce.string()), { root: ARRAY_KIND, first: ANY_KIND }],
    ['a list of coerced dates', z.array(z.coerce.date()), { root: ARRAY_KIND, first: ANY_KIND }],
  ];
  for (const [what, schema, expected] of cases) {
    it(`${what}: ${JSON.stringify(expected)}`, () => {
      expect(expectedBy(planOf(schema))).toEqual(expected);
    });
  }

  it('no schema: anything', () => {
    expect(expectedBy(planOf(undefined))).toBe(ANYTHING);
  });
});
