/**
 * The live reads of one store on one Redis connection: a single `XREAD BLOCK` over the logs of every read
 * waiting for entries, however many there are. A connection per read would let a burst of resumes
 * (each one a client that reconnects) take every connection Redis allows (`maxclients`), the generating
 * processes' appends included.
 *
 * Invariants:
 * - A read waits for the entries after one id of one log (`Tail.next`); only reads that wait are in the
 *   next `XREAD`, so a read whose client is slow is not read for, and nothing piles up in memory.
 * - A wait resolves with the entries after its id (at most `COUNT` of them), or with none once it
 *   waited `blockMs`: its read then checks that the stream still runs.
 * - A wait that joins during a blocked `XREAD` interrupts it (`CLIENT UNBLOCK` from another connection),
 *   so its first entries are not held for up to `blockMs` (unless the ACL denies `CLIENT`).
 * - The connection is opened by the first read and closed with the last (`Tail.close`); a failure or a
 *   drop, even while no read waits, closes it and rejects the waits it held: the next wait opens a new
 *   one (and fails at once while Redis is down, where a reconnecting connection would queue it).
 * - A log that Redis refuses (a key that is no stream: `WRONGTYPE` fails the whole `XREAD`) fails only
 *   the waits for it: each log of the failed round is tried on its own, and the others go on.
 * - Waits time out by the monotonic clock: a wall clock set back would stop the reads' checks.
 */
import type { StreamEntry } from '../resume/resume-store.ts';

/** Entries of a log with their stream ids, in order. */
export type Entries = Array<[string, StreamEntry]>;

export interface LiveReaderOptions<C extends LiveConnection> {
  /**
   * Opens a connection of the reader's own (a duplicate of the store's client); `dropped` is called if
   * it drops later (node-redis would reconnect it with another client id, its commands queued meanwhile).
   */
  open(dropped: () => void): Promise<C>;
  /** `CLIENT UNBLOCK id` on another connection: 1 if the connection was blocked. */
  unblock(clientId: string): Promise<unknown>;
  /** Closes a connection at once, rejecting a pending `XREAD`. */
  drop(connection: C): Promise<void>;
  /** Parses an `XREAD` reply into each log's entries. */
  parse(reply: unknown): Map<string, Entries>;
  blockMs: number;
  /** Entries per log per `XREAD`. */
  count: number;
}

export interface LiveConnection {
  sendCommand(args: string[]): Promise<unknown>;
}

/** One read's place in the reader. */
export interface Tail {
  /** The entries of `log` after `after`, or none after `blockMs`. Rejects when the connection fails. */
  next(log: string, after: string): Promise<Entries>;
  /** Leaves the reader (idempotent): the last read to leave closes the connection. */
  close(): void;
}

interface Wait {
  readonly log: string;
  readonly after: string;
  readonly since: number;
  resolve(entries: Entries): void;
  reject(error: unknown): void;
}

interface Connected<C> {
  readonly connection: C;
  /** Its `CLIENT ID`, for `CLIENT UNBLOCK` (none where the ACL denies it). */
  readonly id: string | undefined;
}

/** How often an interrupt is tried again when it reached Redis before the `XREAD` it was for. */
const UNBLOCK_TRIES = 50;
const UNBLOCK_RETRY_MS = 5;
/** A wait counts as timed out a little before `blockMs`: Redis's own timer may end a block that early. */
const TIMEOUT_SLACK = 0.9;

export class LiveReader<C extends LiveConnection> {
  private readonly waits = new Set<Wait>();
  private tails = 0;
  private connecting: Promise<Connected<C>> | undefined;
  private running = false;
  /** Which `XREAD` is pending (incremented per round), and on which connection. */
  private round = 0;
  private blocked: Connected<C> | undefined;
  private interrupted = -1;

  constructor(private readonly options: LiveReaderOptions<C>) {}

  tail(): Tail {
    this.tails++;
    let closed = false;
    let pending: Wait | undefined;
    return {
      next: (log, after) => {
        if (closed) return Promise.reject(new Error('The read left the live reader'));
        return new Promise<Entries>((resolve, reject) => {
          const wait: Wait = {
            log,
            after,
            since: performance.now(),
            resolve: (entries) => {
              pending = undefined;
              resolve(entries);
            },
            reject: (error) => {
              pending = undefined;
              reject(error);
            },
          };
          pending = wait;
          this.waits.add(wait);
          this.interrupt();
          void this.loop();
        });
      },
      close: () => {
        if (closed) return;
        closed = true;
        if (pending) {
          this.waits.delete(pending);
          pending.resolve([]);
        }
        if (--this.tails === 0) this.close();
      },
    };
  }

  /** Drops the connection: the waits it held are rejected (their reads end or reconnect). */
  close(): void {
    const connecting = this.connecting;
    this.connecting = undefined;
    connecting?.then(({ connection }) => this.options.drop(connection)).catch(() => {});
  }

