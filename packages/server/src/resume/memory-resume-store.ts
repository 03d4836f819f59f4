import { PartialKitError, ProviderError } from '@partialkit/core';
import {
  endsAfter,
  isLast,
  type ResumeStore,
  type StreamEntry,
  type StreamRead,
  sizeOf,
} from './resume-store.ts';

export interface MemoryResumeStoreOptions {
  /**
   * Total size kept over all streams, in characters (default 64 Mi): each entry counts its text plus
   * 48 for the objects that hold it. Past it, ended streams are dropped (oldest
   * first); when only running streams are left, the stream that appends fails with a
   * `stream_too_large` error (every later entry of it but its end is refused), and a new stream is
   * refused. A stream's end entry is always taken and never drops its own stream, so the size may
   * stand past the bound by end entries until room is needed.
   */
  maxChars?: number | undefined;
  /** How long an ended stream stays resumable (default 10 minutes). */
  ttlMs?: number | undefined;
  /** How many expired ids are remembered, so a late resume gets "expired" rather than "unknown" (default 10 000). */
  maxTombstones?: number | undefined;
}

interface Log {
  readonly entries: StreamEntry[];
  chars: number;
  /** An entry was refused: every later one but the last is too, so the log stays a prefix of the stream. */
  refused: boolean;
  ended: boolean;
  endedAt: number;
  /** Expired or evicted: its live readers stop. */
  dropped: boolean;
  cancelled: boolean;
  readonly cancelListeners: Set<() => void>;
  readonly waiters: Set<() => void>;
}

/**
 * The embedded resume store: streams live in this process's memory, bounded by total size and TTL.
 * Enough for one server process; behind a load balancer use `RedisResumeStore`. An ended stream is
 * freed when its TTL passes, by a timer that does not keep the process alive, with no request needed.
 */
export class MemoryResumeStore implements ResumeStore {
  private readonly logs = new Map<string, Log>();
  /** The ended logs in the order they ended, which is the order they expire in (one TTL for all). */
  private readonly endedLogs = new Map<string, Log>();
  /** Set while a sweep is due: at the first ended log's expiry. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly tombstones = new Set<string>();
  private chars = 0;
  private readonly maxChars: number;
  private readonly ttlMs: number;
  private readonly maxTombstones: number;

  constructor(options: MemoryResumeStoreOptions = {}) {
    this.maxChars = positive(options.maxChars ?? 64 * 1024 * 1024, 'maxChars');
    this.ttlMs = positive(options.ttlMs ?? 10 * 60_000, 'ttlMs');
    this.maxTombstones = positive(options.maxTombstones ?? 10_000, 'maxTombstones');
  }

  /** Characters held now, over all streams. */
  get size(): number {
    return this.chars;
  }

  async create(id: string): Promise<void> {
    this.sweep();
    if (this.logs.has(id)) throw new PartialKitError(`A stream with id ${id} already exists`);
    if (this.chars >= this.maxChars) this.evict(this.chars - this.maxChars + 1);
    if (this.chars >= this.maxChars) {
      throw new PartialKitError(`The resume store is full (${this.maxChars} characters of running streams)`);
    }
    this.tombstones.delete(id);
    this.logs.set(id, {
      entries: [],
      chars: 0,
      refused: false,
      ended: false,
      endedAt: 0,
      dropped: false,
      cancelled: false,
      cancelListeners: new Set(),
      waiters: new Set(),
    });
  }

  async append(id: string, entry: StreamEntry): Promise<void> {
    const log = this.logs.get(id);
    if (!log || log.ended) return; // expired, evicted or already over: the live readers are gone too
    const size = sizeOf(entry);
    // A running stream is bounded too (a model that loops until its token limit): the entry that would
    // pass the bound, once no ended stream is left to drop, fails its stream, and so does every later
    // one (a smaller one would fit, and leave a hole in the text). The last entry (its error) is always
    // taken, so that every log ends.
    if (!isLast(entry)) {
      if (!log.refused && this.chars + size > this.maxChars) this.evict(this.chars + size - this.maxChars);
      if (log.refused || this.chars + size > this.maxChars) {
        log.refused = true;
        throw new ProviderError(
          'stream_too_large',
          `The stream outgrew the resume store (${this.maxChars} characters over all streams)`,
        );
      }
    }
    log.entries.push(entry);
    log.chars += size;
    this.chars += size;
    if (isLast(entry)) {
      log.ended = true;
      log.endedAt = Date.now();
      log.cancelListeners.clear();
      this.endedLogs.set(id, log);
      this.arm();
    }
    for (const wake of log.waiters) wake();
    log.waiters.clear();
    // Not the stream this entry ended: it fitted while it ran, and a client that dropped just before its
    // end resumes it. Held past the bound by its end entry at most, it is the first to go when room is needed.
    if (this.chars > this.maxChars) this.evict(this.chars - this.maxChars, id);
  }

