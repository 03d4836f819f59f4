import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { sendNodeResponse } from '@partialkit/server/node';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRecording } from '../recording.ts';
import { record, redactUrl } from './record.ts';

const dir = mkdtempSync(join(tmpdir(), 'partialkit-record-'));
const servers: Server[] = [];

/** A real upstream on 127.0.0.1 that answers every request with `handle`. */
async function upstream(handle: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    handle?.(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

/** Tees `source`, reads the teed body to the end, and returns the recording `record` handed over. */
async function recorded(source: Response): Promise<{ teed: Response; text: string }> {
  let text = '';
  const teed = record(source, undefined, {
    onComplete: (t) => {
      text = t;
    },
  });
  await teed.arrayBuffer();
  await teed.saved;
  return { teed, text };
}

describe('record() of a status without a body', () => {
  it.each([204, 205, 304])(
    'records a %i (Response refused a body for it) as its head alone',
    async (status) => {
      const url = await upstream((_, res) => {
        res.writeHead(status, { 'x-request-id': '7' });
        res.end();
      });
      const source = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const { teed, text } = await recorded(source);
      expect([teed.status, teed.body, teed.headers.get('x-request-id')]).toEqual([status, null, '7']);
      const recording = parseRecording(text);
      expect([recording.status, recording.headers['x-request-id'], recording.chunks]).toEqual([
        status,
        '7',
        [],
      ]);
    },
  );

  it('writes the file by the time `saved` resolves', async () => {
    const file = join(dir, 'no-content.rec.jsonl');
    const url = await upstream((_, res) => {
      res.writeHead(204);
      res.end();
    });
    await record(await fetch(url, { signal: AbortSignal.timeout(5000) }), file).saved;
    expect(parseRecording(readFileSync(file)).status).toBe(204);
  });
});

describe('record() when the consumer cancels', () => {
  it('has written the recording once cancel() of a pending read has resolved', async () => {
    const file = join(dir, 'cancelled.rec.jsonl');
    // An upstream that sent one event and then keeps the connection open.
    const source = new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    );
    const teed = record(source, file);
    const reader = teed.body!.getReader();
    await reader.read();
    const pending = reader.read(); // waits on the upstream
    await new Promise((r) => setTimeout(r, 10));
    // The pending pull wakes first (the upstream is done) and starts the write; cancel must await it.
    await reader.cancel(new Error('the consumer gave up'));
    expect(existsSync(file)).toBe(true);
    const recording = parseRecording(readFileSync(file));
    expect(recording.chunks.map((c) => new TextDecoder().decode(c.bytes))).toEqual(['data: 1\n\n']);
    await pending;
    await teed.saved;
  });

  it('writes nothing, and rejects `saved`, when the upstream breaks off', async () => {
    const file = join(dir, 'broken.rec.jsonl');
    const url = await upstream((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.destroy(), 20);
    });
    const teed = record(await fetch(url, { signal: AbortSignal.timeout(5000) }), file);
    await expect(teed.text()).rejects.toThrow('terminated');
    await expect(teed.saved).rejects.toThrow('terminated');
    expect(existsSync(file)).toBe(false);
  });
});

describe('record() of a compressed response', () => {
  const PLAIN = 'data: 1\n\n';
  // Real zstd where zlib has it (a Node whose fetch may undo it); on Node 20 only the magic number, all
  // its fetch looks at before handing the bytes over as they are.
  const zstdCompressSync = (zlib as { zstdCompressSync?: (data: Buffer) => Buffer }).zstdCompressSync;
  const ZSTD =
    zstdCompressSync?.(Buffer.from(PLAIN)) ?? Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x02, 0x03]);

  it('keeps content-encoding beside bytes fetch left encoded (zstd on Node 20), drops it if fetch undid them', async () => {
    const url = await upstream((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'zstd' });
      res.end(ZSTD);
    });
    const source = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const { text } = await recorded(source);
    const recording = parseRecording(text);
    const stored = Buffer.concat(recording.chunks.map((c) => c.bytes));
    if (stored.equals(ZSTD)) {
      // Node 20: the header stays, so a replay says how its bytes are encoded.
      expect(recording.headers).toEqual({
        'content-encoding': 'zstd',
        'content-type': 'text/event-stream',
        date: expect.any(String),
      });
    } else {
      expect(stored.toString()).toBe(PLAIN);
      expect(recording.headers['content-encoding']).toBeUndefined();
    }
  });

  it('keeps content-encoding for a coding fetch does not know (it then undoes none of the list)', async () => {
    const url = await upstream((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip, x-custom' });
      res.end('opaque');
    });
    const { text } = await recorded(await fetch(url, { signal: AbortSignal.timeout(5000) }));
    expect(parseRecording(text).headers['content-encoding']).toBe('gzip, x-custom');
  });

  it('drops content-encoding when fetch undid it (zstd on a newer Node: the bytes are text)', async () => {
    const decoded = new Response('data: 1\n\n', {
      headers: { 'content-type': 'text/event-stream', 'content-encoding': 'zstd', 'content-length': '20' },
    });
    const headers = parseRecording((await recorded(decoded)).text).headers;
    expect(headers).toEqual({ 'content-type': 'text/event-stream' });
  });
});

