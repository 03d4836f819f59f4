import { PartialKitError, type ProtocolEvent, ProviderError } from '@partialkit/core';
import {
  endsAfter,
  isLast,
  type ResumeStore,
  type StreamEntry,
  type StreamRead,
  startOf,
} from '../resume/resume-store.ts';
import { type Entries, LiveReader } from './live-reader.ts';

/**
 * The part of a node-redis client (`redis` v4 or v5: `createClient()`) this store uses. Structural, so
 * `@partialkit/server/redis` imports nothing from `redis` and nobody else installs it.
 */
export interface RedisClient {
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): RedisClient;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** Used on the connections the store opens: `'error'` (without a listener, a drop kills the process) and `'ready'`. */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  /** Closes at once, rejecting pending commands (v5); `disconnect` in v4. */
  destroy?(): unknown;
  disconnect?(): Promise<unknown>;
}

export interface RedisResumeStoreOptions {
  /**
   * A connected node-redis client. The store opens two duplicates of it: one for the cancel
   * subscription, one that all the reads following running streams share (one `XREAD BLOCK`).
   */
  client: RedisClient;
  /** Key prefix (default `partialkit:`). */
  prefix?: string | undefined;
  /** How long an ended stream stays resumable, in seconds (default 600). */
  ttlSeconds?: number | undefined;
  /** How long a stream may run before its keys expire anyway, in seconds (default 3600). */
  maxRunSeconds?: number | undefined;
  /** How long a follower blocks on XREAD before it checks that the stream still exists (default 1000 ms). */
  blockMs?: number | undefined;
  /**
   * How long a running stream outlives the process that runs it, in seconds (default 15). That process
   * keeps a key with this expiry (refreshed every third of it); a reader that finds the stream running
   * without it ends the stream with a `stream_abandoned` error, for itself and every later read. An event
   * loop blocked for longer than this in the generating process counts as a death too.
   */
  liveSeconds?: number | undefined;
  /**
   * How long any command of the store waits for Redis, in ms (default 5000): node-redis queues commands
   * while it reconnects, so a Redis that is down would hold the request forever. Past it, the command
   * fails with a `stream_unavailable` error: a resume or a cancel answers 503 (`resumeResponse`), a new
   * stream is refused before its model is called (`toResumableResponse` rejects), and a running one ends
   * with that error (its upstream released).
   */
  commandTimeoutMs?: number | undefined;
}

/** A read of a log, and why it ended before the log did. */
interface Follower {
  ended: 'left' | 'closed' | undefined;
  end(why: 'left' | 'closed'): Promise<void>;
}

/** How many times in a row a follower's live read fails before it gives up (then `stream_unavailable`). */
const RECONNECTS = 3;
/** The pause before the first of them, doubled for each next one. */
const RECONNECT_MS = 250;

const STOPPED: unique symbol = Symbol('stopped');
/** Entries per XRANGE page and per log per XREAD. */
const PAGE = 512;

/**
 * A resume store in Redis, for several server processes behind a load balancer: one process runs the
 * generation and appends to a Redis stream (`XADD`), any process serves a resume (`XRANGE`, then
 * `XREAD BLOCK` to follow it live) or a cancel (a key plus `PUBLISH`, which the generating process
 * subscribes to). Streams give ordered, durable entries with ids and blocking reads in one structure,
 * where `APPEND` + pub/sub would need two and could lose a message between them. Keys expire with the TTL.
 */
export class RedisResumeStore implements ResumeStore {
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly ttl: number;
  private readonly maxRun: number;
  private readonly blockMs: number;
  private readonly liveSeconds: number;
  private readonly commandTimeoutMs: number;
  private subscriber: Promise<RedisClient> | undefined;
  private readonly cancelListeners = new Map<string, Set<() => void>>();
  private readonly followers = new Set<Follower>();
  private readonly live: LiveReader<RedisClient>;
  /** The streams this process appends to whose log has its run-time expiry (set at the first append). */
  private readonly expiring = new Set<string>();
  /** The timers that keep the live key of each stream this process runs. */
  private readonly alive = new Map<string, ReturnType<typeof setInterval>>();

