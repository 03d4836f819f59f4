import '../providers/index.ts';
import { fixtureBytes } from '@partialkit/test-utils/fixtures';
import { decodeSettled, paced } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { NetworkError, ProviderError, RefusalError, TruncatedError } from '../errors.ts';
import { createPartialParser } from '../parser/create-partial-parser.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import type { DecodeOptions } from './decode.ts';

const bytesOf = fixtureBytes;

/** Chunkings of the raw bytes: whole, event by event (as recorded), 1-byte, and 7-byte. */
function chunkings(bytes: Uint8Array): Array<[string, Uint8Array[]]> {
  const events: Uint8Array[] = [];
  let last = 0;
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i - 1] === 0x0a) {
      events.push(bytes.slice(last, i + 1));
      last = i + 1;
    } else if (bytes[i] === 0x0a && bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a) {
      events.push(bytes.slice(last, i + 1));
      last = i + 1;
    }
  }
  events.push(bytes.slice(last));
  const sized = (n: number) =>
    Array.from({ length: Math.ceil(bytes.length / n) }, (_, i) => bytes.slice(i * n, i * n + n));
  return [
    ['whole', [bytes]],
    ['recorded events', events],
    ['1-byte', sized(1)],
    ['7-byte', sized(7)],
  ];
}

const decodeAll = (chunks: Uint8Array[], options: DecodeOptions) => decodeSettled(chunks, options);

interface Case {
  file: string;
  options?: DecodeOptions;
  text?: string;
  json?: unknown;
  error?: { type: new (...args: never[]) => Error; props: Record<string, unknown>; text?: string };
}

const weather = { city: 'Edinburgh', country: 'UK', units: 'c' };
const CASES: Case[] = [
  { file: 'openai-chat-json-schema.sse', json: { city: 'San Francisco', temperature: 61, units: 'f' } },
  {
    file: 'openai-chat-json-schema-length-truncated.sse',
    error: { type: TruncatedError, props: { reason: 'length' }, text: '{"' },
  },
  {
    file: 'openai-chat-json-schema-refusal.sse',
    error: {
      type: RefusalError,
      props: { refusal: "I'm sorry, I can't assist with that request." },
      text: '',
    },
  },
  { file: 'openai-chat-tool-call-pydantic.sse', options: { toolCall: 0 }, json: weather },
  {
    file: 'openai-chat-tool-call-strict.sse',
    options: { toolCall: 'get_weather' },
    json: { city: 'San Francisco', state: 'CA' },
  },
  {
    file: 'openai-chat-tool-calls-parallel.sse',
    options: { toolCall: 0 },
    json: { city: 'Edinburgh', country: 'GB', units: 'c' },
  },
  {
    file: 'openai-chat-tool-calls-parallel.sse',
    options: { toolCall: 'get_stock_price' },
    json: { ticker: 'AAPL', exchange: 'NASDAQ' },
  },
  { file: 'openai-responses-function-call-args.sse', options: { toolCall: 0 }, json: { country: 'France' } },
  {
    file: 'openai-responses-final-result-tool.sse',
    options: { toolCall: 'final_result' },
    json: { result: 6666 },
  },
  {
    file: 'openai-responses-error-event.sse',
    error: { type: ProviderError, props: { type: 'insufficient_quota' }, text: '' },
  },
  {
    file: 'lmstudio-responses-reasoning-tool-call.sse',
    options: { toolCall: 0 },
    json: { location: 'San Francisco' },
  },
  {
    file: 'lmstudio-responses-reasoning-tool-call.sse',
    text: "I'll get the current weather information for San Francisco for you.",
  },
  {
    file: 'anthropic-tool-input-json.sse',
    options: { toolCall: 'get_weather' },
    json: { location: 'Paris' },
  },
  { file: 'anthropic-tool-input-json.sse', text: "I'll check the current weather in Paris for you." },
  {
    file: 'anthropic-tool-input-json-max-tokens-truncated.sse',
    options: { toolCall: 0 },
    error: {
      type: TruncatedError,
      props: { reason: 'max_tokens' },
      text: '{"filename": "taxes.txt", "lines_of_text": [\n"# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s",\n"",\n"## INTRODUCTION",\n"",\n"Filing taxes',
    },
  },
  { file: 'anthropic-text-basic.sse', text: 'Hello there!' },
  { file: 'gemini-sse-json-schema.sse', json: { city: 'Mexico City', country: 'Mexico' } },
  { file: 'gemini-sse-text.sse', text: 'The capital of France is Paris.\n' },
  { file: 'openrouter-chat-comments-reasoning.sse', text: '2 + 2 = 4' },
  {
    file: 'groq-chat-error-event-midstream.sse',
    error: { type: ProviderError, props: { type: 'tool_use_failed' }, text: '' },
  },
  // A tool call asked for that the response does not hold: said so, in every provider's reader.
  {
    file: 'openai-responses-function-call-args.sse',
    options: { toolCall: 'get_weather' },
    error: { type: ProviderError, props: { type: 'tool_call_missing' }, text: '' },
  },
  {
    file: 'openai-chat-tool-calls-parallel.sse',
    options: { toolCall: 2 },
    error: { type: ProviderError, props: { type: 'tool_call_missing' }, text: '' },
  },
  {
    file: 'anthropic-tool-input-json.sse',
    options: { toolCall: 'get_time' },
    error: {
      type: ProviderError,
      props: {
        type: 'tool_call_missing',
        message: 'The response has no tool call "get_time": it called "get_weather"',
      },
      text: '',
    },
  },
  {
    file: 'gemini-sse-text.sse',
    options: { toolCall: 0 },
    error: {
      type: ProviderError,
      props: { message: 'The response has no tool call number 0 (counting from 0): it called no tool' },
      text: '',
    },
  },
];

