// CR-only line ends over real HTTP: an event whose closing CR is the last character of a network chunk
// is delivered when it arrives (eventsource-parser holds a final CR as half of a CRLF, and with it the
// event, until a later line end: a model that pauses, a connection that drops, a line past the bound).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DecodeError, NetworkError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { decode } from './decode.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A real SSE server on 127.0.0.1: `script` writes the body by hand. */
async function serve(script: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    script(res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

describe('SSE with CR-only line ends: an event closed at the end of a chunk', () => {
  it('an event closed by CR CR is yielded when it arrives, not when the next chunk does', {
    timeout: 5000,
  }, async () => {
    // The server sends one complete event, then is silent for 1.5 s (a model thinking).
    const url = await serve((res) => {
      res.write('data: "{\\"a\\":"\r\r');
      setTimeout(() => res.end('data: "1}"\revent: done\rdata: {}\r\r'), 1500);
    });
    const controller = new AbortController();
    const events = decode(await fetch(url), { signal: controller.signal });
    const first = await within(events.next(), 700);
    controller.abort();
    await events.return();
    // LF framing of the same bytes is yielded at once (see the control test below).
    expect(first).toEqual({ done: false, value: { type: 'text', text: '{"a":' } });
  });

  it('control: the same event framed with LF is yielded at once', { timeout: 5000 }, async () => {
    const url = await serve((res) => {
      res.write('data: "{\\"a\\":"\n\n');
      setTimeout(() => res.end('data: "1}"\nevent: done\ndata: {}\n\n'), 1500);
    });
    const controller = new AbortController();
    const events = decode(await fetch(url), { signal: controller.signal });
    const first = await within(events.next(), 700);
    controller.abort();
    await events.return();
    expect(first).toEqual({ done: false, value: { type: 'text', text: '{"a":' } });
  });

  it('a complete CR-framed event received before the connection drops is not lost', {
    timeout: 5000,
  }, async () => {
    const url = await serve((res) => {
      res.write('data: "{\\"title\\":\\"Hel"\r\r');
      setTimeout(() => res.write('data: "lo'), 50); // the next event starts, no line end yet
      setTimeout(() => res.socket?.destroy(), 150); // then the connection drops
    });
    const Schema = z.object({ title: z.string() });
    const seen: unknown[] = [];
    let error: unknown;
    try {
      for await (const s of streamPartial(Schema, await fetch(url))) seen.push(s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NetworkError);
    // The whole event `{"title":"Hel` arrived: the last good partial must show it.
    expect(seen.at(-1)).toEqual({ title: 'Hel' });
  });

  it('maxEventSize: the complete event before an oversized one is still yielded (CR framing)', async () => {
    // Chunks as a ReadableStream of text: one complete event, then an endless line without a line end.
    const chunks = ['data: "{\\"a\\":"\r\r', 'data: "', ...Array.from({ length: 300 }, () => 'x')];
    let i = 0;
    const body = new ReadableStream<string>({
      pull: (c) => (i < chunks.length ? c.enqueue(chunks[i++]!) : c.close()),
    });
    const texts: string[] = [];
    let error: unknown;
    try {
      for await (const e of decode(body, { format: 'partialkit', maxEventSize: 100 }))
        if (e.type === 'text') texts.push(e.text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect(texts).toEqual(['{"a":']);
  });
});
