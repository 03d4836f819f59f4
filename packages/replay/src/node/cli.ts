import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { ReplayOptionError } from '../errors.ts';
import { record, redactUrl } from './record.ts';
import { createReplayServer, loadRecording } from './replay-server.ts';

const USAGE = `Usage:
  partialkit replay <fixture> [--port 8787] [--host 127.0.0.1] [--speed 1] [--chunking recorded|N]
      Serve a recording (.rec.jsonl) or a plain .sse body as an endpoint that behaves like the provider:
      every request gets the recorded status, headers and bytes, at the recorded pace scaled by --speed
      (0 = as fast as possible). Point an SDK's baseURL at it.
  partialkit record --url <url> --out <file.rec.jsonl> [--header "name: value"]... [--data <json>|@file]
                    [--timeout 120]
      POST --data (or GET, without it) to a real endpoint (put the API key in a --header) and record the
      streamed response with the arrival time of every chunk. It fails after --timeout seconds without a
      byte (0 = no limit); a response that is not 2xx is recorded, and the command exits 1.`;

/** What prints the usage (and exits 0); any other command is an error, so a typo fails a script. */
const HELP = new Set(['help', '--help', '-h']);

/**
 * A numeric flag, refused unless it is a plain unsigned decimal number (`2`, `0.5`, `.5`, `5.`, `1e3`,
 * `2.5E-1`: not hex, `Infinity` or a sign) that passes `valid`.
 */
function flagNumber(flag: string, text: string, expected: string, valid: (n: number) => boolean): number {
  const n = /^\s*(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
  if (!valid(n)) throw new ReplayOptionError(flag, text, expected);
  return n;
}

/** Each command's flags (all take a value) and what the value must be, as its errors say. */
const REPLAY_FLAGS = {
  port: 'a port number from 0 to 65535',
  host: 'a host name or IP address to listen on',
  speed: 'a number >= 0 (0 = as fast as possible)',
  chunking: "'recorded' or a whole number of bytes >= 1",
};
const RECORD_FLAGS = {
  url: 'the URL to record',
  out: 'the file to write the recording to',
  header: 'a header as "name: value"',
  data: 'the JSON body to POST, or @file',
  timeout: 'a number of seconds >= 0 (0 = no limit)',
};

/** The longest wait `--timeout` may ask for: a timer's range, 2^31 − 1 ms. */
const MAX_TIMEOUT_S = (2 ** 31 - 1) / 1000;

/**
 * Whether `args` ask for the usage: `--help` or `-h` where a flag may stand (not as a flag's value, nor
 * after `--`), so `partialkit replay talk.sse --help` prints it as `partialkit --help` does.
 */
function asksForHelp(args: string[], flags: Record<string, string>): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
    // A known flag given with a space: the next word is its value.
    if (arg.startsWith('--') && !arg.includes('=') && Object.hasOwn(flags, arg.slice(2))) i++;
  }
  return false;
}

/**
 * `args` with every flag joined to the value after it (`--speed -1` → `--speed=-1`), for `parseArgs`:
 * it refuses a dash-led value given with a space as "ambiguous" and an unknown flag with a bare
 * TypeError, where the README promises a `ReplayOptionError` naming the flag (and what it takes).
 * A value that starts with `--` is taken for the next flag, so it is given as `--flag=--value`.
 */
function joinFlagValues(command: string, args: string[], flags: Record<string, string>): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      joined.push(...args.slice(i)); // what follows is positional
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      joined.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const name = flag.slice(2);
    // Own keys only: `--constructor` is no flag.
    const expected = flag.startsWith('--') && Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (expected === undefined) {
      const known = Object.keys(flags).map((f) => `--${f}`);
      throw new ReplayOptionError(
        flag,
        eq === -1 ? undefined : arg.slice(eq + 1),
        `one of ${known.join(', ')}`,
        `unknown flag ${flag} for partialkit ${command}: its flags are ${known.join(', ')}`,
      );
    }
    if (eq !== -1) {
      joined.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) {
      throw new ReplayOptionError(flag, undefined, expected, `${flag} needs a value: ${expected}`);
    }
    joined.push(`${flag}=${value}`);
    i++;
  }
  return joined;
}

