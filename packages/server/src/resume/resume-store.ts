import type { ProtocolEvent } from '@partialkit/core';

/**
 * One event of a stream's log. `offset` is where the event ends in the stream's text (the characters of
 * every text event so far, across attempts): the `id` a client sends back as `Last-Event-ID`.
 * A log ends with a `done` or an `error` event.
 */
export interface StreamEntry {
  readonly offset: number;
  readonly event: ProtocolEvent;
}

/** What a read finds: the log (followed live until it ends), or why there is none. */
export type StreamRead =
  | { readonly status: 'found'; readonly entries: AsyncIterable<StreamEntry> }
  | { readonly status: 'unknown' }
  | { readonly status: 'expired' };

/**
 * Where resumable streams live while they run and for a TTL after they end, so that any server process
 * can serve a resume or a cancel. {@link MemoryResumeStore} for one process; `RedisResumeStore` from
 * `@partialkit/server/redis` for several.
 */
export interface ResumeStore {
  /** Starts the log of a new stream. Throws when the store cannot take it (e.g. full). */
  create(id: string): Promise<void>;
  /**
   * Appends one entry; an entry with a `done` or `error` event ends the log and starts its TTL. Called
   * again before the last call resolved (a window of appends in flight), it keeps the order of the calls.
   * Once it refused an entry of a log, it refuses every later one (those in flight included) but the
   * entry that ends the log: a log is always a prefix of the stream, never text with a hole in it.
   */
  append(id: string, entry: StreamEntry): Promise<void>;
  /**
   * The entries a client that has `offset` characters still needs ({@link endsAfter}), those there
   * and those still to come, until the log ends. The last entry of a log that ended before `offset`
   * is left out too: the resume answers `offset_out_of_range`. When `signal` aborts (the client
   * went away), the entries end at once, even on a silent stream, and what the read holds (a
   * connection, a waiter) is released. Entries that fail for the store's own reasons (a connection
   * lost, the store closed) throw a `ProviderError` of type `stream_unavailable`: the response is cut
   * with no end event, so that the client resumes, from another process if need be.
   */
  read(id: string, offset: number, signal?: AbortSignal): Promise<StreamRead>;
  /** Asks the process that runs the stream to stop it. False when the stream is unknown or over. */
  cancel(id: string): Promise<boolean>;
  /** Calls `listener` once when the stream is cancelled (at once if it already was); returns an unsubscribe. */
  onCancel(id: string, listener: () => void): Promise<() => void>;
}

/** Whether a client that has the first `offset` characters needs an entry: text past them, any other event at or past them. */
export const endsAfter = (entry: StreamEntry, offset: number): boolean =>
  entry.offset > offset || (entry.event.type !== 'text' && entry.offset >= offset);

/** Where an entry starts in the stream's text: before its text, or at its offset (other events). */
export const startOf = (entry: StreamEntry): number =>
  entry.event.type === 'text' ? entry.offset - entry.event.text.length : entry.offset;

/** Whether an entry ends its log. */
export const isLast = (entry: StreamEntry): boolean =>
  entry.event.type === 'done' || entry.event.type === 'error';

/**
 * What an entry costs beyond its text, in characters: the entry and event objects and the log's slot
 * (about 100 bytes in V8, against 2 bytes a character). Without it, a log of 4-character deltas would
 * hold about 14 times the memory its bound says.
 */
export const ENTRY_OVERHEAD = 48;

/** The size of an entry, as counted against a store's bound: its text (none for other events) plus the overhead. */
export const sizeOf = (entry: StreamEntry): number =>
  (entry.event.type === 'text' ? entry.event.text.length : 0) + ENTRY_OVERHEAD;
