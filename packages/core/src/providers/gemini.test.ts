import { chunksOf } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decode } from '../decode/decode.ts';
import {
  DecodeError,
  HTTPError,
  NetworkError,
  PartialJSONError,
  ProviderError,
  RefusalError,
  TruncatedError,
} from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import './index.ts';

/** One element of Gemini's JSON-array stream (`streamGenerateContent` without `alt=sse`). */
const element = (text: string) =>
  JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0 }] });

const json = (body: string | string[]) => {
  const chunks = typeof body === 'string' ? [body] : body;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(encoder.encode(chunk));
      c.close();
    },
  });
  return new Response(stream, { headers: { 'content-type': 'application/json' } });
};

async function run(body: string | string[]) {
  let text = '';
  let error: unknown;
  try {
    for await (const e of decode(json(body), { format: 'gemini' })) if (e.type === 'text') text += e.text;
  } catch (e) {
    error = e;
  }
  return { text, error };
}

const AB = z.object({ a: z.number(), b: z.number() });

describe('Gemini JSON-array stream: a body that stops being a JSON array', () => {
  it('is a DecodeError naming the element, after the text of the elements before it in that chunk', async () => {
    const { text, error } = await run(`[${element('{"a": 1,')},\r\n<html>bad gateway</html>`);
    expect(text).toBe('{"a": 1,');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ event: 2, snippet: '<html>bad gateway</html>' });
    expect((error as Error).message).toMatch(
      /^Element 2 of the Gemini JSON array, the body is not valid JSON/,
    );
    expect((error as Error).cause).toBeInstanceOf(PartialJSONError);
  });

  it('the same when the fault comes in a later chunk', async () => {
    const { text, error } = await run([`[${element('{"a": ')}`, `,${element('1}')}`, ', oops']);
    expect(text).toBe('{"a": 1}');
    expect(error).toMatchObject({ name: 'DecodeError', event: 3, snippet: 'oops' });
  });

  it('garbage after the closed array is named as such', async () => {
    const { text, error } = await run(`[${element('{"a": 1}')}] trailing`);
    expect(text).toBe('{"a": 1}');
    expect((error as DecodeError).message).toMatch(/^After the Gemini JSON array/);
  });

  it('a body cut off inside the array (before the finishReason) is a NetworkError, after the text', async () => {
    const cut = await run(`[${element('{"a": 1,')},${element('"b": 2')}`);
    expect(cut.text).toBe('{"a": 1,"b": 2');
    expect(cut.error).toBeInstanceOf(NetworkError);
    const values: unknown[] = [];
    const error = await (async () => {
      for await (const v of streamPartial(AB, json(`[${element('{"a": 1,')},{"candid`))) values.push(v);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(values.at(-1)).toEqual({ a: 1 });
  });

  it('one that ends with the finishReason but before the JSON closed is a TruncatedError for the JSON', async () => {
    const last = JSON.stringify({
      candidates: [{ content: { parts: [{ text: '"b": 2' }] }, index: 0, finishReason: 'STOP' }],
    });
    const error = await (async () => {
      for await (const _ of streamPartial(AB, json(`[${element('{"a": 1,')},${last}]`))) {
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedError);
  });
});

describe('Gemini JSON-array stream: bounds', () => {
  const big = element(`"${'x'.repeat(5000)}"}`);

  it('an element larger than maxEventSize is a DecodeError naming it, after the text before it, however chunked', async () => {
    const body = `[${element('{"a": ')},\n${big}]`;
    for (const size of [1, 7, 1000, body.length]) {
      let text = '';
      const error = await (async () => {
        for await (const e of decode(json(chunksOf(body, size)), { format: 'gemini', maxEventSize: 1000 }))
          if (e.type === 'text') text += e.text;
      })().catch((e: unknown) => e);
      expect(text, `chunks of ${size}`).toBe('{"a": ');
      expect(error).toBeInstanceOf(DecodeError);
      expect(error).toMatchObject({ event: 2 });
      expect((error as Error).message).toBe(
        'Element 2 of the Gemini JSON array exceeded maxEventSize (1000 characters)',
      );
    }
  });

  it('decode.maxEventSize reaches it through streamPartial; the default (16 Mi) takes the element', async () => {
    const body = `[${element('{"a": ')},${big}]`;
    const bounded = await (async () => {
      for await (const _ of streamPartial(z.object({ a: z.string() }), json(body), {
        decode: { format: 'gemini', maxEventSize: 1000 },
      })) {
      }
    })().catch((e: unknown) => e);
    expect(bounded).toBeInstanceOf(DecodeError);
    const last = JSON.stringify({
      candidates: [{ content: { parts: [{ text: '' }] }, index: 0, finishReason: 'STOP' }],
    });
    let value: unknown;
    for await (const v of streamPartial(
      z.object({ a: z.string() }),
      json(`[${element('{"a": ')},${big},${last}]`),
    ))
      value = v;
    expect(value).toEqual({ a: 'x'.repeat(5000) });
  });
});

/** An `alt=sse` stream of chunks. */
const sse = (...chunks: object[]) =>
  new Response(chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join(''), {
    headers: { 'content-type': 'text/event-stream' },
  });
const chunk = (text: string, finish?: Record<string, unknown>) => ({
  candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0, ...finish }],
});

