import { chunksOf, everySplit, jsonValue, llmDocument, splitAt } from '@partialkit/test-utils/harness';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import {
  InvalidOptionError,
  ItemValidationError,
  ListShapeError,
  PartialJSONError,
  PartialKitError,
  TruncatedError,
} from '../errors.ts';
import { MAX_VALUE_LINE } from './list-scanner.ts';
import { type StreamItemsOptions, streamItems } from './stream-items.ts';

const Item = z.object({ id: z.number(), t: z.string() });

/** Element texts with brackets, quotes and escapes inside strings, so only a string-aware scanner finds the ends. */
const ELEMENTS = ['{"id":1,"t":"a]}"}', '{ "t" : "b\\"{[" , "id" : 2 }', '{"id":3,"t":"\\\\"}'];
const VALUES = ELEMENTS.map((e) => JSON.parse(e) as unknown);

async function collect(
  schema: z.ZodType,
  chunks: Iterable<string> | AsyncIterable<string> | Response,
  options?: StreamItemsOptions,
) {
  const stream = streamItems(schema, chunks, options);
  const items: unknown[] = [];
  try {
    for await (const item of stream) items.push(item);
  } catch (error) {
    return { items, issues: stream.issues, error };
  }
  return { items, issues: stream.issues, error: undefined };
}

const SHAPES: Array<{ name: string; text: string; options?: StreamItemsOptions }> = [
  { name: 'a root array', text: ` [${ELEMENTS.join(' ,\n ')}] ` },
  {
    name: 'the first array-valued key of a root object',
    text: `{"note":"not [ this","meta":{"tags":["x"]},"n":-1.5e3,"ok":true,"items":[${ELEMENTS.join(',')}],"after":[0]}`,
  },
  {
    name: 'a named key',
    text: `{"other":[1,2],"it\\u0065ms":[${ELEMENTS.join(',')}]}`,
    options: { shape: { key: 'items' } },
  },
  { name: 'JSON Lines', text: `${ELEMENTS.join('\n')}\n`, options: { shape: 'lines' } },
  { name: 'concatenated values', text: ELEMENTS.join(''), options: { shape: 'lines' } },
  {
    name: 'a fenced answer with prose',
    text: `Here you go:\n\`\`\`json\n[${ELEMENTS.join(',')}]\n\`\`\`\nAnything else? ]}`,
  },
  {
    name: 'fenced JSON Lines',
    text: `\`\`\`jsonl\n${ELEMENTS.join('\r\n')}\n\`\`\``,
    options: { shape: 'lines' },
  },
];

