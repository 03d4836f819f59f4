import { PartialKitError, type ProtocolEvent, ProviderError } from '@partialkit/core';
import {
  endsAfter,
  isLast,
  type ResumeStore,
  type StreamEntry,
  type StreamRead,
} from '../resume/resume-store.ts';

/**
 * The part of a node-redis client (`redis` v4 or v5: `createClient()`) this store uses. Structural, so
 * `@partialkit/server/redis` imports nothing from `redis` and nobody else installs it.
 */
export interface RedisClient {
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): RedisClient;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
}

export interface RedisResumeStoreOptions {
  /** A connected node-redis client. Reads that follow a running stream use duplicates of it. */
  client: RedisClient;
  /** Key prefix (default `partialkit:`). */
  prefix?: string;
  /** How long an ended stream stays resumable, in seconds (default 600). */
  ttlSeconds?: number;
  /** How long a stream may run before its keys expire anyway, in seconds (default 3600). */
  maxRunSeconds?: number;
  /** How long a follower blocks on XREAD before it checks that the stream still exists (default 1000 ms). */
  blockMs?: number;
}

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
  private subscriber: Promise<RedisClient> | undefined;
  private readonly cancelListeners = new Map<string, Set<() => void>>();
  private readonly followers = new Set<RedisClient>();
  /** The streams this process appends to whose log has its run-time expiry (set at the first append). */
  private readonly expiring = new Set<string>();

  constructor(options: RedisResumeStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'partialkit:';
    this.ttl = whole(options.ttlSeconds ?? 600, 'ttlSeconds');
    this.maxRun = whole(options.maxRunSeconds ?? 3600, 'maxRunSeconds');
    this.blockMs = whole(options.blockMs ?? 1000, 'blockMs');
  }

  private key(id: string, part: 'log' | 'state' | 'cancel' | 'gone'): string {
    return `${this.prefix}${id}:${part}`;
  }

  async create(id: string): Promise<void> {
    const set = await this.client.sendCommand([
      'SET',
      this.key(id, 'state'),
      'running',
      'EX',
      `${this.maxRun}`,
      'NX',
    ]);
    if (set === null) throw new PartialKitError(`A stream with id ${id} already exists`);
    await this.client.sendCommand(['DEL', this.key(id, 'gone'), this.key(id, 'cancel')]);
  }

  async append(id: string, entry: StreamEntry): Promise<void> {
    const log = this.key(id, 'log');
    // A text entry (nearly all of them) keeps its bare text, a third of the bytes of its JSON event,
    // unless it holds half of a surrogate pair: UTF-8 cannot carry that, JSON's escapes can.
    const { event } = entry;
    const bare = event.type === 'text' && !SURROGATE.test(event.text);
    const body = bare ? ['t', event.text] : ['e', JSON.stringify(event)];
    await this.client.sendCommand(['XADD', log, '*', 'o', `${entry.offset}`, ...body]);
    if (!isLast(entry)) {
      // A log made by XADD has no expiry: without one, a stream whose process dies would stay forever.
      if (!this.expiring.has(id) || entry.event.type === 'reset') {
        this.expiring.add(id);
        await this.expire(log, this.maxRun);
      }
      return;
    }
    this.expiring.delete(id);
    await this.client.sendCommand(['SET', this.key(id, 'state'), 'ended', 'EX', `${this.ttl}`]);
    await this.expire(log, this.ttl);
    // Remembered longer than the stream, so a late resume hears "expired" rather than "unknown".
    await this.client.sendCommand(['SET', this.key(id, 'gone'), '1', 'EX', `${this.ttl * 24}`]);
  }

  private async expire(key: string, seconds: number): Promise<void> {
    await this.client.sendCommand(['EXPIRE', key, `${seconds}`]);
  }

  async read(id: string, offset: number): Promise<StreamRead> {
    const state = await this.client.sendCommand(['GET', this.key(id, 'state')]);
    if (state === null) {
      const gone = await this.client.sendCommand(['EXISTS', this.key(id, 'gone')]);
      return { status: Number(gone) ? 'expired' : 'unknown' };
    }
    return { status: 'found', entries: this.follow(id, offset) };
  }

  private async *follow(id: string, offset: number): AsyncGenerator<StreamEntry> {
    const log = this.key(id, 'log');
    let last = '0-0';
    // What is there already, in pages.
    while (true) {
      const page = parseEntries(
        await this.client.sendCommand(['XRANGE', log, `(${last}`, '+', 'COUNT', '512']),
      );
      for (const [streamId, entry] of page) {
        last = streamId;
        if (endsAfter(entry, offset)) yield entry;
        if (isLast(entry)) return;
      }
      if (page.length < 512) break;
    }
    // Then live, on a connection of its own (XREAD BLOCK holds it).
    const follower = this.client.duplicate();
    await follower.connect();
    this.followers.add(follower);
    try {
      while (true) {
        const reply = await follower.sendCommand([
          'XREAD',
          'COUNT',
          '512',
          'BLOCK',
          `${this.blockMs}`,
          'STREAMS',
          log,
          last,
        ]);
        const entries = parseRead(reply);
        if (entries.length === 0) {
          const state = await this.client.sendCommand(['GET', this.key(id, 'state')]);
          if (state === null)
            throw new ProviderError('stream_expired', 'The stream expired from the resume store');
          continue;
        }
        for (const [streamId, entry] of entries) {
          last = streamId;
          if (endsAfter(entry, offset)) yield entry;
          if (isLast(entry)) return;
        }
      }
    } finally {
      this.followers.delete(follower);
      await closeClient(follower);
    }
  }

  async cancel(id: string): Promise<boolean> {
    const state = await this.client.sendCommand(['GET', this.key(id, 'state')]);
    if (state !== 'running') return false;
    await this.client.sendCommand(['SET', this.key(id, 'cancel'), '1', 'EX', `${this.maxRun}`]);
    await this.client.sendCommand(['PUBLISH', `${this.prefix}cancel`, id]);
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
    await this.subscribe();
    // A cancel sent before the subscription was in place left its key.
    if ((await this.client.sendCommand(['GET', this.key(id, 'cancel')])) !== null) once();
    return () => {
      listeners.delete(once);
      if (listeners.size === 0) this.cancelListeners.delete(id);
    };
  }

  private subscribe(): Promise<RedisClient> {
    this.subscriber ??= (async () => {
      const subscriber = this.client.duplicate();
      await subscriber.connect();
      await subscriber.subscribe(`${this.prefix}cancel`, (id) => {
        for (const listener of this.cancelListeners.get(id) ?? []) listener();
      });
      return subscriber;
    })();
    return this.subscriber;
  }

  /** Closes the connections this store opened (the subscriber and live followers); not the client. */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await Promise.all([...this.followers].map(closeClient));
    if (subscriber) await closeClient(await subscriber);
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

/** `XREAD` replies: null on timeout, `[[key, entries]]` (RESP2) or a map of key → entries (RESP3). */
function parseRead(reply: unknown): Array<[string, StreamEntry]> {
  if (reply === null || reply === undefined) return [];
  if (reply instanceof Map) return parseEntries([...reply.values()][0]);
  if (Array.isArray(reply)) return parseEntries((reply[0] as [string, unknown] | undefined)?.[1]);
  const values = Object.values(reply as Record<string, unknown>);
  return parseEntries(values[0]);
}

function whole(value: number, name: string): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new PartialKitError(`${name} must be a positive whole number, got ${String(value)}`);
  }
  return value;
}
