/**
 * Fault injection for the Node adapter over real sockets on 127.0.0.1: malformed requests (issue 18,
 * item 1), large request bodies (item 2), slow readers (item 5), handler exceptions (item 6). Every
 * wait is bounded.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loopback, until } from '../../test/loopback.ts';
import { sendNodeResponse, toNodeHandler } from './node.ts';
import { RequestError } from './request-error.ts';

const { listen } = loopback();
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Resolves once `read()` has not changed over 5 polls 10 ms apart; rejects after `ms`. */
async function steady(read: () => number, what: string, ms = 5000): Promise<number> {
  let last = read();
  for (let waited = 0, same = 0; same < 5; waited += 10) {
    if (waited >= ms) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
    const now = read();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** Sends raw bytes on a fresh connection; resolves with everything the server answered before closing. */
function raw(port: number, bytes: string, ms = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no complete answer within ${ms} ms to ${JSON.stringify(bytes)}; got ${JSON.stringify(answer)}`,
        ),
      );
    }, ms);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      answer += d;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(bytes);
  });
}

const ok = (request: Request) => new Response(`ok ${new URL(request.url).pathname}`);

describe('item 1: malformed requests get an answer and the server keeps serving', () => {
  it.each([
    {
      what: 'a space in Host',
      bytes: 'GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n',
      status: 400,
    },
    {
      what: 'an unclosed IPv6 Host',
      bytes: 'GET / HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n',
      status: 400,
    },
    {
      what: 'a port out of range',
      bytes: 'GET / HTTP/1.1\r\nHost: 127.0.0.1:99999\r\nConnection: close\r\n\r\n',
      status: 400,
    },
    {
      what: 'a path in Host',
      bytes: 'GET /x HTTP/1.1\r\nHost: evil.example/a?\r\nConnection: close\r\n\r\n',
      status: 400,
    },
    { what: 'an empty Host', bytes: 'GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n', status: 400 },
    {
      what: 'an asterisk target',
      bytes: 'OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      status: 400,
    },
    {
      // No web Request can hold a URL with credentials: a client error, not a server bug.
      what: 'an absolute target with credentials',
      bytes: 'GET http://user:secret@127.0.0.1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
      status: 400,
    },
    {
      what: 'a method fetch forbids',
      bytes: 'TRACE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      status: 501,
    },
  ])('$what → $status', async ({ bytes, status }) => {
    let handled = 0;
    const port = await listen(
      createServer(
        toNodeHandler((request) => {
          handled++;
          return ok(request);
        }),
      ),
    );
    const answer = await raw(port, bytes);
    expect(answer.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(handled).toBe(0);
    const after = await fetch(`http://127.0.0.1:${port}/still`);
    expect(await after.text()).toBe('ok /still');
    expect(handled).toBe(1);
  });

  it('a hundred malformed requests in a row, then a good one', async () => {
    const port = await listen(createServer(toNodeHandler(ok)));
    const hosts = ['a b', '[::1', '127.0.0.1:99999', 'x:y:z', '%', 'a\tb'];
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        raw(port, `GET / HTTP/1.1\r\nHost: ${hosts[i % hosts.length]}\r\nConnection: close\r\n\r\n`),
      ),
    );
    expect(answers.map((a) => a.slice(0, 12))).toEqual(Array(100).fill('HTTP/1.1 400'));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok /');
  });

  it('an exception from the handler is a bare 500, told to onError, not to the client', async () => {
    const seen: unknown[] = [];
    const secret = new Error('ECONNREFUSED postgres://admin:hunter2@10.0.0.5/prod');
    const port = await listen(
      createServer(
        toNodeHandler(
          () => {
            throw secret;
          },
          { onError: (error) => seen.push(error) },
        ),
      ),
    );
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal Server Error');
    expect(seen).toEqual([secret]);
  });
});

