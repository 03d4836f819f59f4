// A return() while a next() is pending, over real HTTP: what `Readable.from` does when the client of a
// relaying route leaves, or a consumer that does not await its read. The upstream is silent after its
// first bytes (a model still thinking): only the stream's own abort can end the pending read.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { streamItems } from './stream-items.ts';
import { streamPartial } from './stream-partial.ts';

let server: Server | undefined;
let open = 0;

/** An upstream that sends the start of a list, then nothing; `open` counts its live responses. */
async function silentUpstream(): Promise<string> {
  server = createServer((_req, res) => {
    open++;
    res.on('close', () => open--);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('[{"a": 1}, {"a": ');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), ms))]);

describe('return() while a next() is pending ends the read and releases the upstream', () => {
  it('streamPartial: return() settles, the pending next() rejects with an AbortError, the request closes', async () => {
    const url = await silentUpstream();
    const stream = streamPartial(z.array(z.object({ a: z.number() })), await fetch(url));
    expect((await stream.next()).value).toEqual([{ a: 1 }, {}]);
    const pending = stream.next();
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
    expect(await within(stream.return(undefined as never), 2000)).toEqual({ done: true, value: undefined });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => open, { timeout: 2000 }).toBe(0);
  });

  it('streamItems: the same, the items before kept', async () => {
    const url = await silentUpstream();
    const items = streamItems(z.object({ a: z.number() }), await fetch(url));
    expect((await items.next()).value).toEqual({ a: 1 });
    const pending = items.next();
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
    expect(await within(items.return(), 2000)).toEqual({ done: true, value: undefined });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => open, { timeout: 2000 }).toBe(0);
  });

  it("a caller's signal still aborts a streamItems read, with its reason", async () => {
    const url = await silentUpstream();
    const controller = new AbortController();
    const items = streamItems(z.object({ a: z.number() }), await fetch(url), { signal: controller.signal });
    expect((await items.next()).value).toEqual({ a: 1 });
    const pending = items.next();
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => open, { timeout: 2000 }).toBe(0);
  });
});