const DOGS = {
  dogs: [
    {
      name: 'Shadow',
      age: 4,
      bio: 'A sleek Doberman who wears sunglasses and excels at night agility courses.',
    },
    {
      name: 'Zephyr',
      age: 2,
      bio: 'An energetic Australian Shepherd who surfs huge waves and loves DJing in his spare time.',
    },
    {
      name: 'Baron',
      age: 5,
      bio: 'A refined French Bulldog with a leather jacket who knows all the secret spots in the city.',
    },
  ],
};
CASES.push(
  { file: 'gemini-stream-json-array-schema.json', json: DOGS },
  { file: 'gemini-stream-json-schema-from-array.sse', json: DOGS },
);

describe('recorded provider streams, at every chunking', () => {
  for (const c of CASES) {
    const label = `${c.file}${c.options ? ` ${JSON.stringify(c.options)}` : ''}`;
    it(label, async () => {
      const bytes = bytesOf(c.file);
      for (const [name, chunks] of chunkings(bytes)) {
        const { text, deltas, error } = await decodeAll(chunks, { format: 'auto', ...c.options });
        if (c.error) {
          expect(error, name).toBeInstanceOf(c.error.type);
          expect(error, name).toMatchObject(c.error.props);
          if (c.error.text !== undefined) expect(text, name).toBe(c.error.text);
        } else {
          expect(error, name).toBeUndefined();
          if (c.json !== undefined) {
            // Through our own parser, delta by delta, as a client would.
            const parser = createPartialParser();
            for (const d of deltas) parser.write(d);
            expect(parser.end(), name).toEqual(c.json);
            expect(JSON.parse(text), name).toEqual(c.json);
          }
          if (c.text !== undefined) expect(text, name).toBe(c.text);
        }
      }
    });
  }

  it("the named format 'gemini' reads both of Gemini's framings: SSE and the JSON array", async () => {
    for (const file of ['gemini-stream-json-array-schema.json', 'gemini-stream-json-schema-from-array.sse']) {
      for (const [name, chunks] of chunkings(bytesOf(file))) {
        const { text, error } = await decodeAll(chunks, { format: 'gemini' });
        expect(error, `${file} ${name}`).toBeUndefined();
        expect(JSON.parse(text), `${file} ${name}`).toEqual(DOGS);
      }
    }
  });

  it('survives every two-piece byte split of the small fixtures', async () => {
    for (const c of CASES.filter((x) => x.json && bytesOf(x.file).length <= 8300)) {
      const bytes = bytesOf(c.file);
      for (let i = 0; i <= bytes.length; i += 1) {
        const { text, error } = await decodeAll([bytes.slice(0, i), bytes.slice(i)], { ...c.options });
        expect(error, `${c.file} split at ${i}`).toBeUndefined();
        expect(JSON.parse(text), `${c.file} split at ${i}`).toEqual(c.json);
      }
    }
  }, 60_000);
});