describe('a response body that fails mid-stream', () => {
  it('is told to onError once, the client sees a cut response, and the server keeps serving', async () => {
    const seen: unknown[] = [];
    const boom = new Error("the app's own stream broke");
    const port = await listen(
      createServer(
        toNodeHandler(
          (request) => {
            if (new URL(request.url).pathname === '/ok') return new Response('fine');
            let sent = false;
            const body = new ReadableStream<Uint8Array>({
              pull(controller) {
                if (sent) throw boom; // the second read fails
                sent = true;
                controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
              },
            });
            return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
          },
          { onError: (error) => seen.push(error) },
        ),
      ),
    );
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(200);
    const cut = await response.text().then(
      () => 'complete',
      (error: Error) => error.message,
    );
    expect(cut).toBe('terminated');
    await until(() => seen.length > 0, 'onError');
    expect(seen).toEqual([boom]);
    expect(await (await fetch(`http://127.0.0.1:${port}/ok`)).text()).toBe('fine');
    expect(seen).toEqual([boom]);
  });

  it('sendNodeResponse tells its own onError; a client that leaves is not reported', async () => {
    const seen: unknown[] = [];
    let cancelled: unknown;
    const port = await listen(
      createServer((_req, res) => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('data: 1\n\n')); // then nothing: open
          },
          cancel(reason) {
            cancelled = reason;
          },
        });
        void sendNodeResponse(res, new Response(body), { onError: (error) => seen.push(error) });
      }),
    );
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await until(() => cancelled !== undefined, 'the body cancelled');
    expect((cancelled as Error).message).toBe('The client disconnected');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
  });
});

describe('early aborts', () => {
  it('a client that leaves while the handler awaits its upstream: the abort is not reported, a bug would be', async () => {
    const seen: unknown[] = [];
    let upstreamClosed = 0;
    const upstreamPort = await listen(
      createServer((_req, res) => {
        res.on('close', () => upstreamClosed++);
      }),
    );
    let calls = 0;
    const port = await listen(
      createServer(
        toNodeHandler(
          async (request) => {
            const mine = ++calls;
            const upstream = await fetch(`http://127.0.0.1:${upstreamPort}/`, {
              signal: request.signal,
            }).catch((error: unknown) => {
              // The second handler has a bug on top of the abort: that one is reported.
              if (mine === 2) throw new Error('bug after the abort');
              throw error;
            });
            return upstream;
          },
          { onError: (error) => seen.push(error) },
        ),
      ),
    );
    for (let i = 1; i <= 2; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await until(() => calls === i, 'the handler to start');
      await new Promise((r) => setTimeout(r, 20));
      socket.destroy();
      await until(() => upstreamClosed === i, 'the upstream request to be aborted');
    }
    await until(() => seen.length === 1, 'the bug to be reported');
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((e) => (e as Error).message)).toEqual(['bug after the abort']);
  });
});

/** A POST whose body the client writes in `chunk`-byte pieces; `written` counts what the client handed over. */
function upload(port: number, headers: Record<string, string> = {}, agent?: Agent) {
  const state = { written: 0, response: undefined as IncomingMessage | undefined, body: '', ended: false };
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/',
    headers,
    ...(agent && { agent }),
  });
  req.on('error', () => {});
  const answered = new Promise<IncomingMessage>((resolve) => {
    req.on('response', (res) => {
      state.response = res;
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        state.body += d;
      });
      res.on('end', () => {
        state.ended = true;
      });
      resolve(res);
    });
  });
  cleanups.push(() => req.destroy());
  return {
    req,
    state,
    answered,
    /** Writes until `total` bytes, or until no drain comes for `stallMs`; true if all were taken. */
    async write(total: number, stallMs = 300, chunk = 64 * 1024): Promise<boolean> {
      const piece = Buffer.alloc(chunk, 0x61);
      while (state.written < total && !state.response) {
        const more = req.write(piece);
        state.written += chunk;
        if (!more) {
          const drained = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), stallMs);
            req.once('drain', () => {
              clearTimeout(timer);
              resolve(true);
            });
          });
          if (!drained) return false;
        }
      }
      return true;
    },
  };
}