async function settle(source: Response) {
  let text = '';
  let error: unknown;
  try {
    for await (const e of decode(source)) if (e.type === 'text') text += e.text;
  } catch (e) {
    error = e;
  }
  return { text, error };
}

describe('Gemini: finish reasons', () => {
  // Any reason but STOP, MAX_TOKENS and the blocked ones failed, those added after the reader was written too.
  for (const reason of [
    'MALFORMED_FUNCTION_CALL',
    'UNEXPECTED_TOOL_CALL',
    'TOO_MANY_TOOL_CALLS',
    'MALFORMED_RESPONSE',
    'MISSING_THOUGHT_SIGNATURE',
    'FINISH_REASON_UNSPECIFIED',
    'A_REASON_FROM_NEXT_YEAR',
  ]) {
    it(`${reason} is a ProviderError of that type with the finishMessage, after the text`, async () => {
      const { text, error } = await settle(
        sse(chunk('{"a":'), chunk('', { finishReason: reason, finishMessage: 'Malformed call: f(' })),
      );
      expect(text).toBe('{"a":');
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ type: reason, message: 'Malformed call: f(' });
      const bare = await settle(sse(chunk('{"a":', { finishReason: reason })));
      expect(bare.error).toMatchObject({ name: 'ProviderError', type: reason });
      expect((bare.error as Error).message).toContain(reason);
    });
  }

  for (const reason of ['IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION', 'IMAGE_OTHER', 'LANGUAGE']) {
    it(`${reason} is a RefusalError, as the BLOCKED ones are`, async () => {
      const { text, error } = await settle(sse(chunk('{"a":'), chunk('', { finishReason: reason })));
      expect(text).toBe('{"a":');
      expect(error).toBeInstanceOf(RefusalError);
      expect((error as RefusalError).refusal).toBe(`Response blocked (${reason})`);
    });
  }

  it('OTHER is a ProviderError (OTHER) with the finishMessage', async () => {
    const { text, error } = await settle(
      sse(chunk('{"a":1'), chunk('', { finishReason: 'OTHER', finishMessage: 'Something went wrong' })),
    );
    expect(text).toBe('{"a":1');
    expect(error).toMatchObject({ name: 'ProviderError', type: 'OTHER', message: 'Something went wrong' });
  });

  it('STOP ends it well', async () => {
    expect(await settle(sse(chunk('{"a":'), chunk('1}', { finishReason: 'STOP' })))).toEqual({
      text: '{"a":1}',
      error: undefined,
    });
  });
});

describe('Gemini: a stream that ends before its final event', () => {
  it('alt=sse without a finishReason is a NetworkError, after the text', async () => {
    const { text, error } = await settle(sse(chunk('{"a":'), chunk('1}')));
    expect(text).toBe('{"a":1}');
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/ended before the provider's final event/);
  });

  it("another candidate's finishReason does not end the candidate read", async () => {
    const other = { candidates: [{ content: { parts: [] }, index: 1, finishReason: 'STOP' }] };
    expect((await settle(sse(chunk('{}'), other))).error).toBeInstanceOf(NetworkError);
  });

  it('the JSON array: a closed array without a finishReason is one too', async () => {
    expect(await run(`[${element('{"a": 1}')}]`)).toMatchObject({ text: '{"a": 1}' });
    expect((await run(`[${element('{"a": 1}')}]`)).error).toBeInstanceOf(NetworkError);
    const done = JSON.stringify({
      candidates: [{ content: { parts: [{ text: '}' }] }, index: 0, finishReason: 'STOP' }],
    });
    expect(await run(`[${element('{"a": 1')},${done}]`)).toEqual({ text: '{"a": 1}', error: undefined });
  });
});

describe('gemini: errors as a gateway or the array form sends them', () => {
  const sse = (body: string, status = 200) =>
    new Response(body, { status, headers: { 'content-type': 'text/event-stream' } });
  const settled = async (response: Response, options: Parameters<typeof decode>[1] = {}) => {
    let text = '';
    try {
      for await (const e of decode(response, options)) if (e.type === 'text') text += e.text;
    } catch (error) {
      return { text, error };
    }
    return { text, error: undefined };
  };

  it('an error chunk first is named by its status, detected or named', async () => {
    const error = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
    for (const format of ['auto', 'gemini'] as const) {
      const { error: thrown } = await settled(sse(`data: ${JSON.stringify(error)}\n\n`), { format });
      expect(thrown).toBeInstanceOf(ProviderError);
      expect({ type: (thrown as ProviderError).type, message: (thrown as Error).message }).toEqual({
        type: 'UNAVAILABLE',
        message: 'The model is overloaded.',
      });
    }
  });

  it("a gateway's `event: error` mid-stream is a ProviderError with its message, not a cut", async () => {
    const body = `data: ${element('{"a":')}\n\nevent: error\ndata: {"message":"upstream timeout"}\n\n`;
    const { text, error } = await settled(sse(body), { format: 'gemini' });
    expect(text).toBe('{"a":');
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe('upstream timeout');
  });

  it("an HTTP error in the array form's body gives its message", async () => {
    const body = JSON.stringify(
      [{ error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' } }],
      null,
      2,
    );
    const response = new Response(body, {
      status: 400,
      statusText: 'Bad Request',
      headers: { 'content-type': 'application/json' },
    });
    const { error } = await settled(response, { format: 'gemini' });
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as Error).message).toBe('HTTP 400 Bad Request: API key not valid.');
  });
});