  constructor(options: RedisResumeStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'partialkit:';
    this.ttl = whole(options.ttlSeconds ?? 600, 'ttlSeconds');
    this.maxRun = whole(options.maxRunSeconds ?? 3600, 'maxRunSeconds');
    this.blockMs = whole(options.blockMs ?? 1000, 'blockMs');
    this.liveSeconds = whole(options.liveSeconds ?? 15, 'liveSeconds');
    // A timer past 2^31 - 1 ms fires at once: a longer wait is that long.
    this.commandTimeoutMs = Math.min(
      whole(options.commandTimeoutMs ?? 5000, 'commandTimeoutMs'),
      2 ** 31 - 1,
    );
    this.live = new LiveReader({
      open: (dropped) => this.open(dropped),
      unblock: (clientId) => this.command(['CLIENT', 'UNBLOCK', clientId]),
      drop,
      parse: parseReads,
      blockMs: this.blockMs,
      count: PAGE,
    });
  }

  /**
   * A command on the main client, bounded by `commandTimeoutMs`; a failure of Redis is
   * `stream_unavailable`, what a dropped follower connection ends with too.
   */
  private async command(args: string[]): Promise<unknown> {
    try {
      return await this.bounded(args);
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** A command on the main client that fails past `commandTimeoutMs`, with Redis's own error otherwise. */
  private async bounded(args: string[]): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.commandTimeoutMs} ms`)),
        this.commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([this.client.sendCommand(args), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private key(id: string, part: 'log' | 'state' | 'cancel' | 'gone' | 'live'): string {
    return `${this.prefix}${id}:${part}`;
  }

  async create(id: string): Promise<void> {
    const state = this.key(id, 'state');
    const live = this.key(id, 'live');
    const token = crypto.randomUUID();
    let created: unknown;
    try {
      const keys = [state, this.key(id, 'gone'), this.key(id, 'cancel'), live];
      created = await this.command([
        'EVAL',
        CREATE,
        '4',
        ...keys,
        `${this.maxRun}`,
        `${this.liveSeconds}`,
        token,
      ]);
    } catch (error) {
      // Not answered in time, it may still run once Redis is back: then it is undone (by its token, so
      // that nobody else's stream of this id goes), and a retry of the id is not refused for maxRunSeconds.
      this.client.sendCommand(['EVAL', UNCREATE, '2', state, live, token]).catch(() => {});
      throw error;
    }
    if (created === 0) throw new PartialKitError(`A stream with id ${id} already exists`);
    this.keepAlive(id);
  }

  /** Refreshes the stream's live key while it runs here; bounded by maxRunSeconds, as its state is. */
  private keepAlive(id: string): void {
    const live = this.key(id, 'live');
    const until = Date.now() + this.maxRun * 1000;
    const timer = setInterval(
      () => {
        if (Date.now() > until) return this.stopAlive(id);
        // A refresh that fails (a Redis blip) has two more chances before the key expires.
        this.client.sendCommand(['SET', live, '1', 'EX', `${this.liveSeconds}`]).catch(() => {});
      },
      (this.liveSeconds * 1000) / 3,
    );
    // Not what keeps a process running: its server does that.
    (timer as { unref?: () => unknown }).unref?.();
    this.alive.set(id, timer);
  }

  private stopAlive(id: string): void {
    clearInterval(this.alive.get(id));
    this.alive.delete(id);
  }

  async append(id: string, entry: StreamEntry): Promise<void> {
    const log = this.key(id, 'log');
    // A text entry (nearly all of them) keeps its bare text, a third of the bytes of its JSON event,
    // unless it holds half of a surrogate pair: UTF-8 cannot carry that, JSON's escapes can.
    const { event } = entry;
    const bare = event.type === 'text' && !SURROGATE.test(event.text);
    const body = bare ? ['t', event.text] : ['e', JSON.stringify(event)];
    const fields = ['o', `${entry.offset}`, ...body];
    if (!isLast(entry)) {
      await this.continueLog(id, entry, fields);
      // A log made by XADD has no expiry: without one, a stream whose process dies would stay forever.
      if (!this.expiring.has(id) || entry.event.type === 'reset') {
        this.expiring.add(id);
        await this.expire(log, this.maxRun);
      }
      return;
    }
    // The last entry is taken wherever the log ends, so that every log ends; a log that already ended
    // (declared abandoned by its readers meanwhile) keeps the end they read.
    this.expiring.delete(id);
    this.stopAlive(id);
    await this.finish(id, fields);
  }

  /** Ends the log with a last entry ({@link FINISH}), unless it ended already: 1, else 0. */
  private finish(id: string, fields: string[]): Promise<unknown> {
    const keys = [this.key(id, 'log'), this.key(id, 'gone'), this.key(id, 'state')];
    return this.command(['EVAL', FINISH, '3', ...keys, `${this.ttl}`, `${this.ttl * 24}`, ...fields]);
  }

  /**
   * Appends a non-final entry if it starts where the log ends ({@link CONTINUE}): the appends a stream
   * has in flight behind one that failed (refused by a Redis out of memory, lost with its connection)
   * are refused too, so that the log is always a prefix of the stream's text.
   */
  private async continueLog(id: string, entry: StreamEntry, fields: string[]): Promise<void> {
    const start = startOf(entry);
    const args = ['2', this.key(id, 'log'), this.key(id, 'gone'), `${start}`, ...fields];
    try {
      // EVAL, not EVALSHA: a Redis that forgot its scripts (a restart, SCRIPT FLUSH) answers NOSCRIPT to
      // every append in flight, and re-sending each as it fails lets a later one land first (refused,
      // the stream lost). The script's text costs a few hundred bytes per append; Redis caches it.
      await this.bounded(['EVAL', CONTINUE, ...args]);
    } catch (error) {
      // Its readers found the process silent for longer than `liveSeconds` and ended the stream: nobody
      // can read what follows, so the generation stops at its next event.
      if (messageOf(error).includes(ENDED))
        throw new ProviderError('stream_abandoned', ABANDONED_MEANWHILE, error);
      if (!messageOf(error).includes(GAP)) throw unavailable(error);
      throw new ProviderError(
        'stream_unavailable',
        'An earlier entry of the stream did not reach Redis: the stream cannot go on',
        error,
      );
    }
  }

  private async expire(key: string, seconds: number): Promise<void> {
    await this.command(['EXPIRE', key, `${seconds}`]);
  }

  async read(id: string, offset: number, signal?: AbortSignal): Promise<StreamRead> {
    const state = await this.command(['GET', this.key(id, 'state')]);
    if (state === null) {
      const gone = await this.command(['EXISTS', this.key(id, 'gone')]);
      return { status: Number(gone) ? 'expired' : 'unknown' };
    }
    return { status: 'found', entries: this.follow(id, offset, signal) };
  }

  private async *follow(
    id: string,
    offset: number,
    signal?: AbortSignal,
  ): AsyncGenerator<StreamEntry, void, undefined> {
    if (signal?.aborted) return;
    const log = this.key(id, 'log');
    let stop!: () => void;
    const stopped = new Promise<typeof STOPPED>((resolve) => {
      stop = () => resolve(STOPPED);
    });
    // Its place in the live reads, left when the read ends however it ends (a consumer that stops
    // pulling at a `yield` never reaches the `finally` below).
    const tail = this.live.tail();
    // Ends the read at once (its client left, or close()): every wait below gives way, even on a silent
    // stream where no entry would wake it.
    const follower: Follower = {
      ended: undefined,
      end: async (why) => {
        if (follower.ended) return;
        follower.ended = why;
        this.followers.delete(follower);
        signal?.removeEventListener('abort', leave);
        stop();
        tail.close();
      },
    };
    const leave = () => void follower.end('left');
    signal?.addEventListener('abort', leave, { once: true });
    this.followers.add(follower);
    const until = <T>(promise: Promise<T>): Promise<T | typeof STOPPED> => Promise.race([promise, stopped]);
    let last = '0-0';
    let lastOffset = 0;
    try {
      // What is there already, in pages.
      while (true) {
        const reply = await until(this.command(['XRANGE', log, `(${last}`, '+', 'COUNT', `${PAGE}`]));
        if (this.over(follower)) return;
        const page = parseEntries(reply);
        for (const [streamId, entry] of page) {
          last = streamId;
          lastOffset = entry.offset;
          if (endsAfter(entry, offset)) yield entry;
          if (this.over(follower) || isLast(entry)) return;
        }
        if (page.length < PAGE) break;
      }
      // Then live, on the connection the store's live reads share.
      let failures = 0;
      let abandoned = false;
      while (true) {
        let entries: Entries | typeof STOPPED;
        try {
          entries = await until(tail.next(log, last));
        } catch (error) {
          if (this.over(follower)) return;
          // Dropped (CLIENT KILL, a restart, a failover): go on from `last`, on a new connection.
          if (++failures > RECONNECTS) throw unavailable(error);
          await until(sleep(RECONNECT_MS * 2 ** (failures - 1)));
          if (this.over(follower)) return;
          continue;
        }
        if (this.over(follower)) return;
        failures = 0;
        if (entries === STOPPED) return;
        if (entries.length === 0) {
          const state = await until(this.command(['GET', this.key(id, 'state')]));
          if (this.over(follower)) return;
          if (state === null)
            throw new ProviderError('stream_expired', 'The stream expired from the resume store');
          if (state !== 'running') continue;
          const live = await until(this.command(['EXISTS', this.key(id, 'live')]));
          if (this.over(follower)) return;
          if (Number(live)) {
            abandoned = false;
            continue;
          }
          // Another round with no end in the log: whoever claimed writing it did not.
          if (abandoned) throw new ProviderError('stream_abandoned', ABANDONED);
          abandoned = true;
          // Written to the log, so this read, every other one and every later one end with it.
          await until(this.abandon(id, lastOffset));
          if (this.over(follower)) return;
          continue;
        }
        for (const [streamId, entry] of entries) {
          last = streamId;
          lastOffset = entry.offset;
          if (endsAfter(entry, offset)) yield entry;
          if (this.over(follower) || isLast(entry)) return;
        }
      }
    } finally {
      await follower.end('left');
    }
  }

  /** Whether the read was ended from outside: true when its client left, an error when the store closed. */
  private over(follower: Follower): boolean {
    if (follower.ended === 'closed') {
      throw new ProviderError('stream_unavailable', 'The resume store was closed');
    }
    return follower.ended === 'left';
  }

  /**
   * A connected duplicate of the client, with an `error` listener: node-redis emits `error` on each drop
   * and each failed reconnect, and an EventEmitter without a listener turns that into a crash. Its
   * connect fails at the first error (refused, timed out) rather than retrying forever.
   */
  private async open(dropped?: () => void): Promise<RedisClient> {
    const connection = this.client.duplicate();
    let failed: ((error: unknown) => void) | undefined;
    // After the connect, a drop reaches whoever uses the connection through its commands, and `dropped`.
    connection.on('error', (error) => (failed ? failed(error) : dropped?.()));
    try {
      await new Promise((resolve, reject) => {
        failed = reject;
        connection.connect().then(resolve, reject);
      });
    } catch (error) {
      await drop(connection);
      throw error;
    } finally {
      failed = undefined;
    }
    return connection;
  }

  /**
   * Ends a stream whose process stopped with a `stream_abandoned` entry, as its own end would: of several
   * readers, in any process, one writes it (the `gone` key every end sets is checked in the same script).
   */
  private async abandon(id: string, offset: number): Promise<void> {
    const event: ProtocolEvent = { type: 'error', error: { type: 'stream_abandoned', message: ABANDONED } };
    await this.finish(id, ['o', `${offset}`, 'e', JSON.stringify(event)]);
  }

  async cancel(id: string): Promise<boolean> {
    const state = await this.command(['GET', this.key(id, 'state')]);
    if (state !== 'running') return false;
    await this.command(['SET', this.key(id, 'cancel'), '1', 'EX', `${this.maxRun}`]);
    await this.command(['PUBLISH', `${this.prefix}cancel`, id]);
    return true;
  }

  async onCancel(id: string, listener: () => void): Promise<() => void> {
    let listeners = this.cancelListeners.get(id);
    if (!listeners) {
      listeners = new Set();
      this.cancelListeners.set(id, listeners);
    }
    let called = false;
    const once = () => {
      if (called) return;
      called = true;
      listener();
    };
    listeners.add(once);
    const unsubscribe = () => {
      listeners.delete(once);
      if (listeners.size === 0) this.cancelListeners.delete(id);
    };
    try {
      await this.subscribe();
      // A cancel sent before the subscription was in place left its key.
      if ((await this.command(['GET', this.key(id, 'cancel')])) !== null) once();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  private subscribe(): Promise<RedisClient> {
    if (this.subscriber) return this.subscriber;
    const subscribing = (async () => {
      const subscriber = await this.open();
      try {
        await subscriber.subscribe(`${this.prefix}cancel`, (id) => {
          for (const listener of this.cancelListeners.get(id) ?? []) listener();
        });
      } catch (error) {
        await drop(subscriber);
        throw error;
      }
      // node-redis reconnects and subscribes again by itself, before `ready`; a cancel published
      // while it was away is only in its key.
      subscriber.on('ready', () => void this.recheckCancels().catch(() => {}));
      return subscriber;
    })();
    this.subscriber = subscribing;
    // A failed connect is not kept: the next onCancel tries again.
    subscribing.catch(() => {
      if (this.subscriber === subscribing) this.subscriber = undefined;
    });
    return subscribing;
  }

  private async recheckCancels(): Promise<void> {
    for (const [id, listeners] of [...this.cancelListeners]) {
      // One that fails (the main client not back yet) leaves the others to be checked.
      const cancelled = await this.command(['GET', this.key(id, 'cancel')]).then(
        (value) => value !== null,
        () => false,
      );
      if (cancelled) for (const listener of [...listeners]) listener();
    }
  }

  /**
   * Closes the connections this store opened (the subscriber and the live reads', which end with
   * `stream_unavailable`) and stops keeping the streams it runs alive; not the client.
   */
  async close(): Promise<void> {
    for (const id of [...this.alive.keys()]) this.stopAlive(id);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await Promise.all([...this.followers].map((follower) => follower.end('closed')));
    this.live.close();
    if (subscriber) await subscriber.then(closeClient, () => {});
  }
}

const ABANDONED = 'The process running the stream stopped';

const ABANDONED_MEANWHILE = 'The stream was ended as abandoned (its process seemed gone): it cannot go on';

/** The error {@link CONTINUE} answers with for an entry that does not start where the log ends. */
const GAP = 'PARTIALKIT_GAP';
/** The error {@link CONTINUE} answers with when the log has ended (its `gone` key is set). */
const ENDED = 'PARTIALKIT_ENDED';

/**
 * XADD (KEYS[1], ARGV[2..]) of an entry that starts at offset ARGV[1], only if the log has not ended
 * (no `gone` key, KEYS[2]) and ends there: at the offset of its last entry (the first field of every
 * entry the store writes), or 0 when it has none (not yet written, or expired).
 */
const CONTINUE = `if redis.call('EXISTS', KEYS[2]) == 1 then
  return redis.error_reply('${ENDED} the log has ended')
end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
local ends = last and tonumber(last[2][2]) or 0
if ends ~= tonumber(ARGV[1]) then
  return redis.error_reply('${GAP} the log ends at ' .. ends .. ', not at ' .. ARGV[1])
end
return redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))`;

/**
 * XADD (KEYS[1], ARGV[3..]) of a last entry and the end of the stream, unless the log already ended (its
 * `gone` key, KEYS[2]): then 0. The state (KEYS[3]) says `ended` and it and the log expire with the TTL
 * (ARGV[1]); `gone` is kept longer (ARGV[2]), so a late resume hears "expired" rather than "unknown".
 * The entry stands where the log ends, at its offset (ARGV[4]) or past it: appends the writer gave up
 * on (not answered in time) may have landed since, each where the one before it ended. One script, so
 * that an end Redis answers late still lands whole.
 */
const FINISH = `if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if last and tonumber(last[2][2]) > tonumber(ARGV[4]) then ARGV[4] = last[2][2] end
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
redis.call('SET', KEYS[3], 'ended', 'EX', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
return 1`;

/**
 * Starts a stream: its state (KEYS[1], for ARGV[1] seconds) if the id is free, its `gone` and `cancel`
 * keys (KEYS[2], KEYS[3]) cleared and its live key (KEYS[4], ARGV[2] seconds) holding the token ARGV[3].
 * 1, or 0 when the id is taken. One script, so that it lands whole or not at all.
 */
const CREATE = `if not redis.call('SET', KEYS[1], 'running', 'EX', ARGV[1], 'NX') then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SET', KEYS[4], ARGV[3], 'EX', ARGV[2])
return 1`;

/** Undoes a {@link CREATE} whose token (ARGV[1]) its live key (KEYS[2]) still holds: deletes it and the state (KEYS[1]). */
const UNCREATE = `if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
return 0`;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The message reaches the browser: it names Redis's error code (`WRONGTYPE`, `NOPERM` …) if Redis
 * refused the command, never the rest (a socket error names Redis's host and port, `MOVED` a node's);
 * the cause stays in `raw`.
 */
function unavailable(cause: unknown): ProviderError {
  const code = /^[A-Z]{2,}(?=\s|$)/.exec(cause instanceof Error ? cause.message : '')?.[0];
  const why = code
    ? `Redis refused a command of the resume store (${code})`
    : 'The resume store lost its connection to Redis';
  return new ProviderError('stream_unavailable', why, cause);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Closes a connection at once: a pending XREAD BLOCK is rejected rather than waited for. */
async function drop(client: RedisClient): Promise<void> {
  try {
    if (client.destroy) client.destroy();
    else if (client.disconnect) await client.disconnect();
    else await closeClient(client);
  } catch {
    // already closed
  }
}

async function closeClient(client: RedisClient): Promise<void> {
  try {
    await (client.close ? client.close() : client.quit?.());
  } catch {
    // already closed
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

type Fields = readonly unknown[];

function toEntry(fields: Fields): StreamEntry {
  let offset = 0;
  let event: ProtocolEvent = { type: 'done' };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'o') offset = Number(fields[i + 1]);
    else if (fields[i] === 't') event = { type: 'text', text: String(fields[i + 1]) };
    else if (fields[i] === 'e') event = JSON.parse(String(fields[i + 1])) as ProtocolEvent;
  }
  return { offset, event };
}

/** `XRANGE` replies: `[[id, [field, value, …]], …]`. */
function parseEntries(reply: unknown): Array<[string, StreamEntry]> {
  if (!Array.isArray(reply)) return [];
  return reply.map((item) => {
    const [id, fields] = item as [string, Fields];
    return [String(id), toEntry(fields)];
  });
}

/** `XREAD` replies: null on timeout, `[[key, entries], …]` (RESP2) or a map of key → entries (RESP3). */
function parseReads(reply: unknown): Map<string, Entries> {
  const logs = new Map<string, Entries>();
  if (reply === null || reply === undefined) return logs;
  const pairs: Iterable<readonly [unknown, unknown]> =
    reply instanceof Map
      ? reply.entries()
      : Array.isArray(reply)
        ? (reply as Array<[unknown, unknown]>)
        : Object.entries(reply as Record<string, unknown>);
  for (const [key, entries] of pairs) logs.set(String(key), parseEntries(entries));
  return logs;
}

function whole(value: number, name: string): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new PartialKitError(`${name} must be a positive whole number, got ${String(value)}`);
  }
  return value;
}