describe('item 2: request bodies are read only as fast as the handler consumes them', () => {
  it('a 32 MiB upload to a handler that has not read its body yet stops at the socket; then it arrives whole', async () => {
    let socketRead = () => 0;
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const port = await listen(
      createServer(
        toNodeHandler(
          async (request) => {
            await released;
            const bytes = new Uint8Array(await request.arrayBuffer());
            return new Response(`${bytes.length} ${bytes.every((b) => b === 0x61)}`);
          },
          { maxBodySize: Number.POSITIVE_INFINITY },
        ),
      ).on('connection', (socket) => {
        socketRead = () => socket.bytesRead;
      }),
    );
    const total = 32 * 1024 * 1024;
    const client = upload(port, { 'content-length': String(total) });
    const tookAll = await client.write(total);
    expect(tookAll).toBe(false);
    // What the server took off the socket: the read-ahead and Node's own buffers, not the upload.
    expect(socketRead()).toBeLessThan(2 * 1024 * 1024);
    release();
    expect(await client.write(total, 10_000)).toBe(true);
    client.req.end();
    const res = await client.answered;
    await until(() => client.state.ended, 'the end of the response');
    expect(res.statusCode).toBe(200);
    expect(client.state.body).toBe(`${total} true`);
  }, 20_000);

  it('a content-length over maxBodySize is refused with 413 before the handler runs', async () => {
    let handled = 0;
    const port = await listen(
      createServer(
        toNodeHandler(
          (request) => {
            handled++;
            return ok(request);
          },
          { maxBodySize: 1024 * 1024 },
        ),
      ),
    );
    const client = upload(port, { 'content-length': String(300 * 1024 * 1024) });
    client.req.flushHeaders();
    const res = await client.answered;
    expect(res.statusCode).toBe(413);
    expect(handled).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/after`)).text()).toBe('ok /after');
  });

  it('a chunked body that grows past maxBodySize fails the read and is answered 413', async () => {
    let failure: unknown;
    const port = await listen(
      createServer(
        toNodeHandler(
          async (request) => {
            try {
              await request.arrayBuffer();
            } catch (error) {
              failure = error;
              throw error;
            }
            return new Response('read it all');
          },
          { maxBodySize: 1024 * 1024 },
        ),
      ),
    );
    const client = upload(port);
    await client.write(8 * 1024 * 1024);
    const res = await client.answered;
    expect(res.statusCode).toBe(413);
    expect(client.state.written).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(failure).toBeInstanceOf(RequestError);
    expect(failure).toMatchObject({
      status: 413,
      message: 'The request body exceeds maxBodySize (1048576 bytes)',
    });
    expect(await (await fetch(`http://127.0.0.1:${port}/after`)).text()).toBe('read it all');
  });

  it('a body the handler never reads is discarded, and the keep-alive connection serves the next request', async () => {
    const ports: number[] = [];
    const port = await listen(
      createServer(
        toNodeHandler((request) => {
          return new Response(`${request.method} ${new URL(request.url).pathname}`);
        }),
      ).on('request', (req: IncomingMessage) => ports.push(req.socket.remotePort ?? -1)),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => agent.destroy());
    const first = upload(port, { 'content-length': String(1024 * 1024) }, agent);
    // The whole body is handed over whatever the server answers meanwhile: the server must drop it.
    first.req.end(Buffer.alloc(1024 * 1024, 0x61));
    expect((await first.answered).statusCode).toBe(200);
    await until(() => first.state.ended, 'the end of the response');
    expect(first.state.body).toBe('POST /');
    const second = await new Promise<string>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/next', agent }, (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => {
          text += d;
        });
        r.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(second).toBe('GET /next');
    expect(ports).toHaveLength(2);
    expect(ports[1]).toBe(ports[0]);
  });

  it('refuses a maxBodySize that would switch the bound off by accident', () => {
    expect(() => toNodeHandler(ok, { maxBodySize: Number.NaN })).toThrow(TypeError);
    expect(() => toNodeHandler(ok, { maxBodySize: -1 })).toThrow(TypeError);
  });
});

