import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decode, encodeProtocolEvent, PartialKitError } from '@partialkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingError, ReplayOptionError } from '../errors.ts';
import { parseRecording, type Recording, serializeRecording } from '../recording.ts';
import { main } from './cli.ts';
import { createReplayServer } from './replay-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'partialkit-faults-'));
const GOOD = serializeRecording({
  status: 200,
  headers: { 'content-type': 'text/event-stream' },
  chunks: [{ t: 0, bytes: new TextEncoder().encode('data: {"a":1}\n\n') }],
});

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A recording file whose first line is `head` (the good chunk line follows). */
function withHead(name: string, head: Record<string, unknown>): string {
  return file(
    name,
    `${JSON.stringify({ partialkit: 'recording', version: 1, ...head })}\n${GOOD.split('\n')[1]}\n`,
  );
}

async function refusal(args: string[]): Promise<Error> {
  const lines: string[] = [];
  const error = await main(args, (l) => lines.push(l)).then(
    (server) => {
      void server?.close();
      return new Error(`started: ${lines.join(' ')}`);
    },
    (e: unknown) => e as Error,
  );
  // Refused before listening: the "replaying … at http://…" line is never printed.
  expect(lines).toEqual([]);
  return error;
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

describe('partialkit replay refuses bad flags at start (issue 18 item 19)', () => {
  const good = file('good.rec.jsonl', GOOD);
  it.each([
    [['--chunking', '0'], '--chunking must be'],
    [['--chunking', 'foo'], '--chunking must be'],
    [['--chunking', '2.5'], '--chunking must be'],
    [['--speed=-1'], '--speed must be a number >= 0'],
    [['--speed', 'fast'], '--speed must be a number >= 0'],
    [['--port', 'abc'], '--port must be a port number'],
    [['--port', '99999'], '--port must be a port number'],
  ])('%j', async (flags, message) => {
    const error = await refusal(['replay', good, '--port', '0', ...flags]);
    expect(error).toBeInstanceOf(ReplayOptionError);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`got "${flags.at(-1)?.replace(/^--speed=/, '')}"`);
  });

  it('["--speed","-1"]: a dash-led value is refused by the flag parser, before anything starts', async () => {
    const error = await refusal(['replay', good, '--port', '0', '--speed', '-1']);
    expect(error.message).toContain("Option '--speed' argument is ambiguous");
  });
});