  async read(id: string, offset: number, signal?: AbortSignal): Promise<StreamRead> {
    this.sweep();
    const log = this.logs.get(id);
    if (!log) return { status: this.tombstones.has(id) ? 'expired' : 'unknown' };
    return { status: 'found', entries: this.follow(log, offset, signal) };
  }

  async cancel(id: string): Promise<boolean> {
    const log = this.logs.get(id);
    if (!log || log.ended) return false;
    if (!log.cancelled) {
      log.cancelled = true;
      for (const listener of log.cancelListeners) listener();
      log.cancelListeners.clear();
    }
    return true;
  }

  async onCancel(id: string, listener: () => void): Promise<() => void> {
    const log = this.logs.get(id);
    if (!log) return () => {};
    if (log.cancelled) {
      listener();
      return () => {};
    }
    log.cancelListeners.add(listener);
    return () => {
      log.cancelListeners.delete(listener);
    };
  }

  private async *follow(
    log: Log,
    offset: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<StreamEntry, void, undefined> {
    let index = 0;
    while (!signal?.aborted) {
      while (index < log.entries.length) {
        const entry = log.entries[index++]!;
        if (endsAfter(entry, offset)) yield entry;
        if (isLast(entry)) return;
      }
      if (log.ended) return;
      if (log.dropped)
        throw new ProviderError('stream_expired', 'The stream was dropped from the resume store');
      // A reader whose client left stops waiting at once: on a silent stream its waiter (and the
      // response behind it) would otherwise stay until the next entry.
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        };
        const leave = () => {
          log.waiters.delete(wake);
          resolve();
        };
        log.waiters.add(wake);
        signal?.addEventListener('abort', leave, { once: true });
      });
    }
  }

  /** Drops ended streams past their TTL: the first ones to have ended, so it stops at the first live one. */
  private sweep(): void {
    const now = Date.now();
    for (const [id, log] of this.endedLogs) {
      if (now - log.endedAt <= this.ttlMs) return;
      this.drop(id, log);
    }
  }

  /** Schedules the sweep that frees the first ended log when its TTL passes (an idle server frees it too). */
  private arm(): void {
    if (this.timer !== undefined || this.ttlMs === Number.POSITIVE_INFINITY) return;
    const first = this.endedLogs.values().next();
    if (first.done) return;
    const due = first.value.endedAt + this.ttlMs - Date.now() + 1;
    // Past 2^31 - 1 ms a timer fires at once (and Node warns): capped, it fires early and arms again.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.sweep();
        this.arm();
      },
      Math.min(Math.max(due, 0), MAX_DELAY),
    );
    unref(this.timer);
  }

  /** Frees at least `needed` characters by dropping ended streams (but `keep`), the first to have ended first. */
  private evict(needed: number, keep?: string): void {
    let freed = 0;
    for (const [id, log] of this.endedLogs) {
      if (freed >= needed) return;
      if (id === keep) continue;
      freed += log.chars;
      this.drop(id, log);
    }
  }

  private drop(id: string, log: Log): void {
    this.logs.delete(id);
    this.endedLogs.delete(id);
    log.dropped = true;
    this.chars -= log.chars;
    for (const wake of log.waiters) wake();
    log.waiters.clear();
    this.tombstones.add(id);
    if (this.tombstones.size > this.maxTombstones) {
      this.tombstones.delete(this.tombstones.values().next().value as string);
    }
  }
}

/** The longest delay a timer takes (a signed 32-bit count of milliseconds). */
const MAX_DELAY = 2 ** 31 - 1;

/** Lets the process exit with the timer pending: Node and Bun (`unref`), Deno (`Deno.unrefTimer`). */
function unref(timer: ReturnType<typeof setTimeout>): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref();
  else (globalThis as { Deno?: { unrefTimer?(id: unknown): void } }).Deno?.unrefTimer?.(timer);
}

function positive(value: number, name: string): number {
  if (!(typeof value === 'number' && value > 0)) {
    throw new PartialKitError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