describe('streamItems', () => {
  for (const { name, text, options } of SHAPES) {
    it(`${name}: every split yields each element once, in order, equal to JSON.parse of its text`, async () => {
      for (const chunks of everySplit(text)) {
        const { items, issues, error } = await collect(Item, chunks, options);
        expect(error, JSON.stringify(chunks)).toBeUndefined();
        expect(items, JSON.stringify(chunks)).toEqual(VALUES);
        expect(issues).toEqual([]);
      }
    });
  }

  it('yields each element the moment it closes, before the rest of the list arrives', async () => {
    const text = `{"items":[${ELEMENTS.join(',')}]}`;
    const closes = ELEMENTS.map((_, i) => text.indexOf(ELEMENTS[i]!) + ELEMENTS[i]!.length);
    let fed = 0;
    async function* source() {
      for (const piece of chunksOf(text, 1)) {
        fed += piece.length;
        yield piece;
      }
    }
    const seenAt: number[] = [];
    for await (const _ of streamItems(Item, source())) seenAt.push(fed);
    expect(seenAt).toEqual(closes);
  });

  it('yields the validated output (transforms and defaults applied)', async () => {
    const Shouted = z.object({ t: z.string().transform((s) => s.toUpperCase()), n: z.number().default(7) });
    const { items } = await collect(Shouted, ['[{"t":"a"},', '{"t":"b","n":1}]']);
    expect(items).toEqual([
      { t: 'A', n: 7 },
      { t: 'B', n: 1 },
    ]);
  });

  it('any JSON values, in every shape, under random and 1-character chunkings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(jsonValue, { maxLength: 8 }),
        fc.constantFrom('array', 'wrapped', 'lines', 'concatenated'),
        fc.constantFrom(undefined, 2, '\t'),
        fc.array(fc.nat({ max: 4000 }), { maxLength: 30 }),
        fc.boolean(),
        async (values, shape, indent, cuts, oneByOne) => {
          const texts = values.map((v) => JSON.stringify(v, null, indent));
          // Values that end without a bracket or quote need a separator; JSON Lines always have one.
          const containers = values.every((v) => typeof v === 'object' && v !== null);
          const text =
            shape === 'array'
              ? `[${texts.join(',')}]`
              : shape === 'wrapped'
                ? `{"n":1,"items":[${texts.join(', ')}]}`
                : shape === 'lines' || !containers
                  ? texts.join('\n')
                  : texts.join('');
          const chunks = oneByOne ? chunksOf(text, 1) : splitAt(text, cuts);
          const lines = shape === 'lines' || shape === 'concatenated';
          const { items, error } = await collect(z.unknown(), chunks, {
            ...(lines && { shape: 'lines' as const }),
            decode: { extractJson: false },
          });
          expect(error).toBeUndefined();
          expect(items).toEqual(texts.map((t) => JSON.parse(t)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a long LLM-style document, wrapped and as JSON Lines, in 1-character and random chunks', async () => {
    const doc = llmDocument(40_000, 3);
    const talks = (JSON.parse(doc) as { talks: unknown[] }).talks;
    const LlmTalk = z.object({
      id: z.string(),
      speaker: z.looseObject({ name: z.string() }),
      tags: z.array(z.string()),
    });
    const lines = talks.map((t) => JSON.stringify(t, null, 1).replaceAll('\n', '')).join('\n');
    let seed = 11;
    const random = (text: string) =>
      splitAt(
        text,
        Array.from({ length: 400 }, () => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return seed % text.length;
        }),
      );
    for (const [text, options] of [
      [doc, {}],
      [lines, { shape: 'lines' }],
    ] as const) {
      for (const chunks of [chunksOf(text, 1), random(text), chunksOf(text, 4)]) {
        const { items, error } = await collect(LlmTalk.loose(), chunks, options);
        expect(error).toBeUndefined();
        expect(items).toEqual(talks);
      }
    }
  });

  describe('invalid elements', () => {
    const text = `[${ELEMENTS[0]},{"id":"two","t":"b"},${ELEMENTS[2]},{"id":4}]`;

    it('are skipped and kept in issues with their index, while the rest still arrive', async () => {
      for (const chunks of [chunksOf(text, 1), [text], chunksOf(text, 7)]) {
        const { items, issues, error } = await collect(Item, chunks);
        expect(error).toBeUndefined();
        expect(items).toEqual([VALUES[0], VALUES[2]]);
        expect(issues.map((e) => e.index)).toEqual([1, 3]);
        expect(issues[0]).toBeInstanceOf(ItemValidationError);
        expect(issues[0]!.issues).toMatchObject([{ path: ['id'], code: 'invalid_type' }]);
        expect(issues[0]!.value).toEqual({ id: 'two', t: 'b' });
        expect(issues[1]!.issues).toMatchObject([{ path: ['t'], code: 'invalid_type' }]);
        expect(issues[0]!.message).toMatch(/^Item 1 is invalid: id: /);
      }
    });

    it('reach an onInvalid callback in order with the valid ones', async () => {
      const seen: unknown[] = [];
      const stream = streamItems(Item, chunksOf(text, 3), {
        onInvalid: (e) => seen.push(`invalid ${e.index}`),
      });
      for await (const item of stream) seen.push(item);
      expect(seen).toEqual([VALUES[0], 'invalid 1', VALUES[2], 'invalid 3']);
      // Handed over, not kept: a long list of invalid elements would be held whole.
      expect(stream.issues).toEqual([]);
    });

    it("are thrown with onInvalid: 'throw', after the valid ones before them", async () => {
      const { items, error } = await collect(Item, chunksOf(text, 2), { onInvalid: 'throw' });
      expect(items).toEqual([VALUES[0]]);
      expect(error).toBeInstanceOf(ItemValidationError);
      expect((error as ItemValidationError).index).toBe(1);
    });
  });

  it('abort mid-list: the items yielded are kept, the source is cancelled', async () => {
    const controller = new AbortController();
    let cancelled = false;
    const pieces = chunksOf(`[${ELEMENTS.join(',')}]`, 4);
    const source = new ReadableStream<string>({
      pull(c) {
        const piece = pieces.shift();
        if (piece === undefined) c.close();
        else c.enqueue(piece);
      },
      cancel() {
        cancelled = true;
      },
    });
    const items: unknown[] = [];
    let error: unknown;
    try {
      for await (const item of streamItems(Item, source, { signal: controller.signal })) {
        items.push(item);
        if (items.length === 2) controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(items).toEqual(VALUES.slice(0, 2));
    expect((error as Error).name).toBe('AbortError');
    expect(cancelled).toBe(true);
  });

  it('a consumer that stops early releases the source', async () => {
    let cancelled = false;
    const pieces = [`[${ELEMENTS[0]},`, `${ELEMENTS[1]},`, `${ELEMENTS[2]}]`];
    const source = new ReadableStream<string>({
      pull(c) {
        c.enqueue(pieces.shift()!);
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of streamItems(Item, source)) break;
    expect(cancelled).toBe(true);
  });

  describe('errors', () => {
    it('a list cut off is a TruncatedError after every complete element was yielded', async () => {
      for (const text of [`[${ELEMENTS[0]},${ELEMENTS[1]}`, `[${ELEMENTS[0]},${ELEMENTS[1]},{"id":3`]) {
        const { items, error } = await collect(Item, chunksOf(text, 5));
        expect(items).toEqual(VALUES.slice(0, 2));
        expect(error).toBeInstanceOf(TruncatedError);
      }
      expect((await collect(Item, [''])).error).toBeInstanceOf(TruncatedError);
      expect((await collect(Item, ['{"items":[]'])).error).toMatchObject({
        message: 'The stream ended after the list, before the object around it closed',
      });
    });

    it('JSON Lines may be empty, and may end with a number', async () => {
      expect(await collect(z.number(), [''], { shape: 'lines' })).toMatchObject({
        items: [],
        error: undefined,
      });
      expect(
        await collect(z.number(), ['1\n2', '3 -4'], { shape: 'lines', decode: { extractJson: false } }),
      ).toEqual({ items: [1, 23, -4], issues: [], error: undefined });
    });

    it('a JSON error in an element is a PartialJSONError at its position in the whole text', async () => {
      const text = `[${ELEMENTS[0]},{"id":2,"t":x}]`;
      const { items, error } = await collect(Item, chunksOf(text, 3));
      expect(items).toEqual([VALUES[0]]);
      expect(error).toBeInstanceOf(PartialJSONError);
      expect((error as PartialJSONError).position).toBe(text.indexOf('x'));
      expect((error as Error).message).toMatch(/^Item 1 \(from position 20\): Unexpected "x"/);
    });

    it('a JSON error between elements is a PartialJSONError', async () => {
      for (const text of ['[{"id":1,"t":""} {"id":2,"t":""}]', '[{"id":1,"t":""},]', '{"a" 1}']) {
        const { error } = await collect(Item, [text]);
        expect(error, text).toBeInstanceOf(PartialJSONError);
      }
    });

    it('a list in the wrong place is a ListShapeError', async () => {
      const cases: Array<[string, StreamItemsOptions]> = [
        ['{"items":[]}', { shape: 'array' }],
        ['[]', { shape: { key: 'items' } }],
        ['{"items":{}}', { shape: { key: 'items' } }],
        ['{"other":[]}', { shape: { key: 'items' } }],
        ['{"a":1,"b":{"c":[]}}', {}],
        ['"items"', { decode: { extractJson: false } }],
        ['Here: []', { decode: { extractJson: false } }],
      ];
      for (const [text, options] of cases) {
        const { error } = await collect(Item, [text], options);
        expect(error, text).toBeInstanceOf(ListShapeError);
      }
      const { error } = await collect(Item, ['{"a":1}'], {});
      expect((error as Error).message).toContain("shape: 'lines'");
    });

    it('without extraction, text after the list is a JSON error', async () => {
      const { items, error } = await collect(Item, [`[${ELEMENTS[0]}] x`], {
        decode: { extractJson: false },
      });
      expect(items).toEqual([VALUES[0]]);
      expect(error).toBeInstanceOf(PartialJSONError);
    });

    it('maxLength bounds each element, not the list', async () => {
      const long = `[${Array.from({ length: 50 }, (_, i) => `{"id":${i},"t":"x"}`).join(',')}]`;
      expect((await collect(Item, [long], { maxLength: 20 })).items).toHaveLength(50);
      const { items, error } = await collect(Item, [`[${ELEMENTS[0]},{"id":2,"t":"${'y'.repeat(30)}"}]`], {
        maxLength: 20,
      });
      expect(items).toEqual([VALUES[0]]);
      expect(error).toBeInstanceOf(PartialJSONError);
    });

    it('a re-ask cannot take back yielded items: it throws', async () => {
      const wire = [
        encodeProtocolEvent({ type: 'text', text: `[${ELEMENTS[0]},` }),
        encodeProtocolEvent({ type: 'reset', attempt: 2 }),
        encodeProtocolEvent({ type: 'text', text: `[${ELEMENTS[0]}]` }),
        encodeProtocolEvent({ type: 'done' }),
      ];
      const { items, error } = await collect(Item, wire);
      expect(items).toEqual([VALUES[0]]);
      expect(error).toBeInstanceOf(PartialKitError);
      expect((error as Error).message).toContain('attempt 2');
    });

    it('a re-ask before any item was yielded starts the list over', async () => {
      const wire = [
        encodeProtocolEvent({ type: 'text', text: `[{"id":"not a number"},` }),
        encodeProtocolEvent({ type: 'reset', attempt: 2 }),
        encodeProtocolEvent({ type: 'text', text: `[${ELEMENTS[0]}]` }),
        encodeProtocolEvent({ type: 'done' }),
      ];
      const { items, issues, error } = await collect(Item, wire);
      expect(error).toBeUndefined();
      expect(items).toEqual([VALUES[0]]);
      expect(issues).toEqual([]); // the first attempt's, gone with it, as in the store
    });
  });

  describe('content type', () => {
    const ndjson = `${ELEMENTS.join('\n')}\n`;
    for (const type of ['application/x-ndjson', 'application/jsonl; charset=utf-8']) {
      it(`auto reads ${type} as JSON Lines`, async () => {
        const response = new Response(ndjson, { headers: { 'content-type': type } });
        expect((await collect(Item, response)).items).toEqual(VALUES);
      });
    }

    it('auto reads an untyped object stream as a root object, and says when it looks like JSON Lines', async () => {
      const response = new Response(ndjson, { headers: { 'content-type': 'application/json' } });
      expect((await collect(Item, response)).error).toBeInstanceOf(ListShapeError);
      // the first line has an array-valued key: read as a wrapper, until a second value follows
      const { items, issues, error } = await collect(Item, [
        '{"id":1,"tags":[{"id":2,"t":"x"}]}\n',
        '{"id":3}\n',
      ]);
      expect(items).toEqual([{ id: 2, t: 'x' }]);
      expect(issues).toEqual([]);
      expect(error).toBeInstanceOf(ListShapeError);
      expect((error as Error).message).toContain("shape: 'lines'");
      // prose after the list is still ignored
      expect(await collect(Item, ['[{"id":1,"t":""}]\n```\nMore? {"no": 1}'])).toMatchObject({
        items: [{ id: 1, t: '' }],
        error: undefined,
      });
    });
  });
});

describe('the end of a list cut off, and bounds', () => {
  it('a number or literal cut at the end of a list is not an item: `[1,2` of `[1,23]` yields 1, then a TruncatedError', async () => {
    for (const chunks of [['[1,2'], ['[1,', '2'], ['{"items":[1,2']]) {
      const { items, error } = await collect(z.number(), chunks);
      expect(error, JSON.stringify(chunks)).toBeInstanceOf(TruncatedError);
      expect(items, JSON.stringify(chunks)).toEqual([1]);
    }
    const literal = await collect(z.boolean(), ['[true,tru']);
    expect(literal.items).toEqual([true]);
    expect(literal.error).toBeInstanceOf(TruncatedError);
    // In JSON Lines the end delimits it: the last number is whole.
    expect((await collect(z.number(), ['1\n2\n23'], { shape: 'lines' })).items).toEqual([1, 2, 23]);
  });

  it('an invalid bound is refused at the first read, even for an empty list', async () => {
    for (const options of [{ maxDepth: -1 }, { maxLength: Number.NaN }]) {
      expect((await collect(Item, ['[]'], options)).error).toBeInstanceOf(InvalidOptionError);
    }
  });

  it('a shape or onInvalid that is none of its values is refused, not read as the default', async () => {
    for (const [option, value] of [
      ['shape', 'jsonl'],
      ['shape', { key: undefined }],
      ['shape', null],
      ['onInvalid', 'Throw'],
    ] as const) {
      const { items, error } = await collect(Item, ['[{"id":1}]'], { [option]: value } as StreamItemsOptions);
      expect(items).toEqual([]);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe(option);
    }
  });
});

describe('an item schema that validates asynchronously', () => {
  const Positive = z.object({ id: z.number() }).refine(async (v) => v.id > 0, 'id must be positive');

  it('each element is validated asynchronously, in order; the invalid ones are issues', async () => {
    const { items, issues, error } = await collect(Positive, ['[{"id":1},{"id":-1},', '{"id":3}]']);
    expect(error).toBeUndefined();
    expect(items).toEqual([{ id: 1 }, { id: 3 }]);
    expect(issues.map((e) => e.index)).toEqual([1]);
  });
});

describe('JSON Lines with the default extraction', () => {
  const ndjson = (body: string) =>
    new Response(body, { headers: { 'content-type': 'application/x-ndjson' } });

  it('strings, numbers and literals are values too', async () => {
    expect((await collect(z.string(), ndjson('"a"\n"b"\n'))).items).toEqual(['a', 'b']);
    expect((await collect(z.number(), ndjson('1\n2\n-3.5e2\n'))).items).toEqual([1, 2, -350]);
    expect((await collect(z.boolean().nullable(), ndjson('true\nnull\nfalse'))).items).toEqual([
      true,
      null,
      false,
    ]);
    expect((await collect(z.number(), ndjson('1 2 3\n'))).items).toEqual([1, 2, 3]);
  });

  it('a bracket inside a string value never becomes an element of its own', async () => {
    const { items, issues, error } = await collect(z.unknown(), ['{"id":1}\n', '"see [2]"\n', '{"id":3}\n'], {
      shape: 'lines',
    });
    expect({ items, issues, error }).toEqual({
      items: [{ id: 1 }, 'see [2]', { id: 3 }],
      issues: [],
      error: undefined,
    });
  });

  it('prose and fence lines are skipped, numbered or not, however the text is split', async () => {
    const text =
      'Here are the talks:\n```jsonl\n{"id":1}\n1. note: the second one\nnull or nothing\n' +
      'true story\n{"id":2} trailing words\n```\n2024 was a year\n';
    for (const parts of everySplit(text)) {
      const { items, error } = await collect(z.object({ id: z.number() }), parts, { shape: 'lines' });
      expect({ items, error }).toEqual({ items: [{ id: 1 }, { id: 2 }], error: undefined });
    }
  });

  const Talk = z.object({ id: z.number() });

  for (const [name, text] of [
    ['a numbered list', '1. {"id":1}\n2. {"id":2}\n'],
    ['a bulleted list', '- {"id":1}\n- {"id":2}\n'],
    ['a label before each', 'Talk: {"id":1}\nTalk: {"id":2}\n'],
    ['comma-separated on one line', '{"id":1}, {"id":2}\n'],
  ] as const) {
    it(`an object after prose on its line is an element (${name}), however the text is split`, async () => {
      for (const parts of everySplit(text)) {
        expect(await collect(Talk, parts, { shape: 'lines' }), JSON.stringify(parts)).toEqual({
          items: [{ id: 1 }, { id: 2 }],
          issues: [],
          error: undefined,
        });
      }
    });
  }

  for (const prose of [
    '3 talks found:',
    '2 new talks',
    '1 - introduction',
    'true facts first',
    'null nothing',
  ]) {
    it(`a line that begins with a number or literal and goes on in prose is prose: ${JSON.stringify(prose)}`, async () => {
      const text = `${prose}\n{"id":1}\n{"id":2}\n`;
      expect(await collect(Talk, [text], { shape: 'lines' })).toEqual({
        items: [{ id: 1 }, { id: 2 }],
        issues: [],
        error: undefined,
      });
    });
  }

  it('a line that is only a number is a value; one that goes on in words is not, whatever the word', async () => {
    expect(
      (await collect(z.unknown(), ['2024 was a year\n2 new talks\n7\n'], { shape: 'lines' })).items,
    ).toEqual([7]);
  });

  for (const prose of [
    '"Quoted intro',
    '12" vinyl talks:',
    'true "so they say',
    '"Find Rust talks" - here they are:',
  ]) {
    it(`a double quote in prose neither runs on into the next lines nor makes a value: ${JSON.stringify(prose)}`, async () => {
      for (const parts of everySplit(`${prose}\n{"id":1}\n{"id":2}\n`)) {
        expect(await collect(Talk, parts, { shape: 'lines' }), JSON.stringify(parts)).toEqual({
          items: [{ id: 1 }, { id: 2 }],
          issues: [],
          error: undefined,
        });
      }
    });
  }

  for (const [name, prose] of [
    ['a bracketed word', 'Here [see below]:'],
    ['a Markdown link', 'See [the docs](https://example.org) for more.'],
    ['a note in brackets', 'Note: values in [brackets] are estimates.'],
    ['an unclosed bracket', 'Items [as follows:'],
    ['a brace in prose', 'Use {placeholders} freely.'],
  ] as const) {
    it(`a bracket in prose whose text is not JSON is an invalid item, and the line prose (${name}), however split`, async () => {
      const text = `{"id":1}\n${prose}\n{"id":2}\n${prose}`;
      const second = text.lastIndexOf(prose) + prose.search(/[[{]/);
      for (const parts of everySplit(text)) {
        const { items, issues, error } = await collect(Talk, parts, { shape: 'lines' });
        expect({ items, error }, JSON.stringify(parts)).toEqual({
          items: [{ id: 1 }, { id: 2 }],
          error: undefined,
        });
        expect(
          issues.map((i) => [i.index, i.issues[0]!.code]),
          JSON.stringify(parts),
        ).toEqual([
          [1, 'invalid_json'],
          [3, 'invalid_json'],
        ]);
        expect(issues[1]!.issues[0]!.message).toContain(`(in the element from position ${second})`);
      }
    });
  }

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`a brace in prose whose string is open at the end of its line is an invalid item (${name}), however split`, async () => {
      // It fails at its own line end (a raw newline or CR cannot be in a string): it stayed on its line.
      const text = `Each line looks like {"id": 1, "title": "…${eol}{"id":1}${eol}{"id":2}${eol}`;
      for (const parts of everySplit(text)) {
        const { items, issues, error } = await collect(Talk, parts, { shape: 'lines' });
        expect(
          { items, error, issues: issues.map((i) => [i.index, i.issues[0]!.code]) },
          JSON.stringify(parts),
        ).toEqual({ items: [{ id: 1 }, { id: 2 }], error: undefined, issues: [[0, 'invalid_json']] });
      }
    });
  }

  it('a bracket that opens a list across lines and then fails is a JSON error: the items in it are not dropped silently', async () => {
    for (const parts of everySplit('Results: [\n{"id":1}\n{"id":2}\n')) {
      const { items, issues, error } = await collect(Talk, parts, { shape: 'lines' });
      expect({ items, issues }, JSON.stringify(parts)).toEqual({ items: [], issues: [] });
      expect(error, JSON.stringify(parts)).toBeInstanceOf(PartialJSONError);
    }
  });

  it('an element that is not JSON skips to its failing character: an object there still begins', async () => {
    const { items, issues, error } = await collect(Talk, ['{"id" {"id":2}\n{"id":3}\n'], { shape: 'lines' });
    expect({ items, error }).toEqual({ items: [{ id: 2 }, { id: 3 }], error: undefined });
    expect(issues.map((i) => i.index)).toEqual([0]);
  });

  it("an element that is not JSON throws with onInvalid: 'throw', and in every mode but JSON Lines with extraction", async () => {
    const text = '{"id":1}\nSee [the docs].\n{"id":2}\n';
    const strict = await collect(Talk, [text], { shape: 'lines', onInvalid: 'throw' });
    expect(strict.items).toEqual([{ id: 1 }]);
    expect(strict.error).toBeInstanceOf(ItemValidationError);
    const plain = await collect(Talk, ['{"id":1}\n{"id" 2}\n'], {
      shape: 'lines',
      decode: { extractJson: false },
    });
    expect(plain.error).toBeInstanceOf(PartialJSONError);
    const array = await collect(Talk, ['[{"id":1},{"id" 2}]'], { shape: 'array' });
    expect(array.error).toBeInstanceOf(PartialJSONError);
  });

  it('a bound still ends JSON Lines with extraction: maxDepth is not prose', async () => {
    const { items, error } = await collect(z.unknown(), ['{"id":1}\n[[[[1]]]]\n{"id":2}\n'], {
      shape: 'lines',
      maxDepth: 2,
    });
    expect(items).toEqual([{ id: 1 }]);
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as Error).message).toContain('maxDepth');
  });

  it('a value line is whole: strings closed on it, valid escapes, values apart; else it is prose', async () => {
    const text =
      '"a" "b"\n"a""b"\n1"a"\n"a","b"\n"tab\there"\n"bad \\x"\n"ok \\u0041\\n" -0 1e+21\n01\n1.\n.5\n+1\ntru\n' +
      '  true  null\t\n"ends here"';
    for (const parts of everySplit(text)) {
      expect(await collect(z.unknown(), parts, { shape: 'lines' }), JSON.stringify(parts)).toEqual({
        items: ['a', 'b', 'ok A\n', -0, 1e21, true, null, 'ends here'],
        issues: [],
        error: undefined,
      });
    }
  });

  it('a { or [ outside the strings of a value line drops it and begins an element; not inside them', async () => {
    const text = '1 {"id":1}\n1.{"id":2}\n"a" [3]\ntrue "so {they} say\n"see [4]"\n';
    for (const parts of everySplit(text)) {
      expect((await collect(z.unknown(), parts, { shape: 'lines' })).items, JSON.stringify(parts)).toEqual([
        { id: 1 },
        { id: 2 },
        [3],
        'see [4]',
      ]);
    }
  });

  it('after an element on its line, only a { or [ begins another: a value there is not one', async () => {
    const text = '{"id":1} 2\n{"id":2} "x" true\n[3] {"id":4}\n{"id":5}\n6';
    for (const parts of everySplit(text)) {
      expect((await collect(z.unknown(), parts, { shape: 'lines' })).items, JSON.stringify(parts)).toEqual([
        { id: 1 },
        { id: 2 },
        [3],
        { id: 4 },
        { id: 5 },
        6,
      ]);
    }
  });

  it("a value line's elements are located at their own first character", async () => {
    const text = 'Note: ok\n  1 "abcdef"\n';
    for (const parts of everySplit(text)) {
      const { items, error } = await collect(z.unknown(), parts, { shape: 'lines', maxLength: 4 });
      expect(items).toEqual([1]);
      expect((error as Error).message, JSON.stringify(parts)).toMatch(
        new RegExp(`^Item 1 \\(from position ${text.indexOf('"')}\\)`),
      );
    }
  });

  it(`a value line longer than MAX_VALUE_LINE (${MAX_VALUE_LINE}) characters is prose`, async () => {
    const string = (length: number) => `"${'x'.repeat(length - 2)}"`;
    const cases: Array<[string, unknown[]]> = [
      [`${string(MAX_VALUE_LINE)}\n{"id":1}\n`, ['x'.repeat(MAX_VALUE_LINE - 2), { id: 1 }]],
      [`${string(MAX_VALUE_LINE + 1)}\n{"id":1}\n`, [{ id: 1 }]],
      [`{"id":1}\n  ${string(MAX_VALUE_LINE)}`, [{ id: 1 }, 'x'.repeat(MAX_VALUE_LINE - 2)]],
      [`{"id":1}\n${string(MAX_VALUE_LINE + 1)}`, [{ id: 1 }]],
      [`1 ${string(MAX_VALUE_LINE)} {"id":1}\n`, [{ id: 1 }]],
    ];
    for (const [text, expected] of cases) {
      for (const parts of [
        [text],
        chunksOf(text, 4099),
        splitAt(text, [MAX_VALUE_LINE - 1, MAX_VALUE_LINE + 2]),
      ]) {
        const { items, error } = await collect(z.unknown(), parts, { shape: 'lines' });
        expect(error).toBeUndefined();
        expect(items).toEqual(expected);
      }
    }
  });

  /** Lines of prose an LLM writes around JSON Lines, with the review's tricky ones: none holds a value. */
  const PROSE = [
    'Here are the talks:',
    '1. note: the second one',
    'null or nothing',
    'true story',
    '2024 was a year',
    '3 talks found:',
    '2 new talks',
    '1 - introduction',
    'true facts first',
    'null nothing',
    '"Quoted intro',
    '"Quoted [intro {with brackets',
    '12" vinyl talks:',
    'true "so they say',
    'true "so {they} say',
    '"Find Rust talks" - here they are:',
    '"see [2]" is a footnote',
    '"a","b"',
    '"a""b"',
    '12"x"',
    'true"x"',
    '1,2',
    '-',
    '- nothing',
    'tru',
    'falsehood',
    '01',
    '+1',
    'NaN',
    '"tab\there"',
    '"bad \\x escape"',
    '"escaped end\\"',
    'Done.',
    '',
    '   ',
  ];
  const FENCES = ['```', '```json', '```jsonl', '~~~'];
  const scalar = fc.oneof(
    fc
      .string({
        unit: fc.constantFrom('a', ' ', '"', '\\', '[', ']', '{', '}', '\n', '\t', ',', ':', 'é', '😀'),
      })
      .map((v) => JSON.stringify(v)),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map((v) => JSON.stringify(v)),
    fc.constantFrom('true', 'false', 'null'),
  );
  const container = jsonValue
    .filter((v) => typeof v === 'object' && v !== null)
    .map((v) => JSON.stringify(v));
  /** A line and the values it holds. */
  const line = fc.oneof(
    fc.constantFrom(...PROSE, ...FENCES).map((text) => ({ text, values: [] as string[] })),
    fc
      .tuple(
        fc.constantFrom('', '  '),
        fc.array(scalar, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(' ', '\t '),
      )
      .map(([indent, values, gap]) => ({ text: indent + values.join(gap), values })),
    fc
      .tuple(
        fc.constantFrom('', '1. ', '- ', 'Talk: ', '  '),
        fc.array(container, { minLength: 1, maxLength: 2 }),
        fc.constantFrom('', ' trailing words', ' 2', ' "x" true', ' - ok'),
      )
      .map(([prefix, values, tail]) => ({ text: prefix + values.join(', ') + tail, values })),
  );

  it('random value lines among prose and fence lines: the items are their values, however split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 20 }),
        fc.boolean(),
        async (lines, eol, last, cuts, oneByOne) => {
          const text = lines.map((l) => l.text).join(eol) + (last ? eol : '');
          const chunks = oneByOne ? chunksOf(text, 1) : splitAt(text, cuts);
          const { items, issues, error } = await collect(z.unknown(), chunks, { shape: 'lines' });
          expect({ items, issues, error }).toEqual({
            items: lines.flatMap((l) => l.values.map((v) => JSON.parse(v) as unknown)),
            issues: [],
            error: undefined,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

const IdItem = z.object({ id: z.number() });
const TEXT = '[{"id":1},{"id":2},{"id":3}]';

/** A web stream that serves `chunks` one per pull, and records its cancellation. */
function cancellable(chunks: readonly string[]) {
  const pending = [...chunks];
  const state = { cancelled: false, pulls: 0 };
  const stream = new ReadableStream<string>({
    pull(c) {
      state.pulls++;
      const piece = pending.shift();
      if (piece === undefined) c.close();
      else c.enqueue(piece);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const macrotask = () => new Promise((r) => setTimeout(r, 0));

describe('streamItems: abort between items and before the first read', () => {
  it('yields nothing after the signal aborted, however the list is chunked', {
    timeout: 10_000,
  }, async () => {
    const outcomes = new Set<string>();
    for (const chunks of everySplit(TEXT)) {
      const controller = new AbortController();
      const items: unknown[] = [];
      let error: unknown;
      try {
        for await (const item of streamItems(IdItem, cancellable(chunks).stream, {
          signal: controller.signal,
        })) {
          items.push(item);
          controller.abort(); // the consumer is done after the first item
        }
      } catch (e) {
        error = e;
      }
      outcomes.add(JSON.stringify({ items, error: (error as Error | undefined)?.name }));
    }
    // One chunk closes all three items: none after the first is yielded once the signal aborted.
    expect([...outcomes]).toEqual([JSON.stringify({ items: [{ id: 1 }], error: 'AbortError' })]);
  });

  it('a signal aborted before the stream is read cancels the source, as an abort after does', {
    timeout: 5_000,
  }, async () => {
    const late = cancellable([TEXT]);
    const controller = new AbortController();
    streamItems(IdItem, late.stream, { signal: controller.signal });
    controller.abort();
    await macrotask();
    expect(late.state.cancelled).toBe(true);

    const early = cancellable([TEXT]);
    streamItems(IdItem, early.stream, { signal: AbortSignal.abort() });
    await macrotask();
    expect(early.state.cancelled).toBe(true);
  });

  it('a Response given with an already-aborted signal has its body cancelled', {
    timeout: 5_000,
  }, async () => {
    const responseOf = (state: { cancelled: boolean }) =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(c) {
            c.enqueue(new TextEncoder().encode(TEXT));
          },
          cancel() {
            state.cancelled = true;
          },
        }),
        { headers: { 'content-type': 'application/json' } },
      );
    const late = { cancelled: false };
    const controller = new AbortController();
    streamItems(IdItem, responseOf(late), { signal: controller.signal });
    controller.abort();
    await macrotask();
    expect(late.cancelled).toBe(true);

    const early = { cancelled: false };
    streamItems(IdItem, responseOf(early), { signal: AbortSignal.abort() });
    await macrotask();
    expect(early.cancelled).toBe(true);
  });
});

async function collectIds(chunks: string[], options?: Parameters<typeof streamItems>[2]) {
  const stream = streamItems(IdItem, chunks, { signal: AbortSignal.timeout(5_000), ...options });
  const items: unknown[] = [];
  try {
    for await (const item of stream) items.push(item);
  } catch (error) {
    return { items, issues: stream.issues, error };
  }
  return { items, issues: stream.issues, error: undefined };
}

describe('streamItems: the positions an element error names', () => {
  it('the message of a JSON error in an element names the same position as its `position`', async () => {
    const text = '[{"id":1},{"id":2,,}]';
    for (const chunks of [[text], chunksOf(text, 3)]) {
      const { items, error } = await collectIds(chunks);
      expect(items).toEqual([{ id: 1 }]);
      expect(error).toBeInstanceOf(PartialJSONError);
      expect((error as PartialJSONError).position).toBe(18);
      expect((error as Error).message).toBe(
        'Item 1 (from position 10): Unexpected "," at position 18: expected a string key',
      );
    }
  });

  it('a bound error names the position in the whole text too', async () => {
    const { error } = await collectIds(['[{"id":1},{"id":22222}]'], { maxLength: 8 });
    expect((error as PartialJSONError).position).toBe(18);
    expect((error as Error).message).toBe(
      'Item 1 (from position 10): Input exceeds maxLength (8 characters) at position 18',
    );
  });

  it("an invalid_json issue in JSON Lines names the failing character's position in the whole text", async () => {
    const text = '{"id":1}\nsee [the docs]\n{"id":2}\n';
    const { items, issues, error } = await collectIds([text], { shape: 'lines' });
    expect({ items, error }).toEqual({ items: [{ id: 1 }, { id: 2 }], error: undefined });
    expect(issues.map((i) => i.index)).toEqual([1]);
    // `h` of `[the` is at 15 in the text (the element begins at 13), not 2.
    expect(issues[0]!.issues[0]!.message).toBe(
      `Unexpected "h" at position 15: expected 'r' (in 'true') (in the element from position 13)`,
    );
  });
});

describe('JSON Lines without extraction, cut at the end', () => {
  it('inside a literal is a TruncatedError, as a cut object is (the model hit its limit, not bad JSON)', async () => {
    for (const [chunks, cut] of [
      [['1\n{"a":'], 'an object'],
      [['1\ntru'], 'a literal'],
      [['1\n', 'fal'], 'a literal over chunks'],
    ] as const) {
      const items: unknown[] = [];
      let error: unknown;
      try {
        for await (const item of streamItems(z.unknown(), [...chunks], {
          shape: 'lines',
          decode: { extractJson: false },
        }))
          items.push(item);
      } catch (e) {
        error = e;
      }
      expect(items, cut).toEqual([1]);
      expect(error, cut).toBeInstanceOf(TruncatedError);
    }
  });
});

describe("an item schema that is the list's parent's or the list's own", () => {
  const Talk = z.object({ title: z.string(), minutes: z.number() });
  const talks = '[{"title":"A","minutes":30},{"title":"B","minutes":45}]';

  it('the parent object schema fails at the first element, with what to pass instead, however split', async () => {
    const Program = z.object({ talks: z.array(Talk) });
    const text = `{"day":1,"talks":${talks}}`;
    for (const options of [{}, { shape: { key: 'talks' } }, { onInvalid: 'throw' }] as StreamItemsOptions[]) {
      for (const chunks of everySplit(text)) {
        const { items, issues, error } = await collect(Program, chunks, options);
        expect(items).toEqual([]);
        expect(issues).toEqual([]);
        expect(error).toBeInstanceOf(ListShapeError);
        expect((error as ListShapeError).message).toBe(
          'Item 0 (from position 18) lacks the key "talks", which holds the list: the item schema given is ' +
            'the whole object\'s. Pass the schema of one element of "talks"',
        );
        expect((error as ListShapeError).position).toBe(18);
      }
    }
  });

  it('a parent schema whose list key is optional or has a default, which every element passes, fails too', async () => {
    const text = `{"talks":${talks}}`;
    for (const Program of [
      z.object({ talks: z.array(Talk).optional() }),
      z.object({ talks: z.array(Talk).default([]) }),
      z.object({ talks: z.array(Talk).optional() }).refine(async () => true),
    ]) {
      const { items, error } = await collect(Program, chunksOf(text, 7));
      expect(items).toEqual([]);
      expect(error).toBeInstanceOf(ListShapeError);
      expect((error as Error).message).toContain('lacks the key "talks", which holds the list');
    }
    // An element that has a key of the schema is one: `{}` passes an all-optional item schema.
    const Loose = z.object({ title: z.string().optional(), talks: z.array(Talk).optional() });
    expect((await collect(Loose, chunksOf(text, 7))).items).toEqual([{ title: 'A' }, { title: 'B' }]);
  });

  it('an array schema fails at the first object element of a root array, or names itself under a key', async () => {
    const root = await collect(z.array(Talk), chunksOf(talks, 3));
    expect(root.items).toEqual([]);
    expect(root.error).toBeInstanceOf(ListShapeError);
    expect((root.error as Error).message).toBe(
      "Item 0 (from position 1) is an object, and the item schema given is an array's: it is the list's. Pass the schema of one element",
    );
    const keyed = await collect(z.array(Talk), chunksOf(`{"talks":${talks}}`, 3));
    expect(keyed.error).toBeInstanceOf(ListShapeError);
    expect((keyed.error as Error).message).toBe(
      'The root object has no array of items the schema takes (the array under "talks" at position 9 begins with an object, ' +
        "and the item schema is an array's: pass the schema of one element) at position 64",
    );
  });

  it('an element that lacks an array key of its own, or a list of lists, is only an invalid item', async () => {
    const Tagged = z.object({ id: z.number(), tags: z.array(z.string()) });
    const tagged = await collect(Tagged, chunksOf('{"items":[{"id":1},{"id":2,"tags":[]}]}', 4));
    expect(tagged.error).toBeUndefined();
    expect(tagged.items).toEqual([{ id: 2, tags: [] }]);
    expect(tagged.issues.map((issue) => issue.index)).toEqual([0]);
    // a node of a tree whose root key is "items" too, after one that passed: the schema is an element's
    const Node = z.object({ name: z.string(), items: z.array(z.string()) });
    const tree = await collect(Node, chunksOf('{"items":[{"name":"a","items":[]},{"name":"b"}]}', 5));
    expect(tree.error).toBeUndefined();
    expect(tree.items).toEqual([{ name: 'a', items: [] }]);
    expect(tree.issues.map((issue) => issue.index)).toEqual([1]);
    const lists = await collect(z.array(z.number()), chunksOf('[[1],["x"],[2]]', 2));
    expect(lists.error).toBeUndefined();
    expect(lists.items).toEqual([[1], [2]]);
  });

  it('one odd first element of a real list (empty, or of other keys) is only an invalid item, however split', async () => {
    // The item's own "items" key is the provider wrapper's: `{}` and `{"name": …}` lack it as a parent
    // schema's elements would, and the element after them tells.
    const Section = z.object({ title: z.string(), items: z.array(z.string()) });
    const section = '{"title":"a","items":["x"]}';
    for (const first of ['{}', '{"name":"a"}']) {
      for (const options of [{}, { shape: { key: 'items' } }] as StreamItemsOptions[]) {
        for (const chunks of everySplit(`{"items":[${first},${section}]}`)) {
          const { items, issues, error } = await collect(Section, chunks, options);
          expect(error).toBeUndefined();
          expect(items).toEqual([{ title: 'a', items: ['x'] }]);
          expect(issues.map((issue) => [issue.index, issue.value])).toEqual([[0, JSON.parse(first)]]);
        }
      }
    }
    // An element that tells nothing (`{}`, not an object) waits with the first, in order.
    const waits = await collect(Section, chunksOf(`{"items":[{"name":"a"},{},3,${section}]}`, 6));
    expect(waits.error).toBeUndefined();
    expect([waits.items, waits.issues.map((issue) => issue.index)]).toEqual([
      [{ title: 'a', items: ['x'] }],
      [0, 1, 2],
    ]);
    // The input failing (a network error) while the first waits: it is reported before the error.
    const cut = async function* () {
      yield '{"items":[{"name":"a"},{"title":"b"';
      throw new TypeError('socket hang up');
    };
    const failed = await collect(Section, cut());
    expect(failed.error).toEqual(new TypeError('socket hang up'));
    expect(failed.issues.map((issue) => issue.index)).toEqual([0]);
    const Pair = z.tuple([z.string(), z.number()]);
    const pairs = await collect(Pair, chunksOf('[{"a":1},["x",1]]', 3));
    expect([pairs.error, pairs.items, pairs.issues.length]).toEqual([undefined, [['x', 1]], 1]);
    // A second element like it confirms the schema is the parent's, as does a list of one, or of one
    // and elements that tell nothing.
    const Program = z.object({ talks: z.array(Talk) });
    for (const list of ['[{"title":"A","minutes":30}]', talks, '[{"title":"A","minutes":30},{},null]']) {
      const { items, issues, error } = await collect(Program, chunksOf(`{"talks":${list}}`, 5));
      expect([items, issues]).toEqual([[], []]);
      expect(error).toBeInstanceOf(ListShapeError);
    }
  });

  it("an element's JSON error keeps the cause: a refinement's own exception", async () => {
    const boom = new TypeError('boom');
    const Checked = z.object({ id: z.number() }).refine((v) => {
      if (v.id === 2) throw boom;
      return true;
    });
    const { items, error } = await collect(Checked, chunksOf('[{"id":1},{"id":2}]', 4));
    expect(items).toEqual([{ id: 1 }]);
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as Error).message).toMatch(/^Item 1 \(from position 10\): .*boom/);
    expect((error as Error).cause).toBe(boom);
  });
});

describe('a root value without the list, and a list whose elements the schema does not take', () => {
  const Talk = z.object({ title: z.string() });

  it('with extraction, a JSON object before the list is skipped; with none after it, the error names it', async () => {
    const text = '{"status":"searching"}\n[{"title":"A"},{"title":"B"}]';
    for (const chunks of everySplit(text)) {
      const { items, error } = await collect(Talk, chunks);
      expect(error).toBeUndefined();
      expect(items).toEqual([{ title: 'A' }, { title: 'B' }]);
    }
    const alone = await collect(Talk, ['{"status":"searching"}', '\nDone.']);
    expect(alone.error).toBeInstanceOf(ListShapeError);
    expect((alone.error as Error).message).toBe(
      "The root object has no array-valued key (for JSON Lines, use shape: 'lines') at position 21",
    );
    const strict = await collect(Talk, ['{"status":"searching"}'], { decode: { extractJson: false } });
    expect((strict.error as ListShapeError).position).toBe(21);
  });

  it("a re-ask after a root object without the list starts over: it is not the list's error", async () => {
    const body = [
      encodeProtocolEvent({ type: 'text', text: '{"status":"searching"}' }),
      encodeProtocolEvent({ type: 'reset', attempt: 2 }),
      encodeProtocolEvent({ type: 'text', text: '[{"title":"A"}]' }),
      encodeProtocolEvent({ type: 'done' }),
    ].join('');
    for (const extractJson of [true, false]) {
      const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      const { items, error } = await collect(Talk, response, { decode: { extractJson } });
      expect(error).toBeUndefined();
      expect(items).toEqual([{ title: 'A' }]);
    }
  });

  it('a list that opens the text is the list, though its elements are strings: each is an invalid item', async () => {
    for (const chunks of everySplit('["alpha","beta"]')) {
      const { items, issues, error } = await collect(Talk, chunks);
      expect(error).toBeUndefined();
      expect(items).toEqual([]);
      expect(issues.map((issue) => issue.index)).toEqual([0, 1]);
    }
    // a footnote that opens the text is still prose
    expect((await collect(Talk, ['[1] Sources: [{"title":"A"}]'])).items).toEqual([{ title: 'A' }]);
  });
});

describe("'auto' picks the first array of the root object whose first element an item can be", () => {
  const Talk = z.object({ title: z.string() });

  it('an array of strings or an empty one before the list is passed over, however split', async () => {
    for (const text of [
      '{"query":"x","sources":["a [b]","c"],"talks":[{"title":"A"},{"title":"B"}]}',
      '{"warnings":[],"talks":[{"title":"A"},{"title":"B"}]}',
      '{"grid":[[1]],"talks":[ {"title":"A"},{"title":"B"}]}',
    ]) {
      for (const chunks of everySplit(text)) {
        const { items, issues, error } = await collect(Talk, chunks);
        expect(error).toBeUndefined();
        expect(issues).toEqual([]);
        expect(items).toEqual([{ title: 'A' }, { title: 'B' }]);
      }
    }
  });

  it('an empty array is the list when no other is; one the items cannot be is named in the error', async () => {
    expect(await collect(Talk, ['{"n":1,"talks":[]', ',"more":[1]}'])).toMatchObject({
      items: [],
      error: undefined,
    });
    const { error } = await collect(Talk, ['{"sources":["a"],"n":[2]}']);
    expect(error).toBeInstanceOf(ListShapeError);
    expect((error as Error).message).toBe(
      'The root object has no array of items the schema takes (the array under "sources" at position 11 begins with a string) at position 24',
    );
    // without a schema that rules anything out, the first array is the list, as before
    expect((await collect(z.unknown(), ['{"sources":["a"],"talks":[1]}'])).items).toEqual(['a']);
    // a named key is taken whatever its elements
    const named = await collect(Talk, ['{"sources":["a"]}'], { shape: { key: 'sources' } });
    expect(named.issues.map((issue) => issue.index)).toEqual([0]);
  });
});

describe('review cases: what a later value, a tuple item or a tree node must not be taken for', () => {
  const Talk = z.object({ title: z.string(), tags: z.array(z.string()).optional() });

  it("JSON Lines read as 'auto': a later record's empty array is not the list, the error stays", async () => {
    const { items, error } = await collect(Talk, ['{"title":"A"}\n{"title":"B","tags":[]}\n']);
    expect(items).toEqual([]);
    expect((error as Error).message).toBe(
      "The root object has no array-valued key (for JSON Lines, use shape: 'lines') at position 12",
    );
  });

  it('a tuple item schema: an array of objects before the rows is passed over', async () => {
    const text = '{"columns":[{"name":"a"}],"rows":[[1,2],[3,4]]}';
    const { items, error } = await collect(z.tuple([z.number(), z.number()]), chunksOf(text, 5));
    expect(error).toBeUndefined();
    expect(items).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("a tree node that lacks its own list, first, is an invalid item: it has the schema's other keys", async () => {
    const Node = z.object({ name: z.string(), items: z.array(z.string()) });
    const { items, issues, error } = await collect(Node, [
      '{"items":[{"name":"a"},{"name":"b","items":[]}]}',
    ]);
    expect(error).toBeUndefined();
    expect(items).toEqual([{ name: 'b', items: [] }]);
    expect(issues.map((issue) => issue.index)).toEqual([0]);
  });
});

describe('a number or literal that a delimiter cuts short is bad JSON, not a truncation', () => {
  const cases = [
    ['[tru]', 'Item 0 (from position 1): Unexpected "]" at position 4: expected the rest of \'true\'', 4, []],
    ['[1.]', 'Item 0 (from position 1): Unexpected "]" at position 3: expected a digit', 3, []],
    ['[-,1]', 'Item 0 (from position 1): Unexpected "," at position 2: expected a digit', 2, []],
    [
      '[tru, 1, 2]',
      'Item 0 (from position 1): Unexpected "," at position 4: expected the rest of \'true\'',
      4,
      [],
    ],
    [
      '{"items":[1,nul,3]}',
      'Item 1 (from position 12): Unexpected "," at position 15: expected the rest of \'null\'',
      15,
      [1],
    ],
  ] as const;

  it('a PartialJSONError at the delimiter, as JSON.parse and streamPartial have it, however it is split', async () => {
    for (const [text, message, position, before] of cases) {
      expect(() => JSON.parse(text), text).toThrow(SyntaxError);
      for (const chunks of everySplit(text)) {
        const { items, error } = await collect(z.unknown(), chunks);
        expect(items, text).toEqual(before);
        expect(error, text).toBeInstanceOf(PartialJSONError);
        expect(error, text).not.toBeInstanceOf(TruncatedError);
        expect(error, text).toMatchObject({ message, position, incomplete: false });
      }
    }
  });

  it('so it is with an item schema that validates asynchronously', async () => {
    const { items, error } = await collect(
      z
        .number()
        .nullable()
        .refine(async () => true),
      ['{"items":[1,nul,3]}'],
    );
    expect(items).toEqual([1]);
    expect(error).toMatchObject({
      name: 'PartialJSONError',
      message: 'Item 1 (from position 12): Unexpected "," at position 15: expected the rest of \'null\'',
    });
  });

  it('JSON Lines without extraction: a line end cuts `1.` short', async () => {
    const { items, error } = await collect(z.number(), ['1.\n2\n'], {
      shape: 'lines',
      decode: { extractJson: false },
    });
    expect(items).toEqual([]);
    expect(error).toMatchObject({
      name: 'PartialJSONError',
      message: 'Item 0 (from position 0): Unexpected "\\n" at position 2: expected a digit',
    });
  });

  it('the end of the input inside an element is a truncation that names the item and where it began', async () => {
    for (const text of ['[1,tr', '[1,{"id":']) {
      const { items, error } = await collect(z.unknown(), [text]);
      expect(items).toEqual([1]);
      expect(error).toBeInstanceOf(TruncatedError);
      expect((error as Error).message).toBe('The stream ended inside item 1 (from position 3)');
    }
  });
});

describe('an empty array in a value before the list', () => {
  const Talk = z.object({ title: z.string() });

  it('with extraction, a later value that holds the list is read: the empty array was not it', async () => {
    for (const text of [
      '{"status":"searching","results":[]}\n[{"title":"A"},{"title":"B"}]',
      '{"status":"searching","results":[]}\n{"talks":[{"title":"A"},{"title":"B"}]}',
    ]) {
      for (const chunks of everySplit(text)) {
        const { items, error } = await collect(Talk, chunks);
        expect(error, text).toBeUndefined();
        expect(items, text).toEqual([{ title: 'A' }, { title: 'B' }]);
      }
    }
  });

  it('with none after it, the empty array is the list: no items, no error', async () => {
    for (const text of [
      '{"results":[]}',
      '{"results":[]} That is all.',
      '{"results":[]}\n{"status":"done"}',
      '{"results":[]}\nSee [',
    ]) {
      expect(await collect(Talk, [text]), text).toEqual({ items: [], issues: [], error: undefined });
    }
    // Without extraction the root is the whole text, as before.
    expect(await collect(Talk, ['{"results":[]}'], { decode: { extractJson: false } })).toEqual({
      items: [],
      issues: [],
      error: undefined,
    });
  });
});

describe("'auto' and an array of other objects before the list", () => {
  const Item = z.object({ id: z.number() });

  it('no item passed, the first had none of the schema keys, a later key holds an array: a ListShapeError naming it', async () => {
    const text = '{"steps":[{"thought":"x"},{"thought":"y"}],"items":[{"id":1},{"id":2}]}';
    for (const chunks of everySplit(text)) {
      const { items, issues, error } = await collect(Item, chunks);
      expect(items).toEqual([]);
      expect(issues.map((i) => i.index)).toEqual([0, 1]);
      expect(error).toBeInstanceOf(ListShapeError);
      expect(error).toMatchObject({
        position: 10,
        message:
          'No item passed: the list read, under "steps", holds other objects (item 0, from position 10, has none of ' +
          'the item schema\'s keys: "thought"). If the list is the array under "items", name it: shape: { key: "items" }',
      });
    }
    // Named, the list is read.
    expect((await collect(Item, [text], { shape: { key: 'items' } })).items).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('no false alarm: a bad first element of the only list is skipped, as is any list where an item passed', async () => {
    for (const text of [
      '{"items":[{"ID":1},{"id":2}]}',
      '{"items":[{"ID":1}]}',
      '{"items":[{"ID":1},{"id":2}],"other":[{"id":3}]}',
      // a later array no item can come from: empty, or of strings
      '{"items":[{"ID":1},{"ID":2}],"warnings":[]}',
      '{"items":[{"ID":1}],"tags":["x"]}',
      '{"items":[{"id":"1"}],"other":[{"id":3}]}', // it has the schema's key: the list's element, invalid
    ]) {
      const { error } = await collect(Item, [text]);
      expect(error, text).toBeUndefined();
    }
  });
});