describe('partialkit replay refuses bad recordings at start, naming file and line (items 19, 20)', () => {
  it.each([
    ['status-99.rec.jsonl', { status: 99 }, 'line 1: status must be an integer from 200 to 599, got 99'],
    [
      'status-abc.rec.jsonl',
      { status: 'abc' },
      'line 1: status must be an integer from 200 to 599, got "abc"',
    ],
    [
      'bad-name.rec.jsonl',
      { headers: { 'bad header': 'x' } },
      'line 1: header name "bad header" is not a valid HTTP token',
    ],
    [
      'bad-value.rec.jsonl',
      { headers: { 'x-a': 'one\ntwo' } },
      'line 1: header x-a has a line break or control character in its value "one\\ntwo"',
    ],
    ['version.rec.jsonl', { version: 2 }, 'line 1: recording version 2 is not supported (only 1)'],
    ['204.rec.jsonl', { status: 204 }, 'line 2: a 204 response has no body, but this chunk holds 15 bytes'],
  ])('%s', async (name, head, message) => {
    const path = withHead(name, head);
    const error = await refusal(['replay', path, '--port', '0']);
    expect(error).toBeInstanceOf(RecordingError);
    expect(error).toBeInstanceOf(PartialKitError);
    expect(error.message).toBe(`${path} ${message}`);
    expect((error as RecordingError).source).toBe(path);
  });

  it('a truncated file names its last line', async () => {
    const text = serializeRecording({
      status: 200,
      headers: {},
      chunks: [0, 1].map((t) => ({ t, bytes: new TextEncoder().encode(`data: ${t}\n\n`) })),
    });
    const path = file('recording.rec.jsonl', text.slice(0, text.length - 6));
    const error = await refusal(['replay', path, '--port', '0']);
    expect(error.message).toMatch(/recording\.rec\.jsonl line 3: not valid JSON \(Unterminated string/);
    expect((error as RecordingError).line).toBe(3);
  });

  it.each([
    ['a chunk without t', '{"data":"AA=="}', 'line 2: t must be a number of ms >= 0, got undefined'],
    ['a negative t', '{"t":-1,"data":"AA=="}', 'line 2: t must be a number of ms >= 0, got -1'],
    ['data that is not base64', '{"t":0,"data":"@@@"}', 'line 2: data is not valid base64'],
    ['a line that is not an object', '[1]', 'line 2: expected {"t":…,"data":…}'],
  ])('%s', async (name, line, message) => {
    const path = file(`${name.replaceAll(' ', '-')}.rec.jsonl`, `${GOOD.split('\n')[0]}\n${line}\n`);
    const error = await refusal(['replay', path, '--port', '0']);
    expect(error.message).toBe(`${path} ${message}`);
  });

  it('an empty (or blank) file is refused, not served as an empty 200 text/plain', async () => {
    for (const content of ['', '\n  \n']) {
      const path = file('empty.sse', content);
      const error = await refusal(['replay', path, '--port', '0']);
      expect(error.message).toBe(`${path}: the file is empty: there is nothing to replay`);
    }
  });

  it('a binary file is refused, not served as text/plain', async () => {
    const png = file(
      'image.png',
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    );
    expect((await refusal(['replay', png, '--port', '0'])).message).toBe(
      `${png}: binary content (a NUL byte at offset 8): not a recording or a text body`,
    );
    const gz = file('body.sse.gz', gzipSync('data: 1\n\n'));
    expect((await refusal(['replay', gz, '--port', '0'])).message).toMatch(/body\.sse\.gz: binary content/);
  });
});

describe('the replay server never dies on a request (item 19)', () => {
  it('answers a request that fails with a 500, then keeps serving', async () => {
    const recording: Recording = parseRecording(GOOD);
    const server = createReplayServer(recording, { speed: 0 });
    const url = await listen(server);
    try {
      expect(await (await fetch(url)).text()).toBe('data: {"a":1}\n\n');
      // The server reads the recording on each request: one changed into something unservable after the
      // start must cost that request a 500, not the process.
      recording.headers['bad header'] = 'x';
      const failed = await fetch(url);
      expect(failed.status).toBe(500);
      expect(await failed.text()).toBe(
        'partialkit replay: recording: header name "bad header" is not a valid HTTP token\n',
      );
      delete recording.headers['bad header'];
      recording.status = 99;
      expect((await fetch(url)).status).toBe(500);
      recording.status = 200;
      expect(await (await fetch(url)).text()).toBe('data: {"a":1}\n\n');
    } finally {
      await close(server);
    }
  });

  it('refuses a bad recording or option when created, before it listens', () => {
    const base = parseRecording(GOOD);
    expect(() => createReplayServer({ ...base, status: 99 })).toThrow(RecordingError);
    expect(() => createReplayServer({ ...base, headers: { 'x-a': 'a\r\nb' } })).toThrow(
      'recording: header x-a has a line break',
    );
    expect(() => createReplayServer(base, { chunking: 0 })).toThrow(ReplayOptionError);
    expect(() => createReplayServer(base, { speed: Number.NaN })).toThrow('speed must be a number >= 0');
  });

  it('replays a 204 recording without a body', async () => {
    const server = createReplayServer({ status: 204, headers: { 'x-id': '7' }, chunks: [] }, { speed: 0 });
    const url = await listen(server);
    try {
      const response = await fetch(url);
      expect([response.status, response.headers.get('x-id'), await response.text()]).toEqual([204, '7', '']);
    } finally {
      await close(server);
    }
  });
});

describe('record against a gzip upstream, then replay (item 21)', () => {
  // partialkit's own protocol: two text deltas, then done.
  const BODY = ['{"a":', '[1,2]}']
    .map((text) => encodeProtocolEvent({ type: 'text', text }))
    .concat(encodeProtocolEvent({ type: 'done' }))
    .join('');
  const upstream = createServer((req, res) => {
    req.resume();
    const gz = gzipSync(BODY);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'content-encoding': 'gzip',
      'content-length': String(gz.length),
    });
    // Two writes, so the recording holds more than one chunk of the (decoded) stream.
    res.write(gz.subarray(0, 20));
    setTimeout(() => res.end(gz.subarray(20)), 20);
  });
  afterAll(() => close(upstream));

  it('stores the decoded bytes without content-encoding or content-length, and the replay decodes', async () => {
    const base = await listen(upstream);
    const out = join(dir, 'gzip.rec.jsonl');
    const lines: string[] = [];
    await main(['record', '--url', `${base}/v1/chat`, '--out', out, '--data', '{}'], (l) => lines.push(l));
    expect(lines).toEqual([`partialkit: recorded ${BODY.length} bytes (HTTP 200) to ${out}`]);
    const stored = parseRecording(readFileSync(out));
    expect(stored.headers['content-encoding']).toBeUndefined();
    expect(stored.headers['content-length']).toBeUndefined();
    expect(stored.headers['content-type']).toBe('text/event-stream');
    expect(new TextDecoder().decode(Buffer.concat(stored.chunks.map((c) => c.bytes)))).toBe(BODY);

    const server = await main(['replay', out, '--port', '0', '--speed', '0'], (l) => lines.push(l));
    try {
      const url = /at (http:\/\/\S+)/.exec(lines[1] ?? '')?.[1];
      const response = await fetch(`${url}/v1/chat`, { method: 'POST', body: '{}' });
      expect(response.headers.get('content-encoding')).toBeNull();
      const texts: string[] = [];
      for await (const event of decode(response)) if (event.type === 'text') texts.push(event.text);
      expect(texts.join('')).toBe('{"a":[1,2]}');
    } finally {
      await server?.close();
    }
  });

  it('serves an older recording that still says content-encoding: gzip beside decoded bytes', async () => {
    const old = serializeRecording({
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'content-encoding': 'gzip', 'content-length': '41' },
      chunks: [{ t: 0, bytes: new TextEncoder().encode(BODY) }],
    });
    const server = createReplayServer(old, { speed: 0 });
    const url = await listen(server);
    try {
      expect(await (await fetch(url)).text()).toBe(BODY);
    } finally {
      await close(server);
    }
  });
});
