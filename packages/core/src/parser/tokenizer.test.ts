import { chunksOf } from '@partialkit/test-utils/harness';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartialJSONError } from '../errors.ts';
import { createPartialParser } from './create-partial-parser.ts';

// Every grammar rule of RFC 8259, accepted.
const VALID = [
  '0',
  '-0',
  '1',
  '-1',
  '10',
  '123456789',
  '0.5',
  '-0.5',
  '1.25e10',
  '1E+2',
  '1e-2',
  '1E400',
  '-1e-400',
  '1.7976931348623157e308',
  '5e-324',
  '0e0',
  '0.0e-0',
  '9007199254740993',
  'true',
  'false',
  'null',
  '""',
  '"a"',
  '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
  '"\\u0041\\u00e9\\u20AC\\uD834\\uDD1E"',
  '"\\uDEAD"',
  '"\u007f\u0080\u2028\u2029"',
  '"😀 é 中"',
  '[]',
  '{}',
  '[[]]',
  '[{}]',
  '{"":""}',
  '{"a":{}}',
  ' \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n',
  '{ "a" : 1 , "b" : [ true , false , null ] }',
  '[1,"2",[3],{"4":4},true,false,null,-0.0]',
  '{"a":1,"a":2}',
  '{"__proto__":1}',
  '[-0]',
  '"\\u0000"',
];

// Invalid documents and the offset of the first offending character (or the end, for incomplete input).
const INVALID: Array<[string, number]> = [
  ['', 0],
  [' ', 1],
  ['{', 1],
  ['[', 1],
  ['[1', 2],
  ['[1,', 3],
  ['[1,]', 3],
  ['[,1]', 1],
  ['{,}', 1],
  ['{"a"}', 4],
  ['{"a":}', 5],
  ['{"a":1,}', 7],
  ['{"a" 1}', 5],
  ['{a:1}', 1],
  ["{'a':1}", 1],
  ['[1 2]', 3],
  ['01', 1],
  ['-', 1],
  ['-a', 1],
  ['+1', 0],
  ['.5', 0],
  ['1.', 2],
  ['1.e2', 2],
  ['1e', 2],
  ['1e+', 3],
  ['0x1', 1],
  ['Infinity', 0],
  ['NaN', 0],
  ['-Infinity', 1],
  ['tru', 3],
  ['trUe', 2],
  ['nul', 3],
  ['True', 0],
  ['"abc', 4],
  ['"\\x"', 2],
  ['"\\u12G4"', 5],
  ['"\\u12"', 5],
  ['"a\nb"', 2],
  ['"\t"', 1],
  ["'a'", 0],
  ['[1]]', 3],
  ['{}}', 2],
  ['[1]x', 3],
  ['1 2', 2],
  ['[1}', 2],
  ['{"a":1]', 6],
  ['\uFEFF{}', 0],
  ['[1,\u00a02]', 3],
  ['[\u20281]', 1],
  ['{"a":1 "b":2}', 7],
  ['[1,2,3', 6],
  ['"\\', 2],
  ['"\\u', 3],
  ['[-]', 2],
  ['[1.5.]', 4],
  ['[1e5e]', 4],
  ['[00]', 2],
  ['[-01]', 3],
  ['/* c */ 1', 0],
  ['[1,,2]', 3],
];

function parseWhole(text: string, chunk: number): unknown {
  const p = createPartialParser();
  for (const c of chunk ? chunksOf(text, chunk) : [text]) p.write(c);
  return p.end();
}

describe('grammar corpus (RFC 8259) against JSON.parse', () => {
  it.each(VALID)('accepts %j like JSON.parse, in any chunk size', (text) => {
    const expected = JSON.parse(text);
    for (const size of [0, 1, 2, 3]) {
      const got = parseWhole(text, size);
      if (typeof expected === 'number') expect(Object.is(got, expected)).toBe(true);
      else expect(got).toEqual(expected);
    }
  });

  it.each(INVALID)('rejects %j at offset %i, like JSON.parse rejects it', (text, position) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    for (const size of [0, 1, 2]) {
      let error: unknown;
      try {
        parseWhole(text, size);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PartialJSONError);
      expect((error as PartialJSONError).position, `chunk size ${size}`).toBe(position);
    }
  });

  it('names what was expected', () => {
    expect(() => parseWhole('[1,]', 0)).toThrow(`Unexpected "]" at position 3: expected a value`);
    expect(() => parseWhole('{"a" 1}', 0)).toThrow(`Unexpected "1" at position 5: expected ':'`);
    expect(() => parseWhole('[1 2]', 1)).toThrow(`Unexpected "2" at position 3: expected ',' or ']'`);
    expect(() => parseWhole('"\\x"', 1)).toThrow('expected an escape character');
    expect(() => parseWhole('01', 1)).toThrow('no leading zeros');
  });
});

describe('numbers convert to exactly the double JSON.parse gives', () => {
  const same = (text: string) => {
    const expected = JSON.parse(text) as number;
    for (const size of [0, 1, 3]) {
      const got = parseWhole(text, size);
      expect(Object.is(got, expected), `${text} in chunks of ${size}: ${got} vs ${expected}`).toBe(true);
    }
  };

  it.each([
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '18014398509481985',
    '100000000000000000000000',
    '0.1',
    '0.30000000000000004',
    '1e22',
    '1e23',
    '1e-22',
    '1e-23',
    '123456789012345678e-20',
    '123.456e-7',
    '-123.456E+7',
    '4.9e-324',
    '2.4703282292062328e-324',
    '2.4703282292062327e-324',
    '2.2250738585072011e-308',
    '1.7976931348623158e308',
    '1.7976931348623159e308',
    '0.000000000000000000000000000001e30',
    `1${'0'.repeat(400)}e-400`,
    `0.${'0'.repeat(400)}1e401`,
    `-0.${'0'.repeat(30)}`,
    '-0e+99999999999999999999',
    '1e0000000000000000000000001',
    '1e99999999999999999999',
    '1e-99999999999999999999',
    '-9.999999999999999e22',
    '0.1e1',
  ])('%s', same);

  it('for any double, as JSON.stringify writes it', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => same(JSON.stringify(d))),
      { numRuns: 2000 },
    );
  });

  it('for any decimal text, long digit strings and large exponents included', () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
    const text = fc
      .tuple(
        fc.boolean(),
        fc.oneof(
          fc.constant('0'),
          fc.tuple(fc.constantFrom(...'123456789'), digits(0, 30)).map(([a, b]) => a + b),
        ),
        fc.option(digits(1, 40)),
        fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 4))),
      )
      .map(
        ([neg, int, frac, exp]) =>
          `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`,
      );
    fc.assert(fc.property(text, same), { numRuns: 3000 });
  });
});
