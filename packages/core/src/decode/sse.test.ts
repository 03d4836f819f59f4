import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DecodeError, NetworkError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
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

describe('a body typed text/event-stream that holds no event', () => {
  const failureOf = async (...parts: string[]) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
    const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    try {
      for await (const _ of streamPartial(z.object({ a: z.string() }), response));
    } catch (error) {
      return error as Error;
    }
    throw new Error('no failure');
  };

  it('an error page is a DecodeError quoting its first line, however split', async () => {
    const page = '<!DOCTYPE html>\n<html><head><title>502: Bad Gateway</title></head></html>\n';
    for (const parts of splits(page)) {
      const error = await failureOf(...parts);
      expect(error).toBeInstanceOf(DecodeError);
      expect(error.message).toBe(
        'The event stream holds no event: its first line is not SSE: "<!DOCTYPE html>"',
      );
      expect((error as DecodeError).snippet).toBe('<!DOCTYPE html>');
    }
    const json = await failureOf('{"error": {"message": "Rate limited"}}');
    expect(json.message).toBe(
      'The event stream holds no event: its first line is not SSE: "{\\"error\\": {\\"message\\": \\"Rate limited\\"}}"',
    );
  });

  it('an empty body, or comments only, is a connection lost before any event', async () => {
    for (const parts of [[], [''], [': ping\n\n', ': ping\n\n']]) {
      const error = await failureOf(...parts);
      expect(error).toBeInstanceOf(NetworkError);
      expect(error.message).toBe('The connection was lost: the stream ended before any event');
    }
  });

  it('a line that is no SSE field before real events is ignored, as the spec says', async () => {
    const texts: string[] = [];
    const body = 'hello\ndata: "[1]"\n\nevent: done\ndata: {}\n\n';
    for await (const e of decode(new Response(body, { headers: { 'content-type': 'text/event-stream' } })))
      if (e.type === 'text') texts.push(e.text);
    expect(texts).toEqual(['[1]']);
  });
});

describe('a body typed text/html', () => {
  it('is a DecodeError naming the page, not JSON from its scripts taken for the answer, however split', async () => {
    const page =
      '<!doctype html>\n<html><head><script>window.__cfg = {"a":"oops"}</script></head><body>App</body></html>';
    for (const parts of splits(page)) {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
          controller.close();
        },
      });
      const response = new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
      const seen: unknown[] = [];
      const error = await (async () => {
        try {
          for await (const value of streamPartial(z.object({ a: z.string() }), response)) seen.push(value);
        } catch (e) {
          return e as DecodeError;
        }
      })();
      expect(seen).toEqual([]);
      expect(error).toBeInstanceOf(DecodeError);
      expect(error!.message).toBe(
        `The response is an HTML page (text/html), not a model's answer: is the URL the API route? It begins ${JSON.stringify(page.slice(0, 120))}`,
      );
      expect(error!.event).toBe(0);
    }
  });

  it("JSON typed text/html (Express's type for a string it sends) is read as JSON", async () => {
    const response = new Response(' {"a":"ok"}', { headers: { 'content-type': 'text/html; charset=utf-8' } });
    let last: unknown;
    for await (const value of streamPartial(z.object({ a: z.string() }), response)) last = value;
    expect(last).toEqual({ a: 'ok' });
  });
});
