/**
 * Fault injection for `toPartialResponse` over real HTTP on 127.0.0.1: aborts before the first chunk
 * (issue 18, item 3; a provider `Response` and `reask` released too), aborts through `init.signal` (item 4), what a failure shows the browser (item 6),
 * slow readers and failing upstreams. Every wait is bounded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { decode, PartialKitError, ProviderError, RefusalError, TruncatedError } from '@partialkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { loopback, until } from '../test/loopback.ts';
import { toNodeHandler } from './node/node.ts';
import { reask } from './reask.ts';
import { toPartialResponse } from './response.ts';

const servers = loopback();
const clients: AbortController[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.abort();
});

async function listen(server: Server): Promise<string> {
  return `http://127.0.0.1:${await servers.listen(server)}`;
}

function serve(handler: (request: Request) => Response | Promise<Response>): Promise<string> {
  return listen(createServer(toNodeHandler(handler)));
}

/** The whole body, or a rejection naming `what` if it does not end within `ms`. */
async function bodyWithin(response: Response, ms: number, what: string): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: the body did not end within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([response.text(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

/** An upstream of OpenAI chat chunks that waits on `first` before its first chunk; records its life. */
function gatedUpstream(first: Promise<void>, later: Promise<void>) {
  const life = { chunks: 0, finalized: false };
  async function* chunks() {
    try {
      await first;
      life.chunks++;
      // The role-only chunk OpenAI sends first: no text comes out of it.
      yield { choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] };
      await later;
      life.chunks++;
      yield { choices: [{ index: 0, delta: { content: '{"a":1}' } }] };
    } finally {
      life.finalized = true;
    }
  }
  return { life, source: chunks() };
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('item 3: a Stop before the first token releases the upstream', () => {
  it('a browser that disconnects before the first chunk: the upstream generator is returned at its first chunk', async () => {
    const first = gate();
    const never = new Promise<void>(() => {});
    const { life, source } = gatedUpstream(first.opened, never);
    let disconnected = false;
    const base = await serve((request) => {
      request.signal.addEventListener('abort', () => {
        disconnected = true;
      });
      return toPartialResponse(source, { signal: request.signal });
    });
    const client = new AbortController();
    clients.push(client);
    const response = await fetch(base, { signal: client.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(': partialkit\n\n');
    client.abort();
    await until(() => disconnected, 'the server to see the disconnect');
    expect(life).toEqual({ chunks: 0, finalized: false });
    // The upstream is busy awaiting its provider: it can only be returned when that await settles.
    first.open();
    await until(() => life.finalized, "the upstream's finally");
    expect(life).toEqual({ chunks: 1, finalized: true });
  });

  it('init.signal aborted before the first chunk: the upstream is returned and the body ends with `aborted`', async () => {
    const first = gate();
    const { life, source } = gatedUpstream(first.opened, new Promise<void>(() => {}));
    const stop = new AbortController();
    const response = toPartialResponse(source, { signal: stop.signal });
    const text = response.text();
    await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    expect(await text).toBe(
      ': partialkit\n\nevent: error\ndata: {"type":"aborted","message":"The server aborted the stream"}\n\n',
    );
    first.open();
    await until(() => life.finalized, "the upstream's finally");
    expect(life.chunks).toBe(1);
  });

  it('an upstream suspended between chunks (slow reader) is returned at once, before any further chunk', async () => {
    const life = { chunks: 0, finalized: false };
    async function* upstream() {
      try {
        for (let i = 0; i < 1000; i++) {
          life.chunks++;
          yield i === 0 ? '[0' : `,${i}`;
        }
        yield ']';
      } finally {
        life.finalized = true;
      }
    }
    const stop = new AbortController();
    const response = toPartialResponse(upstream(), { signal: stop.signal });
    const reader = response.body!.getReader();
    await reader.read(); // the opening comment
    await reader.read(); // the first delta
    const pulled = life.chunks;
    stop.abort();
    await until(() => life.finalized, "the upstream's finally", 100);
    expect(life.chunks - pulled).toBeLessThanOrEqual(1);
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += new TextDecoder().decode(r.value);
    expect(
      rest.endsWith('event: error\ndata: {"type":"aborted","message":"The server aborted the stream"}\n\n'),
    ).toBe(true);
  });

  it('a provider request that never sends its first byte is aborted when the browser goes away', async () => {
    let upstreamClosed = false;
    let upstreamRequests = 0;
    const provider = await listen(
      createServer((_req: IncomingMessage, res: ServerResponse) => {
        upstreamRequests++;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        res.on('close', () => {
          upstreamClosed = true;
        });
      }),
    );
    const base = await serve(async (request) => {
      const upstream = await fetch(provider, { signal: request.signal });
      return toPartialResponse(upstream, { signal: request.signal });
    });
    const client = new AbortController();
    clients.push(client);
    const response = await fetch(base, { signal: client.signal });
    const reader = response.body!.getReader();
    await reader.read();
    expect(upstreamRequests).toBe(1);
    client.abort();
    await until(() => upstreamClosed, 'the provider request to close');
  });

  /** A provider that sends one chunk, then ticks until its connection closes. */
  async function tickingProvider() {
    const provider = { closed: false };
    const url = await listen(
      createServer((_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"choices":[{"index":0,"delta":{"content":"{"}}]}\n\n');
        const tick = setInterval(() => res.write(': tick\n\n'), 20);
        res.on('close', () => {
          clearInterval(tick);
          provider.closed = true;
        });
      }),
    );
    return { provider, url };
  }

  it('a provider Response fetched without the signal is cancelled when init.signal is already aborted', async () => {
    const { provider, url } = await tickingProvider();
    const response = toPartialResponse(await fetch(url), { signal: AbortSignal.abort() });
    expect(await bodyWithin(response, 1000, 'an aborted response')).toContain('"aborted"');
    await until(() => provider.closed, 'the provider connection to close', 1000);
  });

  it('a provider Response fetched without the signal is cancelled when the client cancels before any event', async () => {
    const { provider, url } = await tickingProvider();
    const reader = toPartialResponse(await fetch(url)).body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(': partialkit\n\n');
    await reader.cancel();
    await until(() => provider.closed, 'the provider connection to close', 1000);
  });

  it('a client that leaves at the first pull, the format named: the provider body is cancelled unread', async () => {
    const life = { cancelled: 0, pulls: 0 };
    const provider = new Response(
      new ReadableStream<Uint8Array>(
        {
          pull(c) {
            life.pulls++;
            c.enqueue(new TextEncoder().encode('data: "x"\n\n'));
            return new Promise((r) => setTimeout(r, 5));
          },
          cancel() {
            life.cancelled++;
          },
        },
        { highWaterMark: 0 },
      ),
      { headers: { 'content-type': 'text/event-stream' } },
    );
    const response = toPartialResponse(provider, { decode: { format: 'partialkit' }, heartbeatMs: 0 });
    const reader = response.body!.getReader();
    await reader.read(); // ': partialkit'
    void reader.read().catch(() => {}); // the first pull starts decode's setup
    await reader.cancel(new Error('the browser went away'));
    await until(() => life.cancelled === 1, 'the provider body to be cancelled', 1000);
    expect(life).toEqual({ cancelled: 1, pulls: 0 });
  });

  it('reask: a client that leaves while the model sends only text-less chunks cancels the model call', async () => {
    const provider = { closed: false };
    const providerUrl = await listen(
      createServer((_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        // A reasoning model: chunks come steadily, none with content yet.
        const tick = setInterval(
          () =>
            res.write(
              'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"hmm"}}]}\n\n',
            ),
          10,
        );
        res.on('close', () => {
          clearInterval(tick);
          provider.closed = true;
        });
      }),
    );
    let disconnected = false;
    const base = await serve((request) => {
      request.signal.addEventListener('abort', () => {
        disconnected = true;
      });
      return toPartialResponse(
        reask({
          schema: z.object({ a: z.number() }),
          messages: [{ role: 'user', content: 'x' }],
          call: (_messages, { signal }) => fetch(providerUrl, { signal }),
        }),
        { signal: request.signal },
      );
    });
    const client = new AbortController();
    clients.push(client);
    const reader = (await fetch(base, { signal: client.signal })).body!.getReader();
    await reader.read(); // ': partialkit'
    await new Promise((r) => setTimeout(r, 50)); // the model is streaming its reasoning
    client.abort();
    await until(() => disconnected, 'the server to see the disconnect');
    await until(() => provider.closed, 'the model call to be cancelled', 1000);
  });

  it('of many clients that abort before their first chunk, every upstream is returned', async () => {
    const first = gate();
    const lives: Array<{ chunks: number; finalized: boolean }> = [];
    let disconnects = 0;
    const base = await serve((request) => {
      const { life, source } = gatedUpstream(first.opened, new Promise<void>(() => {}));
      lives.push(life);
      request.signal.addEventListener('abort', () => disconnects++);
      return toPartialResponse(source, { signal: request.signal });
    });
    const n = 40;
    await Promise.all(
      Array.from({ length: n }, async () => {
        const client = new AbortController();
        clients.push(client);
        const response = await fetch(base, { signal: client.signal });
        await response.body!.getReader().read();
        client.abort();
      }),
    );
    await until(() => disconnects === n, 'the server to see every disconnect');
    expect(lives.every((l) => l.chunks === 0)).toBe(true);
    first.open();
    await until(() => lives.every((l) => l.finalized), 'every upstream to be returned');
    expect(lives.map((l) => l.chunks)).toEqual(Array(n).fill(1));
  });
});

describe('many clients, half of them pressing Stop', () => {
  it('every upstream is returned; the clients that stay get every character', async () => {
    const lives: Array<{ finalized: boolean }> = [];
    const base = await serve((request) => {
      const life = { finalized: false };
      lives.push(life);
      async function* upstream() {
        try {
          yield '[0';
          for (let i = 1; i < 50; i++) {
            await new Promise((r) => setImmediate(r));
            yield `,${i}`;
          }
          yield ']';
        } finally {
          life.finalized = true;
        }
      }
      return toPartialResponse(upstream(), { signal: request.signal });
    });
    const whole = JSON.stringify(Array.from({ length: 50 }, (_, i) => i));
    const n = 60;
    const texts = await Promise.all(
      Array.from({ length: n }, async (_, k) => {
        const client = new AbortController();
        clients.push(client);
        const response = await fetch(base, { signal: client.signal });
        if (k % 2 === 0) {
          await response.body!.getReader().read();
          client.abort();
          return undefined;
        }
        let text = '';
        for await (const e of decode(response)) if (e.type === 'text') text += e.text;
        return text;
      }),
    );
    expect(texts.filter((t) => t !== undefined)).toEqual(Array(n / 2).fill(whole));
    await until(() => lives.length === n && lives.every((l) => l.finalized), 'every upstream to be returned');
  });
});

describe('item 4: an abort through init.signal ends the response with an error event', () => {
  it('AbortSignal.timeout(200) over a stalled upstream: `aborted`, then the body closes and the heartbeat stops', async () => {
    const before = timers();
    const life = { finalized: false };
    async function* stalled() {
      try {
        yield '{"a":';
        await new Promise(() => {});
      } finally {
        life.finalized = true;
      }
    }
    const base = await serve(() =>
      toPartialResponse(stalled(), { signal: AbortSignal.timeout(200), heartbeatMs: 50 }),
    );
    const response = await fetch(base);
    expect(response.status).toBe(200);
    const wire = await bodyWithin(response, 3000, 'AbortSignal.timeout(200)');
    expect(wire.startsWith(': partialkit\n\ndata: "{\\"a\\":"\n\n')).toBe(true);
    expect(wire.match(/: keep-alive\n\n/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(
      wire.endsWith('event: error\ndata: {"type":"aborted","message":"The server aborted the stream"}\n\n'),
    ).toBe(true);
    expect(wire).not.toContain('event: done');
    // A generator awaiting forever cannot run its finally; it is not left holding a timer either.
    expect(life.finalized).toBe(false);
    await until(() => timers() <= before, 'the heartbeat and timeout timers to clear');
    // The client reads it as a typed error after the partial text.
    const events: string[] = [];
    let error: unknown;
    try {
      const sse = new Response(wire, { headers: { 'content-type': 'text/event-stream' } });
      for await (const e of decode(sse)) events.push(e.type === 'text' ? e.text : e.type);
    } catch (e) {
      error = e;
    }
    expect(events).toEqual(['{"a":']);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'aborted', message: 'The server aborted the stream' });
  });

  it('a signal already aborted gives only the error event', async () => {
    const life = { started: false };
    async function* upstream() {
      life.started = true;
      yield '[]';
    }
    const response = toPartialResponse(upstream(), { signal: AbortSignal.abort() });
    expect(await bodyWithin(response, 1000, 'an aborted signal')).toBe(
      'event: error\ndata: {"type":"aborted","message":"The server aborted the stream"}\n\n',
    );
    expect(life.started).toBe(false);
  });
});

describe('item 6: a failure shows the browser only what is safe', () => {
  async function wireOf(response: Response): Promise<string> {
    return await bodyWithin(response, 3000, 'error stream');
  }

  it("an exception of the server's own code is sent as `internal`, and onError sees it", async () => {
    const secret = new Error('connect failed: postgres://admin:hunter2@db.internal:5432/prod');
    async function* failing() {
      yield '{"a":';
      throw secret;
    }
    const wire = await wireOf(toPartialResponse(failing()));
    expect(wire).toBe(
      ': partialkit\n\ndata: "{\\"a\\":"\n\nevent: error\ndata: {"type":"internal","message":"Internal error"}\n\n',
    );
    expect(wire).not.toContain('hunter2');

    const seen: unknown[] = [];
    async function* failingAgain() {
      yield '{"a":';
      throw secret;
    }
    const logged = await wireOf(
      toPartialResponse(failingAgain(), {
        onError: (error) => {
          seen.push(error);
          return undefined;
        },
      }),
    );
    expect(seen).toEqual([secret]);
    expect(seen[0]).toBe(secret);
    expect(logged).toContain('event: error\ndata: {"type":"internal","message":"Internal error"}\n\n');
  });

  it('an upstream 401 is sent as its status, without its body', async () => {
    const provider = await listen(
      createServer((_req, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: 'Incorrect API key provided: sk-proj-abc123secret', type: 'auth' },
          }),
        );
      }),
    );
    const base = await serve(async (request) =>
      toPartialResponse(await fetch(provider, { signal: request.signal }), { signal: request.signal }),
    );
    const wire = await wireOf(await fetch(base));
    expect(wire).toBe(
      ': partialkit\n\nevent: error\ndata: {"type":"upstream_http_401","message":"The upstream answered HTTP 401"}\n\n',
    );
    expect(wire).not.toContain('sk-proj');
  });

  it('errors the provider sent and the kit’s verdicts on the output pass through', async () => {
    const anthropic = new Response(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","content":[]}}\n\n' +
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      { headers: { 'content-type': 'text/event-stream' } },
    );
    expect(await wireOf(toPartialResponse(anthropic))).toBe(
      ': partialkit\n\nevent: error\ndata: {"type":"overloaded_error","message":"Overloaded"}\n\n',
    );
    async function* cutOff() {
      yield { choices: [{ index: 0, delta: { content: '{"a":' } }] };
      yield { choices: [{ index: 0, delta: {}, finish_reason: 'length' }] };
    }
    expect(await wireOf(toPartialResponse(cutOff()))).toContain(
      'event: error\ndata: {"type":"TruncatedError","message":"The response hit its token limit (finish_reason \\"length\\")","reason":"length"}\n\n',
    );
    async function* refused() {
      yield { choices: [{ index: 0, delta: { refusal: 'I cannot help with that.' } }] };
      yield { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
    }
    expect(await wireOf(toPartialResponse(refused()))).toContain(
      'event: error\ndata: {"type":"RefusalError","message":"The model refused: I cannot help with that.","refusal":"I cannot help with that."}\n\n',
    );
    // The browser throws the same classes, with what they carry.
    const thrown = async (response: Response) => {
      try {
        for await (const _ of decode(response));
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const truncated = await thrown(toPartialResponse(cutOff()));
    expect(truncated).toBeInstanceOf(TruncatedError);
    expect(truncated).toMatchObject({
      reason: 'length',
      message: 'The response hit its token limit (finish_reason "length")',
    });
    const refusal = await thrown(toPartialResponse(refused()));
    expect(refusal).toBeInstanceOf(RefusalError);
    expect(refusal).toMatchObject({ refusal: 'I cannot help with that.' });
    // A type that names a class without what it needs stays the server's ProviderError.
    const bare = new Response(
      'event: error\ndata: {"type":"TruncatedError","message":"m","reason":"why"}\n\n',
      {
        headers: { 'content-type': 'text/event-stream' },
      },
    );
    expect(await thrown(bare)).toMatchObject({ name: 'ProviderError', type: 'TruncatedError', message: 'm' });
  });

  it('onError decides what is sent; an onError that throws falls back to the default', async () => {
    async function* failing() {
      yield '[';
      throw new Error('quota table locked');
    }
    const chosen = await wireOf(
      toPartialResponse(failing(), {
        onError: (error) => ({ type: 'busy', message: `Try again (${(error as Error).message.length})` }),
      }),
    );
    expect(chosen.endsWith('event: error\ndata: {"type":"busy","message":"Try again (18)"}\n\n')).toBe(true);
    const fallback = await wireOf(
      toPartialResponse(failing(), {
        onError: () => {
          throw new Error('logger down');
        },
      }),
    );
    expect(fallback.endsWith('event: error\ndata: {"type":"internal","message":"Internal error"}\n\n')).toBe(
      true,
    );
  });
});

describe('slow readers and upstream faults', () => {
  it('a reader that stops reading holds the upstream: it is pulled only as the client reads', async () => {
    let pulled = 0;
    async function* upstream() {
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield i === 0 ? `["${'x'.repeat(1000)}"` : `,"${'x'.repeat(1000)}"`;
      }
      yield ']';
    }
    const response = toPartialResponse(upstream());
    const reader = response.body!.getReader();
    for (let i = 0; i < 11; i++) await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    // Ten deltas read, and at most the one the stream asked for next.
    expect(pulled).toBeLessThanOrEqual(11);
    await reader.cancel();
  });

  it('a provider connection cut mid-stream ends in an error event after the partial text, and the server keeps serving', async () => {
    const provider = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"choices":[{"index":0,"delta":{"content":"{\\"a\\":"}}]}\n\n', () => {
          setTimeout(() => res.socket?.destroy(), 10);
        });
      }),
    );
    const base = await serve(async (request) =>
      toPartialResponse(await fetch(provider, { signal: request.signal }), { signal: request.signal }),
    );
    for (let i = 0; i < 3; i++) {
      const wire = await bodyWithin(await fetch(base), 3000, 'a cut upstream');
      expect(wire).toBe(
        ': partialkit\n\ndata: "{\\"a\\":"\n\nevent: error\ndata: {"type":"internal","message":"Internal error"}\n\n',
      );
    }
  });
});

describe('sources', () => {
  it('a plain array of deltas is a source; something that is no source is an internal error', async () => {
    // Not in the type, but `for await` always took sync iterables, and callers relied on it.
    const array = ['[1,', '2]'] as unknown as AsyncIterable<string>;
    expect(await bodyWithin(toPartialResponse(array), 1000, 'an array source')).toBe(
      ': partialkit\n\ndata: "[1,"\n\ndata: "2]"\n\nevent: done\ndata: {}\n\n',
    );
    const seen: unknown[] = [];
    const wire = await bodyWithin(
      toPartialResponse(42 as unknown as AsyncIterable<string>, {
        onError: (error) => {
          seen.push(error);
          return undefined;
        },
      }),
      1000,
      'a bad source',
    );
    expect(wire).toBe(
      ': partialkit\n\nevent: error\ndata: {"type":"internal","message":"Internal error"}\n\n',
    );
    expect(seen[0]).toBeInstanceOf(PartialKitError);
    expect((seen[0] as Error).message).toBe(
      'toPartialResponse expects a Response, an SDK stream or an (async) iterable, got number',
    );
  });
});
