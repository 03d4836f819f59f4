import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { decode, encodeProtocolEvent, PartialKitError } from '@partialkit/core';
import { ReplayOptionError as PublicReplayOptionError } from '@partialkit/replay';
import { runCli } from '@partialkit/replay/node';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingError, ReplayOptionError } from '../errors.ts';
import { parseRecording, type Recording, serializeRecording } from '../recording.ts';
import { main, reasonOf } from './cli.ts';
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

  // through the public entry points, as a user calls them.
  it('--speed=-1 and --speed -1 (space-separated, as the README writes --speed 2) are the same ReplayOptionError', async () => {
    const joined = await refusal(['replay', good, '--speed=-1', '--port', '0']);
    const spaced = await refusal(['replay', good, '--speed', '-1', '--port', '0']);
    for (const error of [joined, spaced]) {
      expect(error).toBeInstanceOf(PublicReplayOptionError);
      expect(error.message).toBe('--speed must be a number >= 0 (0 = as fast as possible), got "-1"');
      expect([(error as ReplayOptionError).option, (error as ReplayOptionError).value]).toEqual([
        '--speed',
        '-1',
      ]);
      // What bin/partialkit.js prints (then exit 1): the message alone, no stack.
      expect(reasonOf(error)).toBe(error.message);
    }
    await expect(runCli(['replay', good, '--speed', '-1', '--port', '0'])).rejects.toThrow(spaced.message);
  });

  it.each([
    [['--chunking', '-3'], '--chunking must be', '-3'],
    [['--port', '-1'], '--port must be a port number', '-1'],
    [['--speed', '-0.5'], '--speed must be a number >= 0', '-0.5'],
    [['--speed', '-'], '--speed must be a number >= 0', '-'],
  ])("%j: a dash-led value after a space is the flag's value, not a flag", async (flags, message, value) => {
    const error = await refusal(['replay', good, '--port', '0', ...flags]);
    expect(error).toBeInstanceOf(ReplayOptionError);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`got "${value}"`);
  });

  const KNOWN = {
    replay: '--port, --host, --speed, --chunking',
    record: '--url, --out, --header, --data, --timeout',
  };
  it.each([
    ['replay', ['--bogus', '1'], '--bogus'],
    ['replay', ['--bogus=1'], '--bogus'],
    ['replay', ['-p', '0'], '-p'],
    ['replay', ['--constructor', '1'], '--constructor'],
    ['replay', ['--url', 'http://x'], '--url'],
    ['record', ['--url', 'http://127.0.0.1:9', '--out', 'x', '--bogus', '1'], '--bogus'],
    ['record', ['--speed', '2'], '--speed'],
  ] as const)(
    "%s %j: an unknown flag is a ReplayOptionError naming it and the command's flags",
    async (command, flags, flag) => {
      const error = await refusal([command, ...(command === 'replay' ? [good] : []), ...flags]);
      expect(error).toBeInstanceOf(ReplayOptionError);
      expect(error.message).toBe(
        `unknown flag ${flag} for partialkit ${command}: its flags are ${KNOWN[command]}`,
      );
      expect((error as ReplayOptionError).option).toBe(flag);
      expect(reasonOf(error)).toBe(error.message);
    },
  );

  it.each([
    ['replay', ['--port', '0', '--speed'], '--speed needs a value: a number >= 0 (0 = as fast as possible)'],
    ['replay', ['--speed', '--port', '0'], '--speed needs a value: a number >= 0 (0 = as fast as possible)'],
    ['replay', ['--port'], '--port needs a value: a port number from 0 to 65535'],
    [
      'record',
      ['--url', 'http://127.0.0.1:9', '--out'],
      '--out needs a value: the file to write the recording to',
    ],
  ])('%s %j: a flag without its value is a ReplayOptionError naming it', async (command, flags, message) => {
    const error = await refusal([command, ...(command === 'replay' ? [good] : []), ...flags]);
    expect(error).toBeInstanceOf(ReplayOptionError);
    expect(error.message).toBe(message);
  });

  it.each([
    [
      ['--header', 'authorization:', 'Bearer', 'sk-1'],
      'partialkit record takes no argument, got 2 stray words: quote a header with spaces, --header "name: value"',
    ],
    [['--header', 'sk-secret'], '--header must be a header as "name: value", got no colon'],
    [['--header', 'bad name: sk-secret'], '--header must be a header as "name: value", got "bad name: …"'],
    [['--header', ': sk-secret'], '--header must be a header as "name: value", got ": …"'],
    [
      ['--header', 'x-api-key: sk-\nsecret'],
      '--header must be a header as "name: value", got "x-api-key: …"',
    ],
  ])(
    'record %j: a header it cannot send is a ReplayOptionError before any request, never showing a key',
    async (flags, message) => {
      const error = await refusal(['record', '--url', 'http://127.0.0.1:9', '--out', 'x', ...flags]);
      expect(error).toBeInstanceOf(ReplayOptionError);
      expect(error.message).toBe(message);
      // What console.error prints: the message and the error's own fields.
      expect(inspect(error)).not.toMatch(/sk-/);
    },
  );

  // `partialkit replay talk.sse 9000` (the --port forgotten)
  // served on the default port; `partialkit record` refuses the same stray word.
  it.each([
    ['9000', 'partialkit replay takes one fixture, not also "9000": a port is given as --port 9000'],
    ['other.sse', 'partialkit replay takes one fixture, not also "other.sse"'],
  ])('refuses a stray argument %j after the fixture instead of ignoring it', async (stray, message) => {
    const error = await refusal(['replay', good, stray, '--port', '0']);
    expect(error).toBeInstanceOf(ReplayOptionError);
    expect(error.message).toBe(message);
    expect((error as ReplayOptionError).value).toBe(stray);
  });

  // A --host or --port it cannot listen on printed only the system error (`getaddrinfo ENOTFOUND
  // localhos`, `listen EADDRINUSE: … 127.0.0.1:8787`): no flag named, and not from partialkit.
  it.each([
    [
      'no-such-host.invalid',
      /^--host "no-such-host\.invalid": cannot listen on it \(getaddrinfo E[A-Z_]+ no-such-host\.invalid\)$/,
    ],
    ['192.0.2.1', /^--host "192\.0\.2\.1": cannot listen on it \(listen EADDRNOTAVAIL: .+\)$/],
  ])(
    'a --host %j it cannot listen on is a ReplayOptionError naming --host and why',
    async (host, message) => {
      const error = await refusal(['replay', good, '--port', '0', '--host', host]);
      expect(error).toBeInstanceOf(ReplayOptionError);
      expect(error.message).toMatch(message);
      expect([(error as ReplayOptionError).option, (error as ReplayOptionError).value]).toEqual([
        '--host',
        host,
      ]);
      expect(reasonOf(error)).toBe(error.message);
    },
  );

  it('a --port already in use is a ReplayOptionError naming --port and why', async () => {
    const busy = createServer();
    const port = new URL(await listen(busy)).port;
    try {
      const error = await refusal(['replay', good, '--port', port]);
      expect(error).toBeInstanceOf(ReplayOptionError);
      expect(error.message).toBe(
        `--port ${port}: cannot listen on it (listen EADDRINUSE: address already in use 127.0.0.1:${port}): pick another, or --port 0 for any free one`,
      );
      expect([(error as ReplayOptionError).option, (error as ReplayOptionError).value]).toEqual([
        '--port',
        port,
      ]);
    } finally {
      await close(busy);
    }
  });

  it.each([[['--host=']], [['--host', '']], [['--host', '  ']]])(
    '%j (as --host "$HOST" with HOST unset) is a ReplayOptionError, not a listen on every interface',
    async (flags) => {
      const error = await refusal(['replay', good, '--port', '0', ...flags]);
      expect(error).toBeInstanceOf(ReplayOptionError);
      const host = flags.length === 1 ? '' : (flags[1] as string);
      expect([(error as ReplayOptionError).option, (error as ReplayOptionError).value]).toEqual([
        '--host',
        host,
      ]);
      expect(error.message).toBe(
        `--host must be a host name or IP address to listen on, got ${JSON.stringify(host)}: for every interface, give --host 0.0.0.0 (or ::)`,
      );
    },
  );

  it.each(['.5', '5.', '1e3', '2.5E-1', '0', '0.0', '0e5'])(
    '--speed %s, a plain number >= 0, is accepted',
    async (speed) => {
      const lines: string[] = [];
      const server = await main(['replay', good, '--port', '0', '--speed', speed], (l) => lines.push(l));
      await server?.close();
      expect(lines).toEqual([
        expect.stringMatching(/^partialkit: replaying .+ at http:\/\/127\.0\.0\.1:\d+$/),
      ]);
    },
  );

  // `1e-400` and `0.1e-999` are 0 as numbers (as fast as possible): the opposite of what they ask for.
  it.each(['0x10', 'Infinity', '1e400', '', 'NaN', '-1e3', '+1', '1e', '.', '1_000', '1e-400', '0.1e-999'])(
    '--speed %j is refused as no number >= 0',
    async (speed) => {
      const error = await refusal(['replay', good, '--port', '0', `--speed=${speed}`]);
      expect(error).toBeInstanceOf(ReplayOptionError);
      expect(error.message).toBe(
        `--speed must be a number >= 0 (0 = as fast as possible), got ${JSON.stringify(speed)}`,
      );
    },
  );

  it('a value after --flag= or after -- is left to the command (--speed=--1 is refused as a speed)', async () => {
    const error = await refusal(['replay', good, '--port', '0', '--speed=--1']);
    expect(error.message).toBe('--speed must be a number >= 0 (0 = as fast as possible), got "--1"');
    const server = await main(['replay', '--port', '0', '--', good], () => {});
    await server?.close();
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
    ['version.rec.jsonl', { version: 2 }, 'line 1: recording version 2 is not supported (only the number 1)'],
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
    ['cut short inside the header line', `${GOOD.split('\n')[0]?.slice(0, 40)}`],
    [
      'a header line with a trailing comma',
      `${GOOD.split('\n')[0]?.replace(/}$/, ',}')}\n${GOOD.split('\n')[1]}\n`,
    ],
  ])('%s: refused as line 1, not served as a text/plain body', async (name, text) => {
    const path = file(`${name.replaceAll(' ', '-')}.rec.jsonl`, text);
    const error = await refusal(['replay', path, '--port', '0']);
    expect(error).toBeInstanceOf(RecordingError);
    expect(error.message).toMatch(/ line 1: the recording header is not valid JSON \(.+\)$/);
    expect(error.message.startsWith(`${path} line 1: `)).toBe(true);
    expect([(error as RecordingError).source, (error as RecordingError).line]).toEqual([path, 1]);
  });

  it('a first line that is broken JSON but no recording header is still a plain body', () => {
    const body = parseRecording('{"type":"message",\n"more": 1}\n');
    expect([body.headers['content-type'], body.chunks.length]).toEqual(['text/plain; charset=utf-8', 1]);
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

  it('serves a recording with --chunking 1099511627776 (2 ** 40), instead of dropping the connection', async () => {
    const path = file('two-events.sse', 'data: 1\n\ndata: 2\n\n');
    const lines: string[] = [];
    const server = await main(
      ['replay', path, '--port', '0', '--speed', '0', '--chunking', String(2 ** 40)],
      (l) => lines.push(l),
    );
    try {
      const url = /at (http:\/\/\S+)$/.exec(lines[0] ?? '')?.[1];
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(5000),
      });
      expect(response.status).toBe(200);
      // It failed after the 200 and its headers: `new Uint8Array(2 ** 40)`, then `TypeError: terminated`.
      expect(await response.text()).toBe('data: 1\n\ndata: 2\n\n');
    } finally {
      await server?.close();
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

describe('record: the request it makes', () => {
  const seen: string[] = [];
  const upstream = createServer((req, res) => {
    seen.push(`${req.method} ${req.headers['content-type'] ?? 'no content-type'}`);
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('{}');
  });
  afterAll(() => close(upstream));

  it('a GET (no --data) declares no JSON body; --data posts JSON unless --header names another type', async () => {
    const base = await listen(upstream);
    const out = join(dir, 'request.rec.jsonl');
    await main(['record', '--url', base, '--out', out], () => {});
    await main(['record', '--url', base, '--out', out, '--data', '{}'], () => {});
    await main(
      ['record', '--url', base, '--out', out, '--data', 'a=1', '--header', 'content-type: text/plain'],
      () => {},
    );
    expect(seen).toEqual(['GET no content-type', 'POST application/json', 'POST text/plain']);
  });

  it('a 307 or 308 is followed with the same method and body; the authorization stays on its origin', async () => {
    const seen: string[] = [];
    const other = createServer((req, res) => {
      req.resume();
      seen.push(`other ${req.method} ${req.headers.authorization ?? 'no authorization'}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":2}');
    });
    const otherBase = await listen(other);
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        seen.push(`${req.url} ${req.method} ${data} ${req.headers.authorization ?? 'no authorization'}`);
        if (req.url === '/v1') res.writeHead(308, { location: '/v1/' }).end();
        else if (req.url === '/v1/') res.writeHead(307, { location: `${otherBase}/final` }).end();
      });
    });
    const base = await listen(server);
    try {
      const out = join(dir, 'followed.rec.jsonl');
      await main(
        [
          'record',
          '--url',
          `${base}/v1`,
          '--out',
          out,
          '--data',
          '{"q":1}',
          '--header',
          'authorization: Bearer k',
        ],
        () => {},
      );
      expect(seen).toEqual([
        '/v1 POST {"q":1} Bearer k',
        '/v1/ POST {"q":1} Bearer k',
        'other POST no authorization',
      ]);
      const recording = parseRecording(readFileSync(out));
      expect([recording.status, new TextDecoder().decode(recording.chunks[0]?.bytes)]).toEqual([
        200,
        '{"ok":2}',
      ]);
    } finally {
      await close(server);
      await close(other);
    }
  });

  it('a repeated --header sends each value; a redirect is recorded as it came, not followed', async () => {
    const got: Array<string | string[] | undefined> = [];
    const server = createServer((req, res) => {
      req.resume();
      got.push(req.headers['anthropic-beta'], req.url);
      if (req.url === '/elsewhere') res.writeHead(200).end('{}');
      else {
        res.setHeader('__proto__', 'kept');
        res.writeHead(302, { location: '/elsewhere' }).end();
      }
    });
    const base = await listen(server);
    try {
      const out = join(dir, 'redirect.rec.jsonl');
      const code = await main(
        [
          'record',
          '--url',
          base,
          '--out',
          out,
          '--data',
          '{}',
          '--header',
          'anthropic-beta: a',
          '--header',
          'anthropic-beta: b',
        ],
        () => {},
      ).then(
        () => 0,
        () => 1,
      );
      expect(got).toEqual(['a, b', '/']);
      const recording = parseRecording(readFileSync(out));
      expect([recording.status, recording.headers.location]).toEqual([302, '/elsewhere']);
      expect(Object.entries(recording.headers)).toContainEqual(['__proto__', 'kept']);
      expect(code).toBe(1); // not 2xx: recorded, and the command fails
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

  /** A raw GET (node:http decodes nothing): the status, the content-encoding and the bytes as sent. */
  const rawGet = (url: string) =>
    new Promise<[number | undefined, string | undefined, Buffer]>((resolve, reject) => {
      get(url, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => resolve([res.statusCode, res.headers['content-encoding'], Buffer.concat(parts)]));
      }).on('error', reject);
    });

  it.each([
    ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x02, 0x03])],
    ['gzip', gzipSync(BODY)],
    ['compress', Buffer.from('LZW bytes')],
  ])('serves a recording whose bytes are still in %s with its content-encoding', async (coding, bytes) => {
    const server = createReplayServer(
      {
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'content-encoding': coding },
        chunks: [{ t: 0, bytes }],
      },
      { speed: 0 },
    );
    const url = await listen(server);
    try {
      expect(await rawGet(url)).toEqual([200, coding, bytes]);
    } finally {
      await close(server);
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

describe('partialkit errors name what failed, where and why', () => {
  /** A port nothing listens on: bind one, then close it. */
  async function closedPort(): Promise<number> {
    const probe = createServer();
    const url = await listen(probe);
    await close(probe);
    return Number(new URL(url).port);
  }

  it('an unreachable upstream: the URL (its key redacted) and the reason, not only "fetch failed"', async () => {
    const port = await closedPort();
    const out = join(dir, 'unreachable.rec.jsonl');
    const url = `http://127.0.0.1:${port}/v1/chat?key=SECRET`;
    const error = await main(['record', '--url', url, '--out', out, '--data', '{}'], () => {}).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toBe(
      `record: http://127.0.0.1:${port}/v1/chat?key=REDACTED: fetch failed: connect ECONNREFUSED 127.0.0.1:${port} (nothing written to ${out})`,
    );
    // No cause: undici's message may hold the raw URL, key and all.
    expect((error as Error).cause).toBeUndefined();
    expect(existsSync(out)).toBe(false);
  });

  it('a URL fetch cannot parse: the error names it with its key redacted, and never the key', async () => {
    const out = join(dir, 'unparsed.rec.jsonl');
    // "$GEMINI_BASE/…" with GEMINI_BASE unset
    const url = '/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=AIzaSECRET';
    const error = await main(['record', '--url', url, '--out', out, '--data', '{}'], () => {}).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('key=REDACTED');
    expect(reasonOf(error)).not.toContain('AIzaSECRET'); // what bin/partialkit.js prints
  });

  it('an upstream that drops mid-stream: says so, with the URL, the bytes read and that nothing was written', async () => {
    const upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.destroy(), 20);
    });
    const base = await listen(upstream);
    const out = join(dir, 'dropped.rec.jsonl');
    try {
      const error = await main(
        ['record', '--url', `${base}/v1`, '--out', out, '--data', '{}'],
        () => {},
      ).catch((e: Error) => e);
      expect((error as Error).message).toBe(
        `record: ${base}/v1: the response broke off after 9 bytes: terminated: other side closed (nothing written to ${out})`,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      await close(upstream);
    }
  });

  it('an upstream that never answers, or goes silent mid-stream, fails after --timeout, nothing written', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const upstream = createServer((req, res) => {
      req.resume();
      if (req.url === '/silent') return; // takes the request, never answers
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n'); // then nothing more, connection open
    });
    upstream.on('connection', (socket) => sockets.add(socket));
    const base = await listen(upstream);
    try {
      const silent = join(dir, 'silent.rec.jsonl');
      const started = Date.now();
      const never = await main(
        ['record', '--url', `${base}/silent`, '--out', silent, '--timeout', '0.2'],
        () => {},
      ).catch((e: Error) => e);
      expect((never as Error).message).toBe(
        `record: ${base}/silent: no byte for 0.2 s (--timeout) (nothing written to ${silent})`,
      );
      const stalled = join(dir, 'stalled.rec.jsonl');
      const stall = await main(
        ['record', '--url', `${base}/stall`, '--out', stalled, '--timeout=0.2'],
        () => {},
      ).catch((e: Error) => e);
      expect((stall as Error).message).toBe(
        `record: ${base}/stall: the response broke off after 9 bytes: no byte for 0.2 s (--timeout) (nothing written to ${stalled})`,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(existsSync(silent)).toBe(false);
      expect(existsSync(stalled)).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(upstream);
    }
  });

  it('--timeout takes seconds >= 0 and nothing else', async () => {
    for (const bad of ['-1', 'abc', 'Infinity', '']) {
      const error = await main(
        ['record', '--url', 'http://127.0.0.1:9/', '--out', join(dir, 'never.rec.jsonl'), `--timeout=${bad}`],
        () => {},
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReplayOptionError);
      expect((error as Error).message).toBe(
        `--timeout must be a number of seconds >= 0 (0 = no limit), got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('a response that is not 2xx is recorded, and the command fails saying so', async () => {
    const upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"Incorrect API key"}}');
    });
    const base = await listen(upstream);
    const out = join(dir, 'unauthorized.rec.jsonl');
    try {
      const lines: string[] = [];
      const error = await main(['record', '--url', `${base}/v1`, '--out', out, '--data', '{}'], (l) =>
        lines.push(l),
      ).catch((e: Error) => e);
      expect((error as Error).message).toBe(
        `record: ${base}/v1 answered HTTP 401, not a 2xx; its response is recorded in ${out}`,
      );
      expect(lines).toEqual([`partialkit: recorded 41 bytes (HTTP 401) to ${out}`]);
      const recording = parseRecording(readFileSync(out, 'utf8'));
      expect(recording.status).toBe(401);
    } finally {
      await close(upstream);
    }
  });

  it('an --out that cannot be written, and a --data @file that cannot be read, are named', async () => {
    const upstream = createServer((req, res) => {
      req.resume();
      res.end('data: 1\n\n');
    });
    const base = await listen(upstream);
    try {
      const out = join(dir, 'no-such-dir', 'x.rec.jsonl');
      const write = await main(['record', '--url', base, '--out', out], () => {}).catch((e: Error) => e);
      expect((write as Error).message).toBe(
        `record: cannot write ${out} (ENOENT: no such file or directory, open '${out}')`,
      );
      const data = await main(
        ['record', '--url', base, '--out', join(dir, 'y.rec.jsonl'), '--data', `@${dir}`],
        () => {},
      ).catch((e: Error) => e);
      expect((data as Error).message).toBe(
        `--data @${dir}: cannot read the file (EISDIR: illegal operation on a directory, read)`,
      );
    } finally {
      await close(upstream);
    }
  });

  it('replay of a directory or a missing file: a RecordingError naming it, the system error as cause', async () => {
    const directory = await refusal(['replay', dir, '--port', '0']);
    expect(directory).toBeInstanceOf(RecordingError);
    expect(directory.message).toBe(`${dir}: cannot be read (EISDIR: illegal operation on a directory, read)`);
    expect([(directory as RecordingError).source, (directory.cause as NodeJS.ErrnoException).code]).toEqual([
      dir,
      'EISDIR',
    ]);
    const missing = join(dir, 'missing.rec.jsonl');
    expect((await refusal(['replay', missing, '--port', '0'])).message).toBe(
      `${missing}: cannot be read (ENOENT: no such file or directory, open '${missing}')`,
    );
  });

  it('an error kept in a cause is told with it, once', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:1'), { code: 'ECONNREFUSED' });
    const happyEyeballs = new AggregateError([refused, new Error('connect ECONNREFUSED 127.0.0.1:1')], '');
    expect(reasonOf(new TypeError('fetch failed', { cause: happyEyeballs }))).toBe(
      'fetch failed: connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1',
    );
    const wrapped = new Error(
      `record: u: ${reasonOf(new TypeError('terminated', { cause: new Error('other side closed') }))}`,
      {
        cause: new TypeError('terminated', { cause: new Error('other side closed') }),
      },
    );
    expect(reasonOf(wrapped)).toBe('record: u: terminated: other side closed');
    expect(reasonOf('a string')).toBe('a string');
  });
});
