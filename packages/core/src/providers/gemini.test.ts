import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decode } from '../decode/decode.ts';
import { DecodeError, PartialJSONError, TruncatedError } from '../errors.ts';
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

  it('a body cut off inside the array is left to the parse stage: a TruncatedError for the JSON', async () => {
    const cut = await run(`[${element('{"a": 1,')},${element('"b": 2')}`);
    expect(cut).toEqual({ text: '{"a": 1,"b": 2', error: undefined });
    const values: unknown[] = [];
    const error = await (async () => {
      for await (const v of streamPartial(AB, json(`[${element('{"a": 1,')},{"candid`))) values.push(v);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedError);
    expect(values.at(-1)).toEqual({ a: 1 });
  });
});
