import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEntry } from '../resume/resume-store.ts';
import { compareIds, type Entries, type LiveConnection, LiveReader } from './live-reader.ts';

describe('compareIds orders Redis stream ids as Redis does', () => {
  it('by milliseconds, then sequence, as numbers (not as text: "10-0" comes after "9-5")', () => {
    expect(compareIds('10-0', '9-5')).toBeGreaterThan(0);
    expect(compareIds('9-10', '9-9')).toBeGreaterThan(0);
    expect(compareIds('1700000000000-0', '1700000000000-0')).toBe(0);
    expect(compareIds('0-0', '1700000000000-3')).toBeLessThan(0);
  });

  it('agrees with the numeric order for any two ids', () => {
    const part = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(part, part, part, part, (am, as, bm, bs) => {
        const expected = am === bm ? Math.sign(Number(as - bs)) : Math.sign(Number(am - bm));
        expect(Math.sign(compareIds(`${am}-${as}`, `${bm}-${bs}`))).toBe(expected);
      }),
    );
  });
});

/** A log is its entries, or `'wrong'`: a key that is no stream, which Redis refuses (`WRONGTYPE`). */
type FakeLog = Entries | 'wrong';

/**
 * A scripted Redis for the reader's paths a real one cannot be made to take on cue (a drop between the
 * failed round and its probes). `XREAD … BLOCK` answers at once with the entries there are, or with
 * none after `BLOCK_MS`; a refused log fails the whole command, as on Redis.
 */
function fakeRedis(logs: Map<string, FakeLog>, options: { dropOnProbe?: boolean } = {}) {
  const seen = { opened: 0, dropped: 0, probes: 0, rounds: 0 };
  const wrongType = (log: string) =>
    new Error(`WRONGTYPE Operation against a key holding the wrong kind of value (${log})`);
  const reader = new LiveReader<LiveConnection>({
    open: async (dropped) => {
      seen.opened++;
      let open = true;
      const connection: LiveConnection = {
        sendCommand: async (args) => {
          if (!open) throw new Error('The client is closed');
          if (args[0] === 'CLIENT') throw new Error('NOPERM'); // no interrupts: rounds end by BLOCK
          const at = args.indexOf('STREAMS') + 1;
          const keys = args.slice(at, at + (args.length - at) / 2);
          const ids = args.slice(at + keys.length);
          if (!args.includes('BLOCK')) {
            seen.probes++;
            if (options.dropOnProbe) {
              open = false;
              dropped();
              throw new Error('The client is closed');
            }
          } else seen.rounds++;
          const refused = keys.find((key) => logs.get(key) === 'wrong');
          if (refused) throw wrongType(refused);
          const found = keys
            .map(
              (key, i) =>
                [
                  key,
                  (logs.get(key) as Entries | undefined)?.filter(
                    ([id]) => compareIds(id, ids[i] as string) > 0,
                  ) ?? [],
                ] as const,
            )
            .filter(([, entries]) => entries.length > 0);
          if (found.length === 0 && args.includes('BLOCK')) await new Promise((r) => setTimeout(r, BLOCK_MS));
          return found.length ? found : null;
        },
      };
      return connection;
    },
    unblock: async () => 0,
    drop: async () => {
      seen.dropped++;
    },
    parse: (reply) => new Map((reply as Array<[string, Entries]> | null) ?? []),
    blockMs: BLOCK_MS,
    count: 10,
  });
  return { reader, seen, wrongType };
}

const BLOCK_MS = 20;
const entry = (offset: number): StreamEntry => ({ offset, event: { type: 'text', text: 'x' } });
const outcome = (p: Promise<Entries>) =>
  p.then(
    (entries) => ({ entries }),
    (error: Error) => ({ error: error.message }),
  );

describe('LiveReader when Redis refuses a round', () => {
  it('fails only the waits for the refused log; the others are read on the same connection', async () => {
    const logs = new Map<string, FakeLog>([
      ['good', [['1-0', entry(1)]]],
      ['bad', 'wrong'],
    ]);
    const { reader, seen, wrongType } = fakeRedis(logs);
    const [good, bad] = [reader.tail(), reader.tail()];
    const results = await Promise.all([outcome(good.next('good', '0-0')), outcome(bad.next('bad', '0-0'))]);
    expect(results).toEqual([{ entries: [['1-0', entry(1)]] }, { error: wrongType('bad').message }]);
    expect(seen).toMatchObject({ opened: 1, dropped: 0, probes: 2 });
    good.close();
    bad.close();
    await new Promise((r) => setTimeout(r, 0));
    expect(seen.dropped).toBe(1); // the last read to leave closes it
  });

  it('fails every wait and drops the connection when all the logs are refused', async () => {
    const logs = new Map<string, FakeLog>([
      ['a', 'wrong'],
      ['b', 'wrong'],
    ]);
    const { reader, seen, wrongType } = fakeRedis(logs);
    const [a, b] = [reader.tail(), reader.tail()];
    const results = await Promise.all([outcome(a.next('a', '0-0')), outcome(b.next('b', '0-0'))]);
    // One error for all, the round's: none of the logs is told apart.
    expect(results).toEqual([{ error: wrongType('a').message }, { error: wrongType('a').message }]);
    expect(seen).toMatchObject({ opened: 1, probes: 2 });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen.dropped).toBe(1);
    logs.set('a', [['2-0', entry(2)]]);
    expect(await a.next('a', '0-0')).toEqual([['2-0', entry(2)]]); // on a new connection
    expect(seen.opened).toBe(2);
  });

  it('fails every wait with the round’s error when the connection drops during the probes', async () => {
    const logs = new Map<string, FakeLog>([
      ['good', [['1-0', entry(1)]]],
      ['bad', 'wrong'],
    ]);
    const { reader, seen, wrongType } = fakeRedis(logs, { dropOnProbe: true });
    const [good, bad] = [reader.tail(), reader.tail()];
    const results = await Promise.all([outcome(good.next('good', '0-0')), outcome(bad.next('bad', '0-0'))]);
    // The probes failed for the drop, not for their logs: no log is blamed for it.
    expect(results).toEqual([{ error: wrongType('bad').message }, { error: wrongType('bad').message }]);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toMatchObject({ opened: 1, dropped: 1 });
    logs.delete('bad');
    expect(await good.next('good', '0-0')).toEqual([['1-0', entry(1)]]);
    expect(seen.opened).toBe(2);
  });

  it('probes nothing when the round read one log: its error is the log’s', async () => {
    const { reader, seen, wrongType } = fakeRedis(new Map([['bad', 'wrong']]));
    const tail = reader.tail();
    expect(await outcome(tail.next('bad', '0-0'))).toEqual({ error: wrongType('bad').message });
    expect(seen).toMatchObject({ opened: 1, probes: 0, rounds: 1 });
  });

  it('resolves a wait with no entries once it waited blockMs, and reads it again when asked', async () => {
    const logs = new Map<string, FakeLog>([['quiet', []]]);
    const { reader, seen } = fakeRedis(logs);
    const tail = reader.tail();
    expect(await tail.next('quiet', '0-0')).toEqual([]);
    logs.set('quiet', [['3-0', entry(3)]]);
    expect(await tail.next('quiet', '0-0')).toEqual([['3-0', entry(3)]]);
    expect(seen.opened).toBe(1);
    tail.close();
    await expect(tail.next('quiet', '0-0')).rejects.toThrow('The read left the live reader');
  });
});