describe('item 5: a slow reader of a large response', () => {
  it('waiting for drain adds no listeners, and every byte arrives', async () => {
    const chunk = 16 * 1024;
    const chunks = 1024; // 16 MiB
    let drains = 0;
    let maxClose = 0;
    let maxDrain = 0;
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    let sent: Promise<void> | undefined;
    const port = await listen(
      createServer((_req, res) => {
        res.on('drain', () => drains++);
        let i = 0;
        const body = new ReadableStream<Uint8Array>(
          {
            pull(c) {
              maxClose = Math.max(maxClose, res.listenerCount('close'));
              maxDrain = Math.max(maxDrain, res.listenerCount('drain'));
              if (i === chunks) c.close();
              else c.enqueue(new Uint8Array(chunk).fill(i++ % 251));
            },
          },
          { highWaterMark: 0 },
        );
        sent = sendNodeResponse(res, new Response(body));
      }),
    );
    const received = await new Promise<{ length: number; sum: number }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let length = 0;
        let sum = 0;
        res.on('data', (d: Buffer) => {
          length += d.length;
          for (let k = 0; k < d.length; k += chunk) sum += d[k] ?? 0;
          // A slow reader: the server waits for drain again and again.
          res.pause();
          setImmediate(() => res.resume());
        });
        res.on('end', () => resolve({ length, sum }));
      });
      req.on('error', reject);
      req.end();
    });
    await sent;
    expect(received.length).toBe(chunk * chunks);
    expect(drains).toBeGreaterThan(20);
    // Node's own listeners and ours: constant, where one was left behind per drain (1 025 here).
    expect(maxClose).toBeLessThanOrEqual(3);
    expect(maxDrain).toBeLessThanOrEqual(2);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('a reader that goes away during a drain wait cancels the body, and sendNodeResponse settles', async () => {
    let cancelled = false;
    let sent: Promise<void> | undefined;
    let pulls = 0;
    const port = await listen(
      createServer((_req, res) => {
        const body = new ReadableStream<Uint8Array>(
          {
            pull(c) {
              pulls++;
              c.enqueue(new Uint8Array(64 * 1024));
            },
            cancel() {
              cancelled = true;
            },
          },
          { highWaterMark: 0 },
        );
        sent = sendNodeResponse(res, new Response(body));
      }),
    );
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // The client never reads: the server fills the socket and waits for drain.
    socket.pause();
    await steady(() => pulls, 'the server to fill the socket and wait');
    socket.destroy();
    await until(() => cancelled, 'the body to be cancelled');
    let done = false;
    void sent?.then(() => {
      done = true;
    });
    await until(() => done, 'sendNodeResponse to settle');
  });
});

describe('a client that leaves during its upload', () => {
  it('an upload the client abandons is not reported to onError; a bug on top of it is', async () => {
    const reported: unknown[] = [];
    let started = 0;
    let settled = 0;
    const port = await listen(
      createServer(
        toNodeHandler(
          async (request) => {
            const mine = ++started;
            try {
              const body = await request.json().catch((error: unknown) => {
                // The second handler has a bug on top of the lost upload: that one is reported.
                if (mine === 2) throw new Error('bug after the lost upload');
                throw error;
              });
              return Response.json(body);
            } finally {
              settled++;
            }
          },
          { onError: (error) => reported.push(error) },
        ),
      ),
    );
    for (let i = 1; i <= 2; i++) {
      // A phone that starts a 1 MB upload and loses its connection half-way.
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(
        `POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"a":"`,
      );
      socket.write('x'.repeat(100_000));
      await until(() => started === i, 'the handler to start');
      await new Promise((r) => setTimeout(r, 30));
      socket.destroy();
      await until(() => settled === i, 'the handler to settle');
    }
    await until(() => reported.length > 0, 'the bug to be reported');
    await new Promise((r) => setTimeout(r, 50));
    expect(reported.map((e) => String(e))).toEqual(['Error: bug after the lost upload']);
  });
});

/**
 * Sends `head`, then up to 64 MiB of 64 KiB chunks as fast as the server reads them, for at most 4 s;
 * resolves with what came back and whether the server closed the connection. (What the client sent
 * says little: loopback socket buffers take MiBs before the server reads anything.)
 */
async function flood(port: number, head: string) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let answer = '';
  let closed = false;
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => {
    answer += d;
  });
  socket.on('close', () => {
    closed = true;
  });
  cleanups.push(() => socket.destroy());
  socket.write(head);
  const piece = `10000\r\n${'a'.repeat(0x10000)}\r\n`;
  let sent = 0;
  const deadline = Date.now() + 4000;
  while (!closed && sent < 64 * 1024 * 1024 && Date.now() < deadline) {
    if (!socket.write(piece)) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        socket.once('drain', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    sent += 0x10000;
  }
  return { answer, closed };
}

