import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, fixtureBytes } from '@partialkit/test-utils/fixtures';
import { describe, expect, it } from 'vitest';
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

  it('prints usage for an unknown command', async () => {
    const lines: string[] = [];
    await main(['help'], (l) => lines.push(l));
    expect(lines[0]).toContain('partialkit replay <fixture>');
  });
});
