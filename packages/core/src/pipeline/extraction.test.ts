/**
 * Extraction that knows the schema, through every consumer: a bracket in the prose before the answer
 * that cannot open the value the schema describes is prose, and an answer with no such value fails
 * with an error that says so (not "the stream ended"), quoting the answer's start.
 */
import { chunksOf } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ListShapeError, PartialJSONError, TruncatedError } from '../errors.ts';
import { PartialItemsStore } from '../stream/partial-items-store.ts';
import { PartialObjectStore } from '../stream/partial-object-store.ts';
import type { ListShape } from './list-scanner.ts';
import { streamItems } from './stream-items.ts';
import { streamPartial } from './stream-partial.ts';

const Talk = z.object({ title: z.string(), minutes: z.number() });

/** A text response in chunks of `size` characters. */
function textResponse(text: string, size: number): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunksOf(text, size)) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    }),
    { headers: { 'content-type': 'text/plain' } },
  );
}

async function settle<T>(stream: AsyncIterable<T>): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = [];
  try {
    for await (const value of stream) values.push(structuredClone(value));
    return { values, error: undefined };
  } catch (error) {
    return { values, error };
  }
}

const OBJECT_ANSWERS = [
  'Based on the sources [1][2], here is the JSON:\n```json\n{"title": "Streams [live]", "minutes": 30}\n```',
  'Here is {the talk} as [JSON]: {"title": "Streams [live]", "minutes": 30} [3]',
];

describe('streamPartial', () => {
  for (const text of OBJECT_ANSWERS) {
    it(`reads the object out of ${JSON.stringify(text.slice(0, 40))}…, in chunks of 1 to 7`, async () => {
      for (let size = 1; size <= 7; size++) {
        const { values, error } = await settle(streamPartial(Talk, textResponse(text, size)));
        expect(error).toBeUndefined();
        expect(values.at(-1)).toEqual({ title: 'Streams [live]', minutes: 30 });
        // Nothing of the prose was ever shown: every snapshot is a part of the talk.
        for (const v of values) expect(JSON.stringify(v)).toMatch(/^\{("title":"Stre)?/);
      }
    });
  }

  it('skips a citation before a list of objects', async () => {
    const text = 'See [1] and [2]: [{"title": "A", "minutes": 5}]';
    const { values, error } = await settle(streamPartial(z.array(Talk), textResponse(text, 3)));
    expect(error).toBeUndefined();
    expect(values.at(-1)).toEqual([{ title: 'A', minutes: 5 }]);
  });

  it('fails an answer in prose with a PartialJSONError quoting it, not a TruncatedError', async () => {
    const { values, error } = await settle(
      streamPartial(Talk, textResponse('Sorry, I cannot extract a talk from that.', 4)),
    );
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as Error).message).toBe(
      'No JSON object in the text (it begins "Sorry, I cannot extract a talk from that.")',
    );
  });

  it('names the value of the wrong kind it skipped', async () => {
    const { error } = await settle(streamPartial(Talk, textResponse('[{"title": "A", "minutes": 5}]', 4)));
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as Error).message).toMatch(
      /^No JSON object in the text: the array at position 0 was skipped, since the schema describes an object/,
    );
  });

  it('still calls an empty answer, or one cut right after a bracket, a truncation', async () => {
    for (const text of ['', 'Here it is: {']) {
      const { error } = await settle(streamPartial(Talk, textResponse(text, 4)));
      expect(error).toBeInstanceOf(TruncatedError);
    }
  });

  it('without extractJson, reads the text as JSON', async () => {
    const { error } = await settle(
      streamPartial(Talk, textResponse(OBJECT_ANSWERS[0]!, 8), { decode: { extractJson: false } }),
    );
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as PartialJSONError).position).toBe(0);
  });
});

describe('PartialObjectStore', () => {
  it('reads the object out of prose with brackets, and says when there is none', async () => {
    let text = OBJECT_ANSWERS[1]!;
    const store = new PartialObjectStore({
      schema: Talk,
      fetcher: async () => textResponse(text, 5),
      throttle: 0,
    });
    await store.submit(null);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      data: { title: 'Streams [live]', minutes: 30 },
    });
    text = 'I could not find a talk [sorry].';
    await store.submit(null);
    const state = store.getSnapshot();
    expect(state.status).toBe('error');
    expect(state.error).toBeInstanceOf(PartialJSONError);
    expect(state.error?.message).toBe(
      'No JSON object in the text (it begins "I could not find a talk [sorry].")',
    );
  });
});