/**
 * A `listen` failure as the flag behind it: a host that does not resolve or is not this machine's
 * (ENOTFOUND, EAI_AGAIN, EAI_FAIL, EADDRNOTAVAIL) is --host's, a port taken or not allowed (EADDRINUSE, EACCES) is
 * --port's; the system error says only `listen EADDRINUSE … 127.0.0.1:8787`, not which flag to change.
 */
function listenError(error: unknown, host: string, port: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = reasonOf(error);
  if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN' || code === 'EAI_FAIL')
    return new ReplayOptionError(
      '--host',
      host,
      REPLAY_FLAGS.host,
      `--host ${JSON.stringify(host)}: cannot listen on it (${reason})`,
    );
  if (code === 'EADDRINUSE' || code === 'EACCES')
    return new ReplayOptionError(
      '--port',
      port,
      REPLAY_FLAGS.port,
      `--port ${port}: cannot listen on it (${reason})${code === 'EADDRINUSE' ? ': pick another, or --port 0 for any free one' : ''}`,
    );
  return error;
}

/** The host as a URL needs it: an IPv6 address in brackets (`http://[::1]:8787`), a zone's `%` escaped. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host.replaceAll('%', '%25')}]` : host;
}

/**
 * An error's message with those of its causes: undici says only `fetch failed` or `terminated`, and keeps
 * the reason (`connect ECONNREFUSED 127.0.0.1:8787`, `other side closed`) in `cause`.
 */
export function reasonOf(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e !== undefined && depth < 5; depth++) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    // Happy eyeballs fails with an AggregateError whose own message is empty.
    const message = e.message || (e instanceof AggregateError ? e.errors.map(reasonOf).join('; ') : e.name);
    // A cause already told in a message before it (as in our own wrapping errors) is not told again.
    if (message && !parts.some((part) => part.includes(message))) parts.push(message);
    e = e.cause;
  }
  return parts.join(': ');
}

async function readData(data: string | undefined): Promise<string | undefined> {
  if (!data?.startsWith('@')) return data;
  try {
    return await readFile(data.slice(1), 'utf8');
  } catch (error) {
    throw new Error(`--data ${data}: cannot read the file (${reasonOf(error)})`, { cause: error });
  }
}

