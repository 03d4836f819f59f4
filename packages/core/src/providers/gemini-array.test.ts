import { chunksOf } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import { decode } from '../decode/decode.ts';
import { DecodeError, NetworkError } from '../errors.ts';
import './index.ts';

const element = (text: string, finish?: string) =>
  JSON.stringify({
    candidates: [
      { content: { parts: [{ text }], role: 'model' }, index: 0, ...(finish && { finishReason: finish }) },
    ],
  });
const json = (chunks: string[]) => {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(encoder.encode(chunk));
        c.close();
      },
    }),
    { headers: { 'content-type': 'application/json' } },
  );
};
async function run(chunks: string[], options: object = {}) {
  let text = '';
  let error: unknown;
  try {
    for await (const e of decode(json(chunks), { format: 'gemini', ...options }))
      if (e.type === 'text') text += e.text;
  } catch (e) {
    error = e;
  }
  return { text, error };
}
const sizes = [1, 2, 3, 7, 50, 100000];

describe('gemini array', () => {
  it('fault inside element 3 of one chunk: numbered 3, snippet from the fault, every chunking', async () => {
    const body = `[${element('a')},\n${element('b')} ,\n {"candidates": [}, ${element('c')}]`;
    for (const size of sizes) {
      const { text, error } = await run(chunksOf(body, size));
      expect(text, `size ${size}`).toBe('ab');
      expect(error, `size ${size}`).toBeInstanceOf(DecodeError);
      expect(error, `size ${size}`).toMatchObject({ event: 3 });
      expect((error as DecodeError).message).toMatch(/^Element 3 of/);
      expect(
        (error as DecodeError).snippet.startsWith('}'),
        `size ${size}: ${(error as DecodeError).snippet}`,
      ).toBe(true);
    }
  });

  it('fault between elements 2 and 3 is named element 3', async () => {
    const body = `[${element('a')},${element('b')} x ${element('c')}]`;
    for (const size of sizes) {
      const { text, error } = await run(chunksOf(body, size));
      expect(text).toBe('ab');
      expect(error).toMatchObject({ name: 'DecodeError', event: 3 });
      expect((error as DecodeError).snippet.startsWith('x'), `size ${size}`).toBe(true);
    }
  });

  it('fault after the array names it', async () => {
    const body = `[${element('a')},${element('b', 'STOP')}]\n\n x`;
    for (const size of sizes) {
      const { text, error } = await run(chunksOf(body, size));
      expect(text).toBe('ab');
      expect((error as DecodeError).message, `size ${size}`).toMatch(/^After the Gemini JSON array/);
      expect((error as DecodeError).snippet, `size ${size}`).toBe('x');
    }
  });

  it('cut inside the array after the finishReason element: ends well; before it: NetworkError', async () => {
    for (const size of sizes) {
      expect(await run(chunksOf(`[${element('a')},${element('b', 'STOP')},\n{"usageMeta`, size))).toEqual({
        text: 'ab',
        error: undefined,
      });
      expect(await run(chunksOf(`[${element('a')},${element('b', 'STOP')}`, size))).toEqual({
        text: 'ab',
        error: undefined,
      });
      const cut = await run(chunksOf(`[${element('a')},${element('b')}`, size));
      expect(cut.error).toBeInstanceOf(NetworkError);
    }
  });

  it('non-object elements: null skipped, a number is a DecodeError naming its element', async () => {
    const r1 = await run([`[${element('a')}, null, ${element('b', 'STOP')}]`]);
    expect(r1).toEqual({ text: 'ab', error: undefined });
    const r2 = await run([`[${element('a')}, 42, ${element('b', 'STOP')}]`]);
    expect(r2.text).toBe('a');
    expect(r2.error).toMatchObject({ name: 'DecodeError', event: 2 });
    const r3 = await run([`[${element('a')}, tru, ${element('b', 'STOP')}]`]);
    expect(r3.error).toMatchObject({ name: 'DecodeError', event: 2 });
  });

  it('toolCall: a functionCall over the array body', async () => {
    const call = JSON.stringify({
      candidates: [
        {
          content: { parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] },
          index: 0,
          finishReason: 'STOP',
        },
      ],
    });
    for (const size of sizes) {
      const r = await run(chunksOf(`[${element('hi')},${call}]`, size), { toolCall: 'f' });
      expect(r).toEqual({ text: '{"a":1}', error: undefined });
    }
    const missing = await run([`[${call}]`], { toolCall: 'g' });
    expect(missing.error).toBeDefined();
  });

  it('maxEventSize counts the element, not whitespace between elements', async () => {
    const body = `[${element('a')},${' '.repeat(5000)}${element('b', 'STOP')}]`;
    expect(await run([body], { maxEventSize: 200 })).toEqual({ text: 'ab', error: undefined });
  });
});