describe('streamItems and PartialItemsStore', () => {
  const answers = [
    'Top [5] talks, as [JSON]:\n[{"title": "A", "minutes": 5}, {"title": "B", "minutes": 6}]',
    'Here [x] {they are}: {"talks": [{"title": "A", "minutes": 5}, {"title": "B", "minutes": 6}]}',
  ];
  for (const text of answers) {
    it(`reads the list out of ${JSON.stringify(text.slice(0, 30))}…, in chunks of 1 to 7`, async () => {
      for (let size = 1; size <= 7; size++) {
        const { values, error } = await settle(streamItems(Talk, textResponse(text, size)));
        expect(error).toBeUndefined();
        expect(values.map((t) => t.title)).toEqual(['A', 'B']);
      }
    });
  }

  it('skips JSON the shape cannot take before the list, whole: an object before a root array, an array before the keyed object', async () => {
    const cases: [string, ListShape][] = [
      [
        'Input {"talks": [{"title": "X", "minutes": 1}]} gives:\n[{"title": "A", "minutes": 5}, {"title": "B", "minutes": 6}]',
        'array',
      ],
      [
        'Sources [{"title": "X", "minutes": 1}] and {"talks": [{"title": "A", "minutes": 5}, {"title": "B", "minutes": 6}]}',
        { key: 'talks' },
      ],
    ];
    for (const [text, shape] of cases) {
      for (let size = 1; size <= 7; size++) {
        const { values, error } = await settle(streamItems(Talk, textResponse(text, size), { shape }));
        expect(error).toBeUndefined();
        expect(values.map((t) => t.title)).toEqual(['A', 'B']);
      }
    }
    // A list in the wrong bracket as the whole answer fails at once, as without extraction.
    for (const [text, shape, message] of [
      ['{"talks": [{"title": "A", "minutes": 5}]}', 'array', 'Expected an array, found an object'],
      [
        '\n [{"title": "A", "minutes": 5}]',
        { key: 'talks' },
        'Expected an object with the key "talks", found an array',
      ],
    ] as const) {
      const early = await settle(streamItems(Talk, textResponse(text, 2), { shape }));
      expect(early.error).toBeInstanceOf(ListShapeError);
      expect((early.error as Error).message).toMatch(message);
    }
    const { error } = await settle(
      streamItems(Talk, textResponse('Only {"talks": [{"title": "X"}]} here.', 3), { shape: 'array' }),
    );
    expect(error).toBeInstanceOf(ListShapeError);
    expect((error as Error).message).toBe(
      'No JSON array in the text: the object at position 5 was skipped, since the list is an array (it begins "Only {\\"talks\\": [{\\"title\\": \\"X\\"}]} here.")',
    );
  });

  it('says where a list of numbers was passed over when the items are objects (a footnote may begin so)', async () => {
    for (const [text, at] of [
      ['[1, 2, 3]', 0],
      ['The ids: [1, 2] and no talks.', 9],
    ] as const) {
      for (const size of [1, 3, text.length]) {
        const { error } = await settle(streamItems(Talk, textResponse(text, size)));
        expect(error).toBeInstanceOf(ListShapeError);
        expect((error as Error).message).toBe(
          `No JSON list in the text: the array at position ${at} begins with a number, which an item cannot be (it begins ${JSON.stringify(text)})`,
        );
      }
    }
    // A number the item schema takes opens the list.
    const numbers: number[] = [];
    for await (const n of streamItems(z.number(), textResponse('[1, 2, 3]', 2))) numbers.push(n);
    expect(numbers).toEqual([1, 2, 3]);
  });

  it('fails an answer in prose with a ListShapeError quoting it', async () => {
    const blank = await settle(streamItems(Talk, textResponse(`${'\n'.repeat(70)}No talks.`, 3)));
    expect((blank.error as Error).message).toBe('No JSON list in the text (it begins "No talks.")');
    const { error } = await settle(streamItems(Talk, textResponse('No talks were [found].', 3)));
    expect(error).toBeInstanceOf(ListShapeError);
    expect((error as Error).message).toBe('No JSON list in the text (it begins "No talks were [found].")');
    const keyed = await settle(streamItems(Talk, textResponse('None.', 3), { shape: { key: 'talks' } }));
    expect((keyed.error as Error).message).toBe(
      'No JSON object with the key "talks" in the text (it begins "None.")',
    );
  });

  it('the store reads the same list', async () => {
    const store = new PartialItemsStore({
      schema: Talk,
      fetcher: async () => textResponse(answers[0]!, 4),
      throttle: 0,
    });
    await store.submit(null);
    const state = store.getSnapshot();
    expect(state.status).toBe('success');
    expect(state.items.map((t) => t.title)).toEqual(['A', 'B']);
  });
});

describe("a reasoning model's <think> block before the answer", () => {
  const thinking =
    '<think>\nThe user wants talks. Maybe {"title": "draft", "minutes": 1}? Or [1, 2].\n</think>\n\n';
  it('streamPartial reads the answer after it, not the JSON inside it, in chunks of 1 to 7', async () => {
    for (let size = 1; size <= 7; size++) {
      const { values, error } = await settle(
        streamPartial(Talk, textResponse(`${thinking}{"title": "A", "minutes": 5}`, size)),
      );
      expect(error).toBeUndefined();
      expect(values.at(-1)).toEqual({ title: 'A', minutes: 5 });
    }
  });

  it('streamItems too, a root array and JSON Lines', async () => {
    const lists: [string, ListShape][] = [
      ['[{"title": "A", "minutes": 5}, {"title": "B", "minutes": 6}]', 'auto'],
      ['{"title": "A", "minutes": 5}\n{"title": "B", "minutes": 6}\n', 'lines'],
    ];
    for (const [list, shape] of lists) {
      for (let size = 1; size <= 7; size++) {
        const { values, error } = await settle(
          streamItems(Talk, textResponse(thinking + list, size), { shape }),
        );
        expect(error).toBeUndefined();
        expect(values.map((t) => t.title)).toEqual(['A', 'B']);
      }
    }
  });

  it('positions in errors count the block: they are those of the whole answer', async () => {
    const list = `${thinking}[{"title": "A", "minutes": 5} x]`;
    for (const size of [1, 3, 7]) {
      const { error } = await settle(streamItems(Talk, textResponse(list, size)));
      expect((error as Error).message).toBe(
        `Unexpected "x" at position ${list.indexOf(' x]') + 1}: expected ',' or ']'`,
      );
      const object = `${thinking}Sources [1].`;
      const missing = await settle(streamPartial(Talk, textResponse(object, size)));
      expect((missing.error as Error).message).toMatch(
        new RegExp(`^No JSON object in the text: the array at position ${object.indexOf('[1]')} was skipped`),
      );
    }
  });
});
