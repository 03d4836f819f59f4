import { describe, expect, it } from 'vitest';
import { decode } from './decode.ts';
import { type SSEMessage, sseEvents } from './sse.ts';

async function* chunks(...parts: string[]) {
  yield* parts;
}

async function eventsOf(...parts: string[]): Promise<Array<[string, boolean]>> {
  const out: SSEMessage[] = [];
  for await (const e of sseEvents(chunks(...parts))) out.push(e);
  return out.map((e) => [e.data, e.unterminated]);
}

/** Every two-piece split of a text. */
const splits = (text: string) =>
  Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);

describe('line ends: CR, LF and CRLF', () => {
  it('a last event closed by CR CR is complete, however the stream is split', async () => {
    const wire = 'data: a\r\rdata: b\r\r';
    for (const parts of splits(wire)) {
      expect(await eventsOf(...parts)).toEqual([
        ['a', false],
        ['b', false],
      ]);
    }
  });

  it('a last event cut off after one CR is dispatched, marked unterminated', async () => {
    for (const wire of ['data: a\r\rdata: b\r', 'data: a\n\ndata: b\n', 'data: a\r\n\r\ndata: b\r\n']) {
      expect(await eventsOf(wire)).toEqual([
        ['a', false],
        ['b', true],
      ]);
    }
  });

  it('a CRLF split between chunks is one line end, not two', async () => {
    expect(await eventsOf('data: a\r', '\ndata: b\r\n\r\n')).toEqual([['a\nb', false]]);
  });

  it("partialkit's protocol framed with CR ends with its done event, not a NetworkError", async () => {
    const body = 'data: "[1]"\r\revent: done\rdata: {}\r\r';
    const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    const texts: string[] = [];
    for await (const e of decode(response)) if (e.type === 'text') texts.push(e.text);
    expect(texts).toEqual(['[1]']);
  });
});