describe('record() passes the live response on as fetch handed it over', () => {
  const BODY = `${'data: {"choices":[{"delta":{"content":"hello"}}]}\n\n'.repeat(50)}data: [DONE]\n\n`;
  /** A gzip-compressed provider stream, as OpenAI and most CDNs send one. */
  const gzipped = () =>
    upstream((_, res) => {
      const gz = zlib.gzipSync(BODY);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'content-encoding': 'gzip',
        'content-length': String(gz.length),
      });
      res.end(gz);
    });

  // A recording proxy handed the browser fetch's decoded
  // text labelled `content-encoding: gzip` with the compressed length: its fetch failed with
  // `incorrect header check` (or hung), and nothing reached the page.
  it('a teed gzip response forwarded with sendNodeResponse reaches the client intact', async () => {
    const up = await gzipped();
    let saved = '';
    const proxy = await upstream(async (_, res) => {
      const teed = record(await fetch(up, { signal: AbortSignal.timeout(5000) }), undefined, {
        onComplete: (t) => {
          saved = t;
        },
      });
      await sendNodeResponse(res, teed);
    });
    const text = await Promise.race([
      fetch(proxy)
        .then((r) => r.text())
        .catch((e: Error) => `failed: ${e.message}: ${(e.cause as Error | undefined)?.message}`),
      new Promise<string>((r) => setTimeout(() => r('hung for 3 s'), 3000)),
    ]);
    expect(text).toBe(BODY);
    expect(parseRecording(saved).headers['content-encoding']).toBeUndefined();
  });

  it('keeps the fetched URL and drops the headers of the bytes fetch decoded', async () => {
    const up = await gzipped();
    const { teed } = await recorded(await fetch(up, { signal: AbortSignal.timeout(5000) }));
    expect({
      url: teed.url,
      encoding: teed.headers.get('content-encoding'),
      length: teed.headers.get('content-length'),
    }).toEqual({ url: `${up}/`, encoding: null, length: null });
  });

  it('keeps both for bytes still encoded, and the URL of a status without a body', async () => {
    const encoded = await upstream((_, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip, x-custom', 'content-length': '6' });
      res.end('opaque');
    });
    const { teed } = await recorded(await fetch(encoded, { signal: AbortSignal.timeout(5000) }));
    expect([teed.headers.get('content-encoding'), teed.headers.get('content-length')]).toEqual([
      'gzip, x-custom',
      '6',
    ]);
    const empty = await upstream((_, res) => {
      res.writeHead(204);
      res.end();
    });
    expect((await recorded(await fetch(empty, { signal: AbortSignal.timeout(5000) }))).teed.url).toBe(
      `${empty}/`,
    );
  });

  it('leaves a Response built in code as it is: its body is what its headers say', async () => {
    const built = new Response('data: 1\n\n', {
      headers: { 'content-encoding': 'gzip', 'content-length': '9' },
    });
    const teed = record(built, undefined, { onComplete: () => {} });
    expect([teed.url, teed.headers.get('content-encoding'), teed.headers.get('content-length')]).toEqual([
      '',
      'gzip',
      '9',
    ]);
    await teed.arrayBuffer();
  });
});

describe('record() stores no credentials', () => {
  it.each([
    [
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=AIzaSECRET',
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=REDACTED',
    ],
    [
      'https://user:p%40ss@api.example/v1?api_key=1&apikey=2&api-key=3&access_token=4&token=5&page=2',
      'https://REDACTED@api.example/v1?api_key=REDACTED&apikey=REDACTED&api-key=REDACTED&access_token=REDACTED&token=REDACTED&page=2',
    ],
    [
      'https://bucket.s3.example/o?X-Amz-Credential=AK%2F1&X-Amz-Signature=ab&sig=cd&client_secret=ef&q=a+b%20c',
      'https://bucket.s3.example/o?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&sig=REDACTED&client_secret=REDACTED&q=a+b%20c',
    ],
    ['https://api.example/v1#access_token=abc', 'https://api.example/v1'],
    ['https://api.example/v1?key=&token', 'https://api.example/v1?key=&token'],
    ['https://api.openai.com/v1/chat/completions', 'https://api.openai.com/v1/chat/completions'],
    [
      'https://api.example/s?jwt=1&pwd=2&pass=3&passphrase=4&credentials=5&secrets=6&tokens=7&api_keys=8&bearer=9&alt=sse',
      'https://api.example/s?jwt=REDACTED&pwd=REDACTED&pass=REDACTED&passphrase=REDACTED&credentials=REDACTED&secrets=REDACTED&tokens=REDACTED&api_keys=REDACTED&bearer=REDACTED&alt=sse',
    ],
  ])('%s', (url, stored) => {
    expect(redactUrl(url)).toBe(stored);
  });

  it.each([
    ['https://user:secret@api.example.com/v1/chat', 'https://REDACTED@api.example.com/v1/chat'],
    ['https://ghp_TOKEN@api.example.com/v1', 'https://REDACTED@api.example.com/v1'],
    ['https://a@b:p@ss@api.example.com:8443/v1?q=1', 'https://REDACTED@api.example.com:8443/v1?q=1'],
    ['https://api.example.com/v1?email=a@b.example', 'https://api.example.com/v1?email=a@b.example'],
  ])(
    '%s: the credentials before the host are stored as REDACTED@, so a reader sees the URL had some',
    (url, stored) => {
      expect(redactUrl(url)).toBe(stored);
      expect(new URL(stored).password).toBe('');
    },
  );

  it('redacts the URL given in options and the one the response came from', async () => {
    const base = await upstream((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: 1\n\n');
    });
    const source = await fetch(`${base}/v1?key=SECRET`, { signal: AbortSignal.timeout(5000) });
    expect(parseRecording((await recorded(source)).text).url).toBe(`${base}/v1?key=REDACTED`);
    let text = '';
    const teed = record(new Response('data: 1\n\n'), undefined, {
      url: 'https://me:pw@api.example/v1?access_token=SECRET',
      onComplete: (t) => {
        text = t;
      },
    });
    await teed.arrayBuffer();
    expect(text).not.toContain('SECRET');
    expect(parseRecording(text).url).toBe('https://REDACTED@api.example/v1?access_token=REDACTED');
  });
});
