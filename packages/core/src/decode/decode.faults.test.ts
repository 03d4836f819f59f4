import '../providers/index.ts';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeSettled } from '@partialkit/test-utils/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  DecodeError,
  HTTPError,
  NetworkError,
  PartialJSONError,
  PartialKitError,
  ProviderError,
} from '../errors.ts';
import { createPartialParser } from '../parser/create-partial-parser.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { decodeObjects } from '../providers/decode-objects.ts';
import { decode, decodeText } from './decode.ts';

// Issue 18, items 7–14: the decoders under hostile input and faults. Each test fails on the code before
// its fix.

const chat = (content: unknown) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;
const anthropicStart =
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n';
const anthropicDelta = (text: unknown) =>
  `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })}\n\n`;
const responsesDelta = (delta: unknown) =>
  `data: ${JSON.stringify({ type: 'response.output_text.delta', output_index: 0, delta })}\n\n`;
const geminiChunk = (text: unknown) => ({ candidates: [{ content: { parts: [{ text }] } }] });
const geminiEvent = (text: unknown) => `data: ${JSON.stringify(geminiChunk(text))}\n\n`;

/** Every two-piece split of a text. */
const splits = (text: string) =>
  Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);

function expectDecodeError(error: unknown, event: number, message: string): void {
  expect(error).toBeInstanceOf(DecodeError);
  expect(error).toMatchObject({ event, message });
}

describe('7. an event whose data is not JSON is a DecodeError naming it', () => {
  const corrupt = 'data: {"choices":[{"index":0,"delta":{"content":"q\n\n';

  it('openai-chat: {"a":"x + corrupt + y"} stops after {"a":"x, at every split', async () => {
    const wire = chat('{"a":"x') + corrupt + chat('y"}');
    for (const chunks of splits(wire)) {
      const { text, error } = await decodeSettled(chunks);
      expect(text).toBe('{"a":"x');
      expectDecodeError(
        error,
        2,
        'SSE event 2 is not valid JSON: "{\\"choices\\":[{\\"index\\":0,\\"delta\\":{\\"content\\":\\"q"',
      );
      expect((error as DecodeError).snippet).toBe('{"choices":[{"index":0,"delta":{"content":"q');
    }
  });

  it('anthropic: [1, + corrupt + 3] stops after [1,', async () => {
    const wire = `${anthropicStart}${anthropicDelta('[1,')}event: content_block_delta\ndata: {"type":"content_block_delta","ind\n\n${anthropicDelta('3]')}`;
    const { text, error } = await decodeSettled([wire]);
    expect(text).toBe('[1,');
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).event).toBe(3);
  });

  it('openai-responses and gemini: the same', async () => {
    const responses = await decodeSettled([
      `${responsesDelta('[1,')}data: {"type":"resp\n\n${responsesDelta('3]')}`,
    ]);
    expect(responses.text).toBe('[1,');
    expect((responses.error as DecodeError).event).toBe(2);
    const gemini = await decodeSettled([
      `${geminiEvent('[1,')}data: {"candidates":[{\n\n${geminiEvent('3]')}`,
    ]);
    expect(gemini.text).toBe('[1,');
    expect((gemini.error as DecodeError).event).toBe(2);
  });

  it('streamPartial never shows the spliced object', async () => {
    const wire = chat('{"a":"x') + corrupt + chat('y"}');
    const seen: unknown[] = [];
    let failure: unknown;
    try {
      for await (const value of streamPartial(z.object({ a: z.string() }), [wire]))
        seen.push(structuredClone(value));
    } catch (error) {
      failure = error;
    }
    expect(seen).toEqual([{ a: 'x' }]);
    expect(failure).toBeInstanceOf(DecodeError);
  });

  it('is not raised by [DONE], comments, empty data, a plain-text error event or a cut-off last event', async () => {
    const wire = `: keep-alive\n\n${chat('[1')}data:\n\n${chat(']')}data: [DONE]\n\n`;
    expect(await decodeSettled([wire])).toEqual({ text: '[1]', deltas: ['[1', ']'] });
    const plain = await decodeSettled([`${chat('[1')}event: error\ndata: upstream went away\n\n`]);
    expect(plain.error).toBeInstanceOf(ProviderError);
    expect((plain.error as Error).message).toBe('upstream went away');
    // The stream ended inside its last event, before its final one: cut on the way, a NetworkError.
    const cut = await decodeSettled([`${chat('[1')}data: {"choices":[{"index":0,"del`]);
    expect(cut).toMatchObject({ text: '[1', deltas: ['[1'] });
    expect(cut.error).toBeInstanceOf(NetworkError);
  });
});