describe('maxBodySize bounds a body the handler does not read', () => {
  it('a chunked body on a GET stops at maxBodySize too: answered, then the connection is closed', async () => {
    let handled = 0;
    let socketRead = () => 0;
    const port = await listen(
      createServer(
        toNodeHandler(
          () => {
            handled++;
            return new Response('ok');
          },
          { maxBodySize: 1024 },
        ),
      ).on('connection', (socket) => {
        socketRead = () => socket.bytesRead;
      }),
    );
    const { answer, closed } = await flood(
      port,
      'GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    expect(handled).toBe(1);
    expect(answer.startsWith('HTTP/1.1 200')).toBe(true);
    // As a POST whose handler leaves its body unread: past maxBodySize the connection is closed, where
    // Node drained all 64 MiB.
    expect(closed).toBe(true);
    expect(socketRead()).toBeLessThan(1024 * 1024);
  });

  it('a GET with a small body under the limit: the connection serves the next request', async () => {
    const port = await listen(createServer(toNodeHandler(ok, { maxBodySize: 1024 })));
    const answer = await raw(
      port,
      'GET /a HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello' +
        'GET /b HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' +
        'GET /c HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(answer.match(/ok \/\w/g)).toEqual(['ok /a', 'ok /b', 'ok /c']);
  });

  it('a handler that swallows the 413 and answers: the rest of the body is not read (the connection is closed)', async () => {
    let failure: unknown;
    let socketRead = () => 0;
    const port = await listen(
      createServer(
        toNodeHandler(
          async (request) => {
            failure = await request.arrayBuffer().catch((error: unknown) => error);
            return new Response('ok');
          },
          { maxBodySize: 1024 },
        ),
      ).on('connection', (socket) => {
        socketRead = () => socket.bytesRead;
      }),
    );
    const { answer, closed } = await flood(
      port,
      'POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    expect(failure).toMatchObject({ status: 413 });
    expect(answer.startsWith('HTTP/1.1 200')).toBe(true);
    expect(closed).toBe(true);
    expect(socketRead()).toBeLessThan(1024 * 1024);
  });
});

describe('a fetched Response passed through', () => {
  /** An upstream answering `body` under `headers`. */
  async function upstream(body: Uint8Array, headers: Record<string, string>): Promise<string> {
    const port = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { ...headers, 'content-length': String(body.length) });
        res.end(body);
      }),
    );
    return `http://127.0.0.1:${port}/`;
  }
  const json = JSON.stringify({ talks: Array.from({ length: 200 }, (_, i) => ({ title: `Talk ${i}` })) });
  /** The raw answer to a GET (node:http decodes nothing): its coding, length and bytes. */
  function get(port: number) {
    return new Promise<{ encoding: string | undefined; length: string | undefined; bytes: Buffer }>(
      (resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5000 }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (d: Buffer) => chunks.push(d));
          r.on('end', () =>
            resolve({
              encoding: r.headers['content-encoding'],
              length: r.headers['content-length'],
              bytes: Buffer.concat(chunks),
            }),
          );
        });
        req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
        req.on('error', reject);
        req.end();
      },
    );
  }

  it('a gzip upstream returned as is reaches the client readable (fetch already decoded its body)', async () => {
    const url = await upstream(gzipSync(json), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    const port = await listen(
      createServer(toNodeHandler(() => fetch(url, { signal: AbortSignal.timeout(5000) }))),
    );
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
    // Raced: fetch's body read can hang on the broken answer, whatever its signal.
    const text = await Promise.race([
      res.text().catch((e: unknown) => `unreadable: ${String((e as Error).cause ?? e)}`),
      new Promise<string>((r) => setTimeout(() => r('no end within 5 s'), 5000)),
    ]);
    expect(text).toBe(json);
    expect(res.headers.get('content-encoding')).toBe(null);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('a Response the app builds from gzip bytes with content-encoding: gzip is sent as is', async () => {
    const gz = gzipSync(json);
    const port = await listen(
      createServer(
        toNodeHandler(
          () =>
            new Response(gz, {
              headers: { 'content-encoding': 'gzip', 'content-length': String(gz.length) },
            }),
        ),
      ),
    );
    const compressed = await get(port);
    expect(compressed).toEqual({ encoding: 'gzip', length: String(gz.length), bytes: gz });
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
    expect(await res.text()).toBe(json);
  });

  it("an upstream's hop-by-hop headers stay with its connection: the client's keeps serving", async () => {
    const up = await listen(
      createServer((_req, res) => {
        res.writeHead(200, {
          'content-type': 'text/plain',
          connection: 'close, x-hop',
          'x-hop': 'upstream only',
          'keep-alive': 'timeout=99',
          'x-kept': 'yes',
        });
        res.write('up');
        res.end('stream');
      }),
    );
    const port = await listen(
      createServer(
        toNodeHandler(() => fetch(`http://127.0.0.1:${up}/`, { signal: AbortSignal.timeout(5000) })),
      ),
    );
    // Two requests on one connection: before the fix, the forwarded `connection: close` ended it after
    // the first answer.
    const answer = await raw(
      port,
      'GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    const answers = answer.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.slice(0, 15))).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(answers[0]).toMatch(/\r\nx-kept: yes\r\n/i);
    expect(answers[0]).toMatch(/\r\nConnection: keep-alive\r\n/i);
    expect(answer).not.toMatch(/x-hop|timeout=99/i);
  });

  it('a fetched Response in a coding fetch does not decode keeps its header and bytes', async () => {
    const bytes = gzipSync(json);
    // fetch decodes nothing when one coding is unknown: the body is still gzip under "x-custom".
    const url = await upstream(bytes, { 'content-encoding': 'gzip, x-custom' });
    const port = await listen(
      createServer(toNodeHandler(() => fetch(url, { signal: AbortSignal.timeout(5000) }))),
    );
    expect(await get(port)).toEqual({ encoding: 'gzip, x-custom', length: String(bytes.length), bytes });
  });
});

describe('a client that leaves before the handler returns', () => {
  it('the body of the Response returned after the client left is cancelled at once, not at its first chunk', async () => {
    let cancelled = false;
    let started = false;
    const port = await listen(
      createServer(
        toNodeHandler(async () => {
          started = true;
          // e.g. an auth or DB lookup, or a provider fetch made without request.signal
          await new Promise((r) => setTimeout(r, 150));
          const body = new ReadableStream<Uint8Array>({
            // a provider whose first token is slow (or never comes)
            pull: () => new Promise(() => {}),
            cancel() {
              cancelled = true;
            },
          });
          return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
        }),
      ),
    );
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => started, 'the handler to start');
    socket.destroy();
    await until(() => cancelled, 'the body to be cancelled', 1500);
  });
});

describe('an async onError (a logger that sends the error somewhere)', () => {
  it('a logger whose promise rejects does not become an unhandled rejection (which ends a Node process)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    // Registered first, so the test sees it (vitest reports it as well).
    process.on('unhandledRejection', onUnhandled);
    try {
      const port = await listen(
        createServer(
          toNodeHandler(
            () => {
              throw new Error('a bug in the handler');
            },
            // `(error) => void` accepts an async function: typical for Sentry/HTTP log sinks.
            {
              onError: async () => {
                await new Promise((r) => setTimeout(r, 1));
                throw new Error('the log sink is down');
              },
            },
          ),
        ),
      );
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(500);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled.map(String)).toEqual([]);
  });
});

describe('a HEAD request, and a header named __proto__', () => {
  it('HEAD answers at once with the headers and releases the body; the connection serves the next request', async () => {
    let pulls = 0;
    let cancelled = false;
    const port = await listen(
      createServer(
        toNodeHandler((request) => {
          if (request.method === 'GET') return new Response('next');
          const body = new ReadableStream<Uint8Array>({
            // a paced stream (a model call): a chunk every 100 ms
            pull: async (c) => {
              pulls++;
              await new Promise((r) => setTimeout(r, 100));
              c.enqueue(new TextEncoder().encode('data: x\n\n'));
            },
            cancel() {
              cancelled = true;
            },
          });
          const headers = [
            ['content-type', 'text/event-stream'],
            ['__proto__', 'kept'],
          ] as [string, string][];
          return new Response(body, { headers });
        }),
      ),
    );
    const answer = await raw(
      port,
      'HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      1500,
    );
    const [head, next] = answer.split(/(?=HTTP\/1\.1 )/);
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\ncontent-type: text\/event-stream\r\n/);
    expect(head).toMatch(/\r\n__proto__: kept\r\n/);
    expect(head).not.toContain('data: x');
    expect(next).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n[\s\S]*next/);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThanOrEqual(1);
  });
});