describe('recordings cut cleanly before their final event (a proxy closing the body)', () => {
  // Each recording up to the event that holds this marker: its end (finish_reason, [DONE],
  // message_delta / message_stop, response.completed, finishReason) is gone.
  const CUTS: Array<[file: string, marker: string, options?: DecodeOptions]> = [
    ['openai-chat-json-schema.sse', '"finish_reason":"stop"'],
    ['openai-chat-tool-call-strict.sse', '"finish_reason":"tool_calls"', { toolCall: 'get_weather' }],
    ['openrouter-chat-comments-reasoning.sse', '"finish_reason":"stop"'],
    ['anthropic-text-basic.sse', 'event: message_delta'],
    ['anthropic-tool-input-json.sse', 'event: message_delta', { toolCall: 'get_weather' }],
    ['openai-responses-function-call-args.sse', 'event: response.completed', { toolCall: 0 }],
    ['lmstudio-responses-reasoning-tool-call.sse', 'event: response.completed'],
    ['gemini-sse-text.sse', '"finishReason"'],
    ['gemini-stream-json-schema-from-array.sse', '"finishReason"'],
  ];

  for (const [file, marker, options] of CUTS) {
    it(`${file}: a NetworkError after the text before the cut`, async () => {
      const text = new TextDecoder().decode(bytesOf(file));
      const at = text.indexOf(marker);
      expect(at, marker).toBeGreaterThan(0);
      // The start of the event holding the marker.
      const cut = text.slice(0, Math.max(text.lastIndexOf('\n\n', at), text.lastIndexOf('\r\n\r\n', at)) + 2);
      const whole = await decodeAll([bytesOf(file)], { ...options });
      const { text: got, error } = await decodeAll([new TextEncoder().encode(cut)], { ...options });
      expect(error).toBeInstanceOf(NetworkError);
      expect(whole.text.startsWith(got)).toBe(true);
    });
  }

  it('the Gemini JSON array cut before its last element, or inside it', async () => {
    const text = new TextDecoder().decode(bytesOf('gemini-stream-json-array-schema.json'));
    const last = text.lastIndexOf('{\n  "candidates"');
    expect(last).toBeGreaterThan(text.indexOf('"candidates"'));
    expect(text.indexOf('finishReason')).toBeGreaterThan(last);
    for (const cut of [text.slice(0, last), text.slice(0, last + 40)]) {
      const { error } = await decodeAll([new TextEncoder().encode(cut)], {});
      expect(error).toBeInstanceOf(NetworkError);
    }
  });
});

describe('streamPartial on recordings', () => {
  it('yields growing snapshots and ends with the validated object (Anthropic structured output)', async () => {
    const Character = z.object({
      name: z.string(),
      class: z.enum(['warrior', 'mage', 'thief']),
      description: z.string().transform((d) => d.length),
    });
    const Schema = z.object({ characters: z.array(Character) });
    const bytes = bytesOf('anthropic-structured-output-json-text.sse');
    const seen: unknown[] = [];
    for await (const v of streamPartial(Schema, paced(chunkings(bytes)[1]![1]))) seen.push(v);
    const final = seen[seen.length - 1] as z.output<typeof Schema>;
    expect(final.characters.map((c) => [c.name, c.class])).toEqual([
      ['Theron Ironheart', 'warrior'],
      ['Lyra Starweaver', 'mage'],
      ['Rook Shadowstep', 'thief'],
    ]);
    expect(final.characters.every((c) => typeof c.description === 'number' && c.description > 100)).toBe(
      true,
    );
    expect(seen.length).toBeGreaterThan(50);
    // An enum is never seen half-written.
    for (const s of seen.slice(0, -1) as Array<{ characters?: Array<{ class?: string }> }>) {
      for (const ch of s.characters ?? [])
        if (ch.class !== undefined) expect(['warrior', 'mage', 'thief']).toContain(ch.class);
    }
    // Completed characters keep their identity while later ones stream.
    const snaps = seen.slice(0, -1) as Array<{ characters?: object[] }>;
    const firstDone = snaps.findIndex((s) => (s.characters?.length ?? 0) >= 2);
    const c0 = snaps[firstDone]!.characters![0];
    for (const s of snaps.slice(firstDone)) expect(s.characters![0]).toBe(c0);
  });

  it('keeps what was received and throws TruncatedError when the stream stops early', async () => {
    const seen: unknown[] = [];
    let error: unknown;
    try {
      for await (const v of streamPartial(
        z.object({ filename: z.string(), lines_of_text: z.array(z.string()) }),
        [bytesOf('anthropic-tool-input-json-max-tokens-truncated.sse')],
        { decode: { toolCall: 0 } },
      )) {
        seen.push(v);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TruncatedError);
    expect(seen[seen.length - 1]).toEqual({
      filename: 'taxes.txt',
      lines_of_text: [
        '# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s',
        '',
        '## INTRODUCTION',
        '',
        'Filing taxes',
      ],
    });
  });
});
