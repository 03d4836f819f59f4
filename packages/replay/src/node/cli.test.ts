import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, fixtureBytes } from '@partialkit/test-utils/fixtures';
import { describe, expect, it } from 'vitest';
import { ReplayOptionError } from '../errors.ts';
import { parseRecording } from '../recording.ts';
import { main } from './cli.ts';
import { record } from './record.ts';
import { createReplayServer } from './replay-server.ts';

describe('partialkit CLI', () => {
  it('replay serves a fixture that record can capture again, byte for byte', async () => {
    const lines: string[] = [];
    const fixture = join(FIXTURES, 'anthropic-tool-input-json.sse');
    const server = await main(['replay', fixture, '--port', '0', '--speed', '0'], (l) => lines.push(l));
    const url = /at (http:\/\/\S+)/.exec(lines[0]!)![1]!;
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'partialkit-')), 'anthropic.rec.jsonl');
      // the replay server was started with --port 0: find the real port in the log line
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await main(
        [
          'record',
          '--url',
          `${url}/v1/messages`,
          '--out',
          out,
          '--data',
          '{"stream":true}',
          '--header',
          'x-api-key: test',
        ],
        (l) => lines.push(l),
      );
      expect(lines[1]).toBe(`partialkit: recorded 2000 bytes (HTTP 200) to ${out}`);
      const recording = parseRecording(readFileSync(out, 'utf8'));
      expect(recording.url).toBe(`${url}/v1/messages`);
      expect(recording.headers['content-type']).toBe('text/event-stream');
      const bytes = new Uint8Array(Buffer.concat(recording.chunks.map((c) => c.bytes)));
      expect(bytes).toEqual(fixtureBytes('anthropic-tool-input-json.sse'));
      expect(recording.chunks.every((c) => typeof c.t === 'number')).toBe(true);
    } finally {
      await server?.close();
    }
  });

  it('record tees a response without changing it', async () => {
    const server = createReplayServer(parseRecording(fixtureBytes('gemini-sse-text.sse')), { speed: 0 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const upstream = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      let saved = '';
      const teed = record(upstream, undefined, {
        onComplete: (t) => {
          saved = t;
        },
      });
      expect(new Uint8Array(await teed.arrayBuffer())).toEqual(fixtureBytes('gemini-sse-text.sse'));
      expect(parseRecording(saved).chunks.length).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it.each([[[]], [['help']], [['--help']], [['-h']]])('prints usage for %j', async (argv) => {
    const lines: string[] = [];
    await expect(main(argv, (l) => lines.push(l))).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Usage:\n {2}partialkit replay <fixture>/);
  });

  it.each([
    [['replay', 'talk.sse', '--help']],
    [['replay', '-h']],
    [['replay', '--bogus', '1', '--help']],
    [['record', '--url', 'http://127.0.0.1:9', '--help']],
  ])('prints usage for %j, as for partialkit --help (the bin exits 0)', async (argv) => {
    const lines: string[] = [];
    await expect(main(argv, (l) => lines.push(l))).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Usage:\n {2}partialkit replay <fixture>/);
  });

  it('takes --help as a value where a flag needs one, and as the fixture after --', async () => {
    const error = await main(['replay', 'talk.sse', '--speed', '-h'], () => {}).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      '--speed must be a number >= 0 (0 = as fast as possible), got "-h"',
    );
    const missing = await main(['replay', '--port', '0', '--', '--help'], () => {}).catch((e: Error) => e);
    expect((missing as Error).message).toMatch(/^--help: /);
  });

  it('refuses an unknown command (the bin then exits 1), instead of printing usage and exiting 0', async () => {
    const lines: string[] = [];
    const error = await main(['replya', 'talk.rec.jsonl'], (l) => lines.push(l)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^unknown command "replya": expected replay, record or help\n\nUsage:\n {2}partialkit replay <fixture>/,
    );
    expect(lines).toEqual([]);
  });

  it('record stores the URL with its API key redacted (Gemini takes it in the query string)', async () => {
    const upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"candidates":[]}\n\n');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      const path = '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse';
      const out = join(mkdtempSync(join(tmpdir(), 'partialkit-')), 'gemini.rec.jsonl');
      const lines: string[] = [];
      await main(
        ['record', '--url', `${base}${path}&key=AIzaSECRET-KEY-123`, '--out', out, '--data', '{}'],
        (l) => lines.push(l),
      );
      expect(lines).toEqual([`partialkit: recorded 25 bytes (HTTP 200) to ${out}`]);
      const text = readFileSync(out, 'utf8');
      expect(text).not.toContain('AIzaSECRET');
      expect(parseRecording(text).url).toBe(`${base}${path}&key=REDACTED`);
    } finally {
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });

  it('record sends credentials in the URL as Basic authorization (fetch refuses such a URL), and stores neither', async () => {
    const seen: Array<string | undefined> = [];
    const upstream = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {}\n\n');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const port = (upstream.address() as AddressInfo).port;
      const out = join(mkdtempSync(join(tmpdir(), 'partialkit-')), 'basic.rec.jsonl');
      await main(
        ['record', '--url', `http://us%40er:s3cr%3At@127.0.0.1:${port}/v1/chat`, '--out', out],
        () => {},
      );
      expect(seen).toEqual([`Basic ${Buffer.from('us@er:s3cr:t').toString('base64')}`]);
      const text = readFileSync(out, 'utf8');
      expect(text).not.toContain('s3cr');
      expect(parseRecording(text).url).toBe(`http://REDACTED@127.0.0.1:${port}/v1/chat`);
      // An authorization header given wins over the URL's.
      await main(
        [
          'record',
          '--url',
          `http://u:p@127.0.0.1:${port}/`,
          '--out',
          out,
          '--header',
          'authorization: Bearer k',
        ],
        () => {},
      );
      expect(seen[1]).toBe('Bearer k');
      // A `%` that starts no escape is sent as written, as curl does.
      await main(['record', '--url', `http://u:50%off@127.0.0.1:${port}/`, '--out', out], () => {});
      expect(seen[2]).toBe(`Basic ${Buffer.from('u:50%off').toString('base64')}`);
    } finally {
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });

  it('a missing required flag or fixture is a ReplayOptionError naming it', async () => {
    for (const [args, option] of [
      [['record', '--out', 'x.rec.jsonl'], '--url'],
      [['record', '--url', 'http://127.0.0.1:1/'], '--out'],
      [['replay'], 'fixture'],
    ] as const) {
      const error = await main([...args], () => {}).catch((e: unknown) => e);
      expect(error, option).toBeInstanceOf(ReplayOptionError);
      expect(error, option).toMatchObject({ option });
    }
  });
});

const ipv6 = await new Promise<boolean>((resolve) => {
  const probe = createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

describe.runIf(ipv6)('partialkit replay on IPv6', () => {
  it('logs the address for --host ::1 as a URL a client can use (http://[::1]:port)', async () => {
    const lines: string[] = [];
    const fixture = join(FIXTURES, 'gemini-sse-text.sse');
    const server = await main(['replay', fixture, '--port', '0', '--host', '::1', '--speed', '0'], (l) =>
      lines.push(l),
    );
    try {
      const url = /at (http:\/\/\S+)$/.exec(lines[0] ?? '')?.[1] ?? '';
      expect(url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(fixtureBytes('gemini-sse-text.sse'));
    } finally {
      await server?.close();
    }
  });
});