describe('8. a delta that is not a string is a DecodeError; parser.write refuses a non-string', () => {
  it('openai-chat: content 7 and content {}', async () => {
    const number = await decodeSettled([chat('[1,') + chat(7)]);
    expect(number.text).toBe('[1,');
    expectDecodeError(
      number.error,
      2,
      'Event 2: choices[0].delta.content is a number (7), expected a string',
    );
    const object = await decodeSettled([chat('[1,') + chat({ x: 1 })], { extractJson: true });
    expect(object.text).toBe('[1,');
    expectDecodeError(
      object.error,
      2,
      'Event 2: choices[0].delta.content is an object ({"x":1}), expected a string',
    );
  });

  it('openai-chat tool arguments, anthropic, openai-responses and gemini text fields', async () => {
    const call = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'f', arguments: 42 } }] } }] })}\n\n`;
    expect((await decodeSettled([call], { toolCall: 0 })).error).toMatchObject({
      name: 'DecodeError',
      message:
        'Event 1: choices[0].delta.tool_calls[0].function.arguments is a number (42), expected a string',
    });
    const cases: Array<[string, string]> = [
      [anthropicStart + anthropicDelta(7), 'Event 2: delta.text is a number (7), expected a string'],
      [responsesDelta([1]), 'Event 1: delta is an array ([1]), expected a string'],
      [geminiEvent(7), 'Event 1: candidates[0].content.parts[0].text is a number (7), expected a string'],
      [
        `[${JSON.stringify(geminiChunk('[1'))},${JSON.stringify(geminiChunk(true))}]`,
        'Event 2: candidates[0].content.parts[0].text is a boolean (true), expected a string',
      ],
    ];
    for (const [wire, message] of cases) {
      const { error } = await decodeSettled([wire], { extractJson: true });
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('decodeObjects: an SDK object whose content is a number', async () => {
    async function* objects() {
      yield { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: '[' } }] };
      yield { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 1 } }] };
    }
    const out: unknown[] = [];
    let failure: unknown;
    try {
      for await (const event of decodeObjects(objects())) out.push(event);
    } catch (error) {
      failure = error;
    }
    expect(out).toEqual([{ type: 'text', text: '[' }]);
    expectDecodeError(failure, 2, 'Event 2: choices[0].delta.content is a number (1), expected a string');
  });

  it('a source chunk that is neither text nor bytes is a PartialKitError', async () => {
    const { error } = await decodeSettled([7 as unknown as string]);
    expect(error).toBeInstanceOf(PartialKitError);
    expect((error as Error).message).toBe('Expected text or bytes from the source, got number 7');
  });

  it('parser.write(7) throws PartialJSONError, position stays exact and maxLength still holds', () => {
    const parser = createPartialParser({ maxLength: 10 });
    parser.write('[1,');
    let error: unknown;
    try {
      parser.write(7 as unknown as string);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PartialJSONError);
    expect(error).toMatchObject({ message: 'write() takes a string, got number', position: 3 });
    expect(parser.position).toBe(3);
    parser.write('2]');
    expect(parser.position).toBe(5);
    expect(parser.value).toEqual([1, 2]);
    expect(() => parser.write(' '.repeat(6))).toThrow('Input exceeds maxLength (10 characters)');
  });
});

/** Waits for the response to drain or close, leaving no listener behind. */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

describe('9. the error body: a bounded prefix, the rest cancelled, the signal honoured (real HTTP)', () => {
  const TOTAL = 200 * 1024 * 1024;
  let url = '';
  let sent = 0;
  const closers = { big: () => {}, endless: () => {} };
  const closed = {
    big: new Promise<void>((r) => {
      closers.big = r;
    }),
    endless: new Promise<void>((r) => {
      closers.endless = r;
    }),
  };
  const server = createServer(async (req, res: ServerResponse) => {
    const name = req.url === '/big' ? 'big' : 'endless';
    res.on('close', () => closers[name]());
    res.writeHead(name === 'big' ? 500 : 503, { 'content-type': 'text/plain' });
    if (name === 'endless') {
      res.write('Service Unavailable, and more to come');
      return; // never ends
    }
    const piece = Buffer.alloc(64 * 1024, 'e');
    while (sent < TOTAL && !res.destroyed) {
      sent += piece.length;
      if (!res.write(piece)) await drainOrClose(res);
    }
    res.end();
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('a 500 with a 200 MiB body keeps 64 Ki characters and cancels the rest', async () => {
    const { error } = await decodeSettled(await fetch(`${url}/big`));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).status).toBe(500);
    expect((error as HTTPError).body).toBe('e'.repeat(64 * 1024));
    await closed.big;
    // What the socket buffers took before the cancel (about 4 MiB on loopback), not 200 MiB.
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });

  it('a 503 whose body never ends rejects at the abort', { timeout: 5000 }, async () => {
    const response = await fetch(`${url}/endless`); // no signal here: only decode's may end it
    const ac = new AbortController();
    const reason = new Error('user stopped');
    const settled = decodeSettled(response, { signal: ac.signal });
    setTimeout(() => ac.abort(reason), 20);
    expect((await settled).error).toBe(reason);
    await closed.endless; // the connection was released
  });
});

describe('9b. the error body and early returns, without a network', () => {
  it('an aborted signal wins over a 500 without a body', async () => {
    const ac = new AbortController();
    const reason = new Error('stopped');
    ac.abort(reason);
    const { error } = await decodeSettled(new Response(null, { status: 500 }), { signal: ac.signal });
    expect(error).toBe(reason);
  });

  it('the bound never ends the body in half a surrogate pair', async () => {
    const text = `${'e'.repeat(64 * 1024 - 1)}\u{1F600}tail`;
    const { error } = await decodeSettled(new Response(text, { status: 502 }));
    expect((error as HTTPError).body).toBe('e'.repeat(64 * 1024 - 1));
  });

  it('return() before the first next() ends it at once: a next() in the same tick is done, nothing is read, the body is cancelled', async () => {
    let pulls = 0;
    let cancelled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(new TextEncoder().encode('{"a":1}'));
          controller.close();
        },
        cancel() {
          cancelled++;
        },
      },
      { highWaterMark: 0 },
    );
    const events = decode(new Response(body));
    const returned = events.return(undefined);
    const next = events.next();
    expect(await returned).toEqual({ done: true, value: undefined });
    expect(await next).toEqual({ done: true, value: undefined });
    expect(await events.next()).toEqual({ done: true, value: undefined });
    // Released unread: the request behind the body (a provider call) must not stay open.
    expect(pulls).toBe(0);
    expect(cancelled).toBe(1);
  });

  /** A body that ticks until cancelled, and whether it was. */
  function ticking(status = 200) {
    const life = { cancelled: false, pulls: 0 };
    const body = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          life.pulls++;
          c.enqueue(new TextEncoder().encode(': tick\n\n'));
          return new Promise((r) => setTimeout(r, 10));
        },
        cancel() {
          life.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const response = new Response(body, { status, headers: { 'content-type': 'text/event-stream' } });
    return { life, response };
  }

  it('a signal aborted before decode() is called: the first next() rejects and the body is cancelled unread', async () => {
    for (const status of [200, 500]) {
      const { life, response } = ticking(status);
      const reason = new Error('gone');
      await expect(decode(response, { signal: AbortSignal.abort(reason) }).next()).rejects.toBe(reason);
      expect(life).toEqual({ cancelled: true, pulls: 0 });
    }
  });

  it('an abort before the first next(): the body is cancelled at the abort, and next() then rejects', async () => {
    const { life, response } = ticking();
    const ac = new AbortController();
    const events = decode(response, { signal: ac.signal });
    ac.abort(new Error('left'));
    expect(life.cancelled).toBe(true);
    await expect(events.next()).rejects.toThrow('left');
    expect(life.pulls).toBe(0);
  });

  it('an abort after the first read is left to the reader: cancelled once, the read rejects', async () => {
    const { life, response } = ticking();
    const ac = new AbortController();
    const events = decode(response, { signal: ac.signal, format: 'partialkit' });
    const pending = events.next();
    await new Promise((r) => setTimeout(r, 25));
    expect(life.pulls).toBeGreaterThan(0);
    ac.abort(new Error('left'));
    await expect(pending).rejects.toThrow('left');
    expect(life.cancelled).toBe(true);
  });

  it('return() while setup is pending, before anything is read: the body is cancelled and unlocked', async () => {
    const { life, response } = ticking();
    const events = decode(response);
    const next = events.next(); // setup starts
    const returned = events.return(undefined);
    expect(await next).toEqual({ done: true, value: undefined });
    await returned;
    expect(life).toEqual({ cancelled: true, pulls: 0 });
    expect(response.body!.locked).toBe(false);
  });

  it('a named format: next(), then an abort and return() before the first read cancel the body', async () => {
    const { life, response } = ticking();
    const ac = new AbortController();
    const events = decode(response, { format: 'partialkit', signal: ac.signal });
    const next = events.next();
    ac.abort(new Error('client left'));
    await events.return(undefined);
    await next.catch(() => {});
    expect(life).toEqual({ cancelled: true, pulls: 0 });
  });

  it('return() while detection waits on an upstream of heartbeats only: settles at once, the body cancelled', async () => {
    let cancelled = 0;
    const heartbeats = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          c.enqueue(new TextEncoder().encode(': keep-alive\n\n'));
          return new Promise((r) => setTimeout(r, 5));
        },
        cancel() {
          cancelled++;
        },
      },
      { highWaterMark: 0 },
    );
    const events = decode(new Response(heartbeats, { headers: { 'content-type': 'text/event-stream' } }));
    const next = events.next();
    await new Promise((r) => setTimeout(r, 20)); // detection has read a few comments
    const returned = events.return(undefined).then(() => 'returned');
    const timeout = new Promise((r) => setTimeout(() => r('still pending after 300 ms'), 300));
    expect(await Promise.race([returned, timeout])).toBe('returned');
    expect(await next).toEqual({ done: true, value: undefined });
    expect(cancelled).toBe(1);
  });

  it('return() while the format is being told releases the body when setup ends', async () => {
    let cancelled = 0;
    let feed: ((chunk: string) => void) | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        feed = (chunk) => controller.enqueue(new TextEncoder().encode(chunk));
      },
      cancel() {
        cancelled++;
      },
    });
    const events = decode(new Response(body));
    const next = events.next(); // setup starts: detection waits for the first bytes
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
    const returned = events.return(undefined);
    feed!('{"a":1');
    expect(await next).toEqual({ done: true, value: undefined });
    await returned;
    expect(cancelled).toBe(1);
  });
});

describe('10. signal cancels an async-iterable source that never yields', () => {
  it('rejects at the abort and calls the iterator’s return()', { timeout: 5000 }, async () => {
    let returned = 0;
    let nexts = 0;
    const stalled: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          nexts++;
          return nexts === 1
            ? Promise.resolve({ done: false, value: 'data: "[1"\n\n' })
            : new Promise<IteratorResult<string>>(() => {});
        },
        return: () => {
          returned++;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const ac = new AbortController();
    const settled = decodeSettled(stalled, { signal: ac.signal });
    while (nexts < 2) await new Promise((r) => setTimeout(r, 1));
    const reason = new Error('stop');
    ac.abort(reason);
    expect(await settled).toEqual({ text: '[1', deltas: ['[1'], error: reason });
    expect(returned).toBe(1);
  });

  it('an async generator stalled in an await rejects at the abort too', { timeout: 5000 }, async () => {
    async function* neverYielding(): AsyncGenerator<string> {
      await new Promise(() => {});
    }
    const ac = new AbortController();
    const settled = decodeSettled(neverYielding(), { signal: ac.signal });
    setTimeout(() => ac.abort(), 10);
    const { error } = await settled;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
  });

  it('return() while a next() is pending, then the abort: both settle', { timeout: 5000 }, async () => {
    async function* stalledAfterOne(): AsyncGenerator<string> {
      yield '{"a":';
      await new Promise(() => {});
    }
    const ac = new AbortController();
    const events = decode(stalledAfterOne(), { format: 'text', signal: ac.signal });
    expect(await events.next()).toEqual({ done: false, value: { type: 'text', text: '{"a":' } });
    const pending = events.next();
    await new Promise((r) => setTimeout(r, 5));
    // The generator is stuck in an await: its return() (and so this one) waits for the abort.
    const returned = events.return(undefined);
    const reason = new Error('stop');
    setTimeout(() => ac.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
    expect(await returned).toEqual({ done: true, value: undefined });
  });

  it('a consumer that stops early still returns the source and waits for its cleanup', async () => {
    let cleaned = false;
    async function* source() {
      try {
        yield 'data: "[1"\n\n';
        yield 'data: ",2"\n\n';
      } finally {
        await new Promise((r) => setTimeout(r, 1));
        cleaned = true;
      }
    }
    for await (const t of decodeText(source(), { signal: new AbortController().signal })) {
      expect(t).toBe('[1');
      break;
    }
    expect(cleaned).toBe(true);
  });
});

describe('11. many SSE events in one chunk', () => {
  it('100 000 events in one Response body, all in order', async () => {
    const n = 100_000;
    const body = Array.from({ length: n }, (_, i) => chat(`${i},`)).join('');
    const { deltas } = await decodeSettled(
      new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    );
    expect(deltas.length).toBe(n);
    expect(deltas[0]).toBe('0,');
    expect(deltas[n - 1]).toBe(`${n - 1},`);
    expect(deltas.join('')).toBe(Array.from({ length: n }, (_, i) => `${i},`).join(''));
  });
});

describe('12. maxEventSize holds however the stream is chunked', () => {
  it('a 20 MiB event in one chunk is refused, after the event before it', async () => {
    const wire = `${chat('[1')}data: ${'x'.repeat(20 * 1024 * 1024)}\n\n${chat(']')}`;
    const { text, error } = await decodeSettled([wire]);
    expect(text).toBe('[1');
    expectDecodeError(error, 2, 'SSE event 2 exceeded maxEventSize (16777216 characters)');
  });

  it('an event right at the bound is taken, one character past it refused, at every split', async () => {
    for (const [size, refused] of [
      [1000, false],
      [1001, true],
    ] as const) {
      const wire = `data: "a"\n\nevent: x\nid: 7\ndata: ${'y'.repeat(size - 2)}\n\nevent: done\ndata: {}\n\n`;
      for (const chunks of splits(wire)) {
        // partialkit's protocol, whose reader skips the event of a type it does not know: measured still.
        const { text, error } = await decodeSettled(chunks, { maxEventSize: 1000 });
        if (refused) expectDecodeError(error, 2, 'SSE event 2 exceeded maxEventSize (1000 characters)');
        else expect({ text, error }).toEqual({ text: 'a', error: undefined });
      }
    }
  });

  it('a multi-line event over the bound, at every split', async () => {
    const wire = `data: "a"\n\ndata: ${'y'.repeat(600)}\ndata: ${'z'.repeat(600)}\n\n`;
    for (const chunks of splits(wire)) {
      const { text, error } = await decodeSettled(chunks, { maxEventSize: 1000 });
      expect(text).toBe('a');
      expectDecodeError(error, 2, 'SSE event 2 exceeded maxEventSize (1000 characters)');
    }
  });
});

describe('13. a declared text/plain body is text', () => {
  it('is never sniffed as SSE', async () => {
    for (const [body, type] of [
      [': not a comment {"a":1}', 'text/plain'],
      ['id: 7\n\n{"a":1}', 'Text/Plain; charset=utf-8'],
      ['data: 1\n\n', 'text/plain;charset=UTF-8'],
    ] as const) {
      const { text } = await decodeSettled(new Response(body, { headers: { 'content-type': type } }));
      expect(text).toBe(body);
    }
  });

  it('an undeclared body is still sniffed', async () => {
    const response = new Response(': hi\n\ndata: "[1]"\n\n');
    response.headers.delete('content-type');
    expect((await decodeSettled(response)).text).toBe('[1]');
  });
});

describe('14. a first event `event: error` is a ProviderError with its message', () => {
  it('flat {"message"} and {"type":"error","message"}', async () => {
    for (const data of ['{"message":"boom"}', '{"type":"error","message":"boom"}']) {
      const { text, error } = await decodeSettled([`event: error\ndata: ${data}\n\n`]);
      expect(text).toBe('');
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ type: 'error', message: 'boom' });
    }
  });

  it('a JSON string or raw text is the message; a message that is not a string is not trusted', async () => {
    const cases: Array<[string, string]> = [
      ['"boom"', 'boom'],
      ['boom', 'boom'],
      ['{"type":7,"message":{"x":1}}', '{"type":7,"message":{"x":1}}'],
    ];
    for (const [data, message] of cases) {
      const { error } = await decodeSettled([`event: error\ndata: ${data}\n\n`]);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ type: 'error', message });
    }
  });

  it('an `event: error` in raw-JSON SSE fails it, after the text before', async () => {
    const { text, error } = await decodeSettled(['data: [1,\n\nevent: error\ndata: boom\n\ndata: 2]\n\n']);
    expect(text).toBe('[1,');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'error', message: 'boom' });
  });

  it('a reset whose attempt is not a number counts on from the last', async () => {
    const out = [];
    for await (const e of decode([
      'data: "["\n\nevent: reset\ndata: {"attempt":"x"}\n\ndata: "[]"\n\nevent: done\ndata: {}\n\n',
    ]))
      out.push(e);
    expect(out).toEqual([
      { type: 'text', text: '[' },
      { type: 'reset', attempt: 2 },
      { type: 'text', text: '[]' },
    ]);
  });
});
