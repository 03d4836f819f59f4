/** The behaviour every ResumeStore shares, run against the memory store and a real Redis. */
import type { ProtocolEvent } from '@partialkit/core';
import { expect, it } from 'vitest';
import type { ResumeStore, StreamEntry } from '../src/resume/resume-store.ts';

const text = (offset: number, t: string): StreamEntry => ({ offset, event: { type: 'text', text: t } });
const done = (offset: number): StreamEntry => ({ offset, event: { type: 'done' } });

async function all(store: ResumeStore, id: string, offset = 0): Promise<StreamEntry[]> {
  const read = await store.read(id, offset);
  if (read.status !== 'found') throw new Error(read.status);
  const out: StreamEntry[] = [];
  for await (const e of read.entries) out.push(e);
  return out;
}

let n = 0;
const fresh = () => `stream-${process.pid}-${Date.now()}-${n++}`;

/** The text of an entry the `refusing` store refuses (and no other entry of the cases below). */
export const REFUSED_TEXT = 'b'.repeat(100);

export function resumeStoreContract(
  make: () => ResumeStore,
  expire: { store: () => ResumeStore; waitMs: number },
  /** A new store that refuses the entry with {@link REFUSED_TEXT} (the memory store: one too small for it). */
  refusing: () => ResumeStore,
) {
  it('keeps a log in order and serves it whole, ending with done', async () => {
    const store = make();
    const id = fresh();
    await store.create(id);
    const entries = [
      text(3, '{"a'),
      text(6, '": '),
      { offset: 6, event: { type: 'reset', attempt: 2 } as ProtocolEvent },
      text(9, '[1]'),
      done(9),
    ];
    for (const e of entries) await store.append(id, e);
    expect(await all(store, id)).toEqual(entries);
  });

  it('serves what ends after an offset, and the events at it that are not text', async () => {
    const store = make();
    const id = fresh();
    await store.create(id);
    const entries = [text(3, '{"a'), text(6, '": '), text(9, '[1]'), done(9)];
    for (const e of entries) await store.append(id, e);
    expect(await all(store, id, 4)).toEqual(entries.slice(1));
    expect(await all(store, id, 6)).toEqual(entries.slice(2));
    expect(await all(store, id, 9)).toEqual([done(9)]);
  });

  it('follows a running stream live', async () => {
    const store = make();
    const id = fresh();
    await store.create(id);
    await store.append(id, text(1, '['));
    const reading = all(store, id);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await store.append(id, text(2 + i, `${i}`));
    }
    await store.append(id, done(6));
    const got = await reading;
    expect(got.map((e) => (e.event.type === 'text' ? e.event.text : e.event.type))).toEqual([
      '[',
      '0',
      '1',
      '2',
      '3',
      '4',
      'done',
    ]);
  });

  it('ends a read at once when its signal aborts, on a silent stream too; an aborted read yields nothing', async () => {
    const store = make();
    const id = fresh();
    await store.create(id);
    await store.append(id, text(1, '['));
    const reader = new AbortController();
    const read = await store.read(id, 0, reader.signal);
    if (read.status !== 'found') throw new Error(read.status);
    const it = read.entries[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual(text(1, '['));
    // The stream is silent: the next read waits, until the client leaves.
    const waiting = it.next();
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    reader.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(Date.now() - t0).toBeLessThan(200);
    const gone = await store.read(id, 0, reader.signal);
    if (gone.status !== 'found') throw new Error(gone.status);
    const after: StreamEntry[] = [];
    for await (const e of gone.entries) after.push(e);
    expect(after).toEqual([]);
    await store.append(id, done(1));
  });

  it('follows a running stream live from an offset: only what ends after it, none of a log that ends before it', async () => {
    const store = make();
    const id = fresh();
    await store.create(id);
    await store.append(id, text(2, '[1'));
    const after = all(store, id, 3);
    const past = all(store, id, 100);
    await new Promise((r) => setTimeout(r, 30)); // both now follow the log live
    await store.append(id, text(4, ',2'));
    await store.append(id, { offset: 4, event: { type: 'reset', attempt: 2 } });
    await store.append(id, text(6, '[]'));
    await store.append(id, done(6));
    expect(await after).toEqual([
      text(4, ',2'),
      { offset: 4, event: { type: 'reset', attempt: 2 } },
      text(6, '[]'),
      done(6),
    ]);
    expect(await past).toEqual([]);
  });

  it('tells an unknown id, refuses a second create of one id', async () => {
    const store = make();
    expect((await store.read(fresh(), 0)).status).toBe('unknown');
    const id = fresh();
    await store.create(id);
    await expect(store.create(id)).rejects.toThrow(/already exists/);
  });

  it('passes a cancel to the process that listens, once; not for unknown or ended streams', async () => {
    const store = make();
    const id = fresh();
    await store.create(id);
    let calls = 0;
    await store.onCancel(id, () => calls++);
    expect(await store.cancel(id)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
    expect(await store.cancel(fresh())).toBe(false);
    const ended = fresh();
    await store.create(ended);
    await store.append(ended, done(0));
    expect(await store.cancel(ended)).toBe(false);
    // a cancel that came before the listener is not lost
    const early = fresh();
    await store.create(early);
    expect(await store.cancel(early)).toBe(true);
    let late = 0;
    await store.onCancel(early, () => late++);
    expect(late).toBe(1);
  });

  const tooLarge = (offset: number): StreamEntry => ({
    offset,
    event: { type: 'error', error: { type: 'stream_too_large', message: 'too large' } },
  });

  it('once it refused an entry, refuses every later one of the log but the last: the log is a prefix of the text', async () => {
    const store = refusing();
    const id = fresh();
    await store.create(id);
    await store.append(id, text(10, '{"t":"aaaa'));
    await expect(store.append(id, text(110, REFUSED_TEXT))).rejects.toThrow();
    // Smaller: it would fit, and the log would read {"t":"aaaa"} — a value that was never generated.
    await expect(store.append(id, text(112, '"}'))).rejects.toThrow();
    await expect(store.append(id, { offset: 112, event: { type: 'reset', attempt: 2 } })).rejects.toThrow();
    await store.append(id, tooLarge(10));
    expect(await all(store, id)).toEqual([text(10, '{"t":"aaaa'), tooLarge(10)]);
  });

  it('refuses the entries behind a refused one also when they were appended before it was (a window in flight)', async () => {
    const store = refusing();
    const id = fresh();
    await store.create(id);
    const appends = [
      text(10, '{"t":"aaaa'),
      text(110, REFUSED_TEXT),
      text(112, '"}'),
      { offset: 112, event: { type: 'reset', attempt: 2 } as ProtocolEvent },
    ].map((e) => store.append(id, e));
    expect((await Promise.allSettled(appends)).map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
    ]);
    await store.append(id, tooLarge(10));
    expect(await all(store, id)).toEqual([text(10, '{"t":"aaaa'), tooLarge(10)]);
  });

  it('forgets an ended stream after its TTL, and says it expired', async () => {
    const store = expire.store();
    const id = fresh();
    await store.create(id);
    await store.append(id, text(1, '1'));
    await store.append(id, done(1));
    expect((await store.read(id, 0)).status).toBe('found');
    await new Promise((r) => setTimeout(r, expire.waitMs));
    expect((await store.read(id, 0)).status).toBe('expired');
  });
}