export async function main(
  argv: string[],
  log: (line: string) => void = console.log,
): Promise<{ close(): Promise<void> } | undefined> {
  const [command, ...rest] = argv;
  if (command === 'replay') {
    if (asksForHelp(rest, REPLAY_FLAGS)) {
      log(USAGE);
      return undefined;
    }
    const { values, positionals } = parseArgs({
      args: joinFlagValues('replay', rest, REPLAY_FLAGS),
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        speed: { type: 'string', default: '1' },
        chunking: { type: 'string', default: 'recorded' },
      },
    });
    const [file, stray] = positionals;
    if (!file)
      throw new ReplayOptionError('fixture', undefined, 'a file', `replay needs a fixture file\n\n${USAGE}`);
    // `partialkit replay talk.sse 9000` (the --port forgotten) would serve on the default port.
    if (stray !== undefined) {
      throw new ReplayOptionError(
        stray,
        stray,
        'a flag',
        `partialkit replay takes one fixture, not also ${JSON.stringify(stray)}${/^\d+$/.test(stray) ? `: a port is given as --port ${stray}` : ''}`,
      );
    }
    // Every flag and the recording are checked before the server listens: nothing fails on a request.
    const port = flagNumber(
      '--port',
      values.port,
      REPLAY_FLAGS.port,
      (n) => Number.isInteger(n) && n <= 65535,
    );
    const speed = flagNumber(
      '--speed',
      values.speed,
      REPLAY_FLAGS.speed,
      // `1e-400` is 0 as a number, "as fast as possible": the opposite of the slow pace it asks for.
      (n) => Number.isFinite(n) && (n > 0 || !/[1-9]/.test(values.speed.split(/e/i)[0]!)),
    );
    // `--host "$HOST"` with HOST unset: listen() takes '' for every interface, logged as http://:8787.
    if (!values.host.trim()) {
      throw new ReplayOptionError(
        '--host',
        values.host,
        REPLAY_FLAGS.host,
        `--host must be ${REPLAY_FLAGS.host}, got ${JSON.stringify(values.host)}: for every interface, give --host 0.0.0.0 (or ::)`,
      );
    }
    const chunking =
      values.chunking === 'recorded'
        ? 'recorded'
        : flagNumber(
            '--chunking',
            values.chunking,
            REPLAY_FLAGS.chunking,
            (n) => Number.isSafeInteger(n) && n >= 1,
          );
    const recording = await loadRecording(file);
    const server = createReplayServer(recording, { speed, chunking });
    await new Promise<void>((resolve, reject) => {
      const refuse = (error: unknown) => reject(listenError(error, values.host, values.port));
      server.once('error', refuse);
      server.listen(port, values.host, () => {
        server.off('error', refuse);
        resolve();
      });
    });
    const { port: bound } = server.address() as AddressInfo;
    log(
      `partialkit: replaying ${file} (${recording.chunks.length} chunks) at http://${urlHost(values.host)}:${bound}`,
    );
    return { close: () => new Promise((r) => server.close(() => r())) };
  }
  if (command === 'record') {
    if (asksForHelp(rest, RECORD_FLAGS)) {
      log(USAGE);
      return undefined;
    }
    const { values, positionals } = parseArgs({
      args: joinFlagValues('record', rest, RECORD_FLAGS),
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        out: { type: 'string' },
        header: { type: 'string', multiple: true, default: [] },
        data: { type: 'string' },
        timeout: { type: 'string', default: '120' },
      },
    });
    // `--header authorization: Bearer sk-…` unquoted leaves `Bearer` and the key as stray words: the
    // error counts them, never shows them (CI logs are shared).
    if (positionals.length) {
      const words = positionals.length === 1 ? 'a stray word' : `${positionals.length} stray words`;
      throw new ReplayOptionError(
        'argument',
        undefined,
        'a flag',
        `partialkit record takes no argument, got ${words}: quote a header with spaces, --header "name: value"`,
      );
    }
    if (!values.url || !values.out) {
      const missing = values.url ? '--out' : '--url';
      throw new ReplayOptionError(missing, undefined, 'a value', `record needs --url and --out\n\n${USAGE}`);
    }
    const timeout = flagNumber('--timeout', values.timeout, RECORD_FLAGS.timeout, (n) => n >= 0);
    const headers = new Headers();
    for (const h of values.header) {
      const i = h.indexOf(':');
      try {
        if (i < 1) throw new TypeError('no name before a colon');
        // Repeated, a header has each value (`anthropic-beta`), as curl sends them.
        headers.append(h.slice(0, i).trim(), h.slice(i + 1).trim());
      } catch {
        // Headers refuses a name that is no HTTP token, or a line break in the value, with a bare TypeError.
        // Only the name is shown: the value is likely a key.
        const shown = i < 0 ? undefined : `${h.slice(0, i)}: …`;
        throw new ReplayOptionError(
          '--header',
          shown,
          RECORD_FLAGS.header,
          `--header must be a header as "name: value", got ${shown === undefined ? 'no colon' : JSON.stringify(shown)}`,
        );
      }
    }
    // fetch refuses a URL with credentials in it: they go as Basic authorization, as curl sends them
    // (unless --header gave one), and the URL without them is requested.
    let target: string | URL = values.url;
    try {
      target = new URL(values.url);
    } catch {} // fetch refuses it below, in the error that names the URL redacted
    if (target instanceof URL && (target.username || target.password)) {
      if (!headers.has('authorization')) {
        const pair = `${decoded(target.username)}:${decoded(target.password)}`;
        headers.set('authorization', `Basic ${Buffer.from(pair).toString('base64')}`);
      }
      target.username = '';
      target.password = '';
    }
    const body = await readData(values.data);
    // A GET (no --data) declares no body.
    if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    // Errors name the URL with its credentials redacted, as the recording does: CI logs are shared too.
    const shown = redactUrl(values.url);
    // An endpoint that takes the connection and never answers, or stops sending, fails the recording
    // after `--timeout` seconds without a byte, instead of hanging a fixture script.
    const idle = new AbortController();
    const silence = () => `no byte for ${timeout} s (--timeout)`;
    let timer: NodeJS.Timeout | undefined;
    const wait = () => {
      clearTimeout(timer);
      if (timeout > 0)
        timer = setTimeout(() => idle.abort(new Error(silence())), Math.min(timeout, MAX_TIMEOUT_S) * 1000);
    };
    wait();
    let response: Response;
    try {
      response = await fetchFollowing(target, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        signal: idle.signal,
        ...(body !== undefined && { body }),
      });
    } catch (error) {
      clearTimeout(timer);
      // undici repeats a URL it cannot parse in its message: the raw one, key and all. The cause is
      // left out for the same reason; its reason, redacted, is in the message.
      const reason = idle.signal.aborted ? silence() : reasonOf(error).replaceAll(values.url, shown);
      throw new Error(`record: ${shown}: ${reason} (nothing written to ${values.out})`);
    }
    // The text is written here, not by record(), so a failed write is not taken for a failed upstream.
    let text = '';
    const recorded = record(response, undefined, {
      url: values.url,
      onComplete: (t) => {
        text = t;
      },
    });
    let bytes = 0;
    try {
      for await (const chunk of recorded.body ?? []) {
        bytes += chunk.length;
        wait();
      }
      await recorded.saved;
    } catch (error) {
      const reason = idle.signal.aborted ? silence() : reasonOf(error).replaceAll(values.url, shown);
      throw new Error(
        `record: ${shown}: the response broke off after ${bytes} bytes: ${reason} (nothing written to ${values.out})`,
      );
    } finally {
      clearTimeout(timer);
    }
    try {
      await writeFile(values.out, text);
    } catch (error) {
      throw new Error(`record: cannot write ${values.out} (${reasonOf(error)})`, { cause: error });
    }
    log(`partialkit: recorded ${bytes} bytes (HTTP ${response.status}) to ${values.out}`);
    // Recorded all the same (an error response is worth replaying), but a fixture script must not take a
    // 401 from an expired key for a recording of the answer.
    if (!response.ok)
      throw new Error(
        `record: ${shown} answered HTTP ${response.status}, not a 2xx` +
          `${response.headers.has('location') ? ` (location: ${redactUrl(response.headers.get('location')!)})` : ''}` +
          `; its response is recorded in ${values.out}`,
      );
    return undefined;
  }
  if (command === undefined || HELP.has(command)) {
    log(USAGE);
    return undefined;
  }
  throw new Error(`unknown command ${JSON.stringify(command)}: expected replay, record or help\n\n${USAGE}`);
}

/** Redirects followed by `record`, at most. */
const MAX_REDIRECTS = 5;

/**
 * fetch, following the redirects that keep the method and body (307, 308: http to https, a trailing
 * slash); a 301, 302 or 303 is answered as it came, since following it would turn a POST into a GET of
 * another URL. The authorization is not sent to another origin, as fetch's own redirects do.
 */
async function fetchFollowing(
  url: string | URL,
  init: RequestInit & { headers: Headers },
): Promise<Response> {
  let target = url;
  for (let hops = 0; ; hops++) {
    const response = await fetch(target, { ...init, redirect: 'manual' });
    const location = response.headers.get('location');
    if ((response.status !== 307 && response.status !== 308) || !location || hops === MAX_REDIRECTS)
      return response;
    await response.body?.cancel();
    const next = new URL(location, target);
    if (next.origin !== new URL(target).origin) init.headers.delete('authorization');
    target = next;
  }
}

/** A URL's user or password as written (a `%` that starts no escape, as in `50%off`, stays itself). */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
