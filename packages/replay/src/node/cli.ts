import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { ReplayOptionError } from '../errors.ts';
import { record } from './record.ts';
import { createReplayServer, loadRecording } from './replay-server.ts';

const USAGE = `Usage:
  partialkit replay <fixture> [--port 8787] [--host 127.0.0.1] [--speed 1] [--chunking recorded|N]
      Serve a recording (.rec.jsonl) or a plain .sse body as an endpoint that behaves like the provider:
      every request gets the recorded status, headers and bytes, at the recorded pace scaled by --speed
      (0 = as fast as possible). Point an SDK's baseURL at it.
  partialkit record --url <url> --out <file.rec.jsonl> [--header "name: value"]... [--data <json>|@file]
      POST to a real endpoint (put the API key in a --header) and record the streamed response with the
      arrival time of every chunk.`;

/** A numeric flag, refused unless it is a plain decimal number that passes `valid`. */
function flagNumber(flag: string, text: string, expected: string, valid: (n: number) => boolean): number {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!valid(n)) throw new ReplayOptionError(flag, text, expected);
  return n;
}

export async function main(
  argv: string[],
  log: (line: string) => void = console.log,
): Promise<{ close(): Promise<void> } | undefined> {
  const [command, ...rest] = argv;
  if (command === 'replay') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        speed: { type: 'string', default: '1' },
        chunking: { type: 'string', default: 'recorded' },
      },
    });
    const file = positionals[0];
    if (!file) throw new Error(`replay needs a fixture file\n\n${USAGE}`);
    // Every flag and the recording are checked before the server listens: nothing fails on a request.
    const port = flagNumber(
      '--port',
      values.port,
      'a port number from 0 to 65535',
      (n) => Number.isInteger(n) && n <= 65535,
    );
    const speed = flagNumber(
      '--speed',
      values.speed,
      'a number >= 0 (0 = as fast as possible)',
      Number.isFinite,
    );
    const chunking =
      values.chunking === 'recorded'
        ? 'recorded'
        : flagNumber(
            '--chunking',
            values.chunking,
            "'recorded' or a whole number of bytes >= 1",
            (n) => Number.isSafeInteger(n) && n >= 1,
          );
    const recording = await loadRecording(file);
    const server = createReplayServer(recording, { speed, chunking });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, values.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port: bound } = server.address() as AddressInfo;
    log(
      `partialkit: replaying ${file} (${recording.chunks.length} chunks) at http://${values.host}:${bound}`,
    );
    return { close: () => new Promise((r) => server.close(() => r())) };
  }
  if (command === 'record') {
    const { values } = parseArgs({
      args: rest,
      options: {
        url: { type: 'string' },
        out: { type: 'string' },
        header: { type: 'string', multiple: true, default: [] },
        data: { type: 'string' },
      },
    });
    if (!values.url || !values.out) throw new Error(`record needs --url and --out\n\n${USAGE}`);
    const headers = new Headers({ 'content-type': 'application/json' });
    for (const h of values.header) {
      const i = h.indexOf(':');
      if (i < 1) throw new Error(`--header must look like "name: value", got ${h}`);
      headers.set(h.slice(0, i).trim(), h.slice(i + 1).trim());
    }
    const body = values.data?.startsWith('@') ? await readFile(values.data.slice(1), 'utf8') : values.data;
    const response = await fetch(values.url, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      ...(body !== undefined && { body }),
    });
    const recorded = record(response, values.out, { url: values.url });
    let bytes = 0;
    for await (const chunk of recorded.body ?? []) bytes += chunk.length;
    log(`partialkit: recorded ${bytes} bytes (HTTP ${response.status}) to ${values.out}`);
    return undefined;
  }
  log(USAGE);
  return undefined;
}