  private connect(): Promise<Connected<C>> {
    if (this.connecting) return this.connecting;
    const connecting: Promise<Connected<C>> = (async () => {
      const connection = await this.options.open(() => {
        if (this.connecting === connecting) this.close();
      });
      // A Redis whose ACL denies CLIENT: no interrupts, a joining read waits for the round to end.
      const id = await connection.sendCommand(['CLIENT', 'ID']).then(String, () => undefined);
      return { connection, id };
    })();
    this.connecting = connecting;
    connecting.catch(() => {
      if (this.connecting === connecting) this.connecting = undefined;
    });
    return connecting;
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waits.size > 0) await this.read();
    } finally {
      this.running = false;
    }
  }

  /** One `XREAD` for the waits there are now. */
  private async read(): Promise<void> {
    const connecting = this.connect();
    let connected: Connected<C>;
    try {
      connected = await connecting;
    } catch (error) {
      this.fail([...this.waits], error);
      return;
    }
    // Closed while it opened (the last read left, or it dropped): the next round opens another.
    if (this.connecting !== connecting) return;
    const waits = [...this.waits];
    if (waits.length === 0) return;
    // One id per log: the earliest its waits need (a later wait takes the entries past its own).
    const from = new Map<string, string>();
    for (const wait of waits) {
      const id = from.get(wait.log);
      if (id === undefined || compareIds(wait.after, id) < 0) from.set(wait.log, wait.after);
    }
    const { blockMs, count } = this.options;
    this.round++;
    this.blocked = connected;
    let reply: unknown;
    try {
      reply = await connected.connection.sendCommand([
        'XREAD',
        'COUNT',
        `${count}`,
        'BLOCK',
        `${blockMs}`,
        'STREAMS',
        ...from.keys(),
        ...from.values(),
      ]);
    } catch (error) {
      this.blocked = undefined;
      // Refused for one log (a key that is no stream any more), not dropped: only its waits fail, each
      // with what Redis said of its log.
      if (from.size > 1 && this.connecting === connecting) {
        const refused = await this.refused(connected.connection, from);
        if (this.connecting === connecting && refused.size > 0 && refused.size < from.size) {
          for (const wait of waits) {
            if (refused.has(wait.log)) this.fail([wait], refused.get(wait.log));
          }
          return;
        }
      }
      // Dropped (CLIENT KILL, a restart, a failover): the next wait opens a new connection.
      if (this.connecting === connecting) this.close();
      this.fail(waits, error);
      return;
    } finally {
      this.blocked = undefined;
    }
    const logs = this.options.parse(reply);
    const now = performance.now();
    for (const wait of waits) {
      if (!this.waits.has(wait)) continue;
      const after = logs.get(wait.log)?.filter(([id]) => compareIds(id, wait.after) > 0) ?? [];
      if (after.length === 0 && now - wait.since < blockMs * TIMEOUT_SLACK) continue;
      this.waits.delete(wait);
      wait.resolve(after);
    }
  }

  /**
   * The logs of a failed `XREAD` that Redis refuses on their own (a read without `BLOCK` each), with
   * its error. All of them when the connection failed (then no log is told apart).
   */
  private async refused(connection: C, from: ReadonlyMap<string, string>): Promise<Map<string, unknown>> {
    const refused = new Map<string, unknown>();
    await Promise.all(
      [...from].map(([log, after]) =>
        connection.sendCommand(['XREAD', 'COUNT', '1', 'STREAMS', log, after]).catch((error: unknown) => {
          refused.set(log, error);
        }),
      ),
    );
    return refused;
  }

  private fail(waits: readonly Wait[], error: unknown): void {
    for (const wait of waits) {
      if (!this.waits.delete(wait)) continue;
      wait.reject(error);
    }
  }

  /** Ends the pending `XREAD` early, so that it is sent again with the wait that just joined. */
  private interrupt(): void {
    const blocked = this.blocked;
    const round = this.round;
    if (!blocked?.id || this.interrupted === round) return;
    const id = blocked.id;
    this.interrupted = round;
    const attempt = (tries: number): void => {
      if (this.blocked !== blocked || this.round !== round) return; // that XREAD has returned
      this.options.unblock(id).then(
        (unblocked) => {
          // 0: the command overtook the XREAD on its way to Redis; try again while it is pending.
          if (Number(unblocked) === 0 && this.blocked === blocked && this.round === round && tries > 1)
            setTimeout(() => attempt(tries - 1), UNBLOCK_RETRY_MS);
        },
        () => {},
      );
    };
    attempt(UNBLOCK_TRIES);
  }
}

/** Orders two stream ids (`ms-seq`, decimal digits): negative if `a` comes first. */
export function compareIds(a: string, b: string): number {
  const [am = '', as = ''] = a.split('-');
  const [bm = '', bs = ''] = b.split('-');
  return compareDigits(am, bm) || compareDigits(as, bs);
}

function compareDigits(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
