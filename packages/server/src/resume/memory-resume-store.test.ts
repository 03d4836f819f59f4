import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ProviderError } from '@partialkit/core';
import { describe, expect, it } from 'vitest';
import { resumeStoreContract } from '../../test/resume-store-contract.ts';
import { MemoryResumeStore } from './memory-resume-store.ts';
import { ENTRY_OVERHEAD } from './resume-store.ts';

describe('MemoryResumeStore', () => {
  resumeStoreContract(
    () => new MemoryResumeStore(),
    { store: () => new MemoryResumeStore({ ttlMs: 30 }), waitMs: 60 },
    // The refused entry takes 100 + 48 of 200 characters, after 10 + 48: a later one of 2 + 48 fits.
    () => new MemoryResumeStore({ maxChars: 200 }),
  );

  it('stays within its size bound by dropping ended streams, oldest first, and refuses a new one when full', async () => {
    const O = ENTRY_OVERHEAD;
    const store = new MemoryResumeStore({ maxChars: 250 });
    for (const id of ['a', 'b']) {
      await store.create(id);
      await store.append(id, { offset: 40, event: { type: 'text', text: 'x'.repeat(40) } });
      await store.append(id, { offset: 40, event: { type: 'done' } });
    }
    // b's end went past the bound: a, the oldest ended stream, was dropped
    expect(store.size).toBe(40 + 2 * O);
    expect((await store.read('a', 0)).status).toBe('expired');
    expect((await store.read('b', 0)).status).toBe('found');
    await store.create('c');
    await store.append('c', { offset: 90, event: { type: 'text', text: 'y'.repeat(90) } });
    expect((await store.read('b', 0)).status).toBe('expired'); // dropped to make room for the running c
    expect(store.size).toBe(90 + O);
    const fill = 250 - store.size - O;
    await store.append('c', { offset: 90 + fill, event: { type: 'text', text: 'z'.repeat(fill) } });
    expect(store.size).toBe(250);
    // only running streams are left and they fill the store: a new one is refused
    await expect(store.create('d')).rejects.toThrow(/full/);
  });

  it('keeps a stream its own end took past the bound, resumable to its end, and drops it first for room', async () => {
    const O = ENTRY_OVERHEAD;
    const store = new MemoryResumeStore({ maxChars: 100 + O + 10 });
    await store.create('s');
    await store.append('s', { offset: 100, event: { type: 'text', text: 'x'.repeat(100) } });
    await store.append('s', { offset: 100, event: { type: 'done' } });
    // Past the bound by its end entry: no other ended stream to drop, and it fitted while it ran.
    expect(store.size).toBe(100 + 2 * O);
    const read = await store.read('s', 100);
    const events = [];
    if (read.status === 'found') for await (const entry of read.entries) events.push(entry.event);
    expect(events).toEqual([{ type: 'done' }]);
    // The next stream that needs room drops it.
    await store.create('t');
    expect((await store.read('s', 0)).status).toBe('expired');
    expect(store.size).toBe(0);
  });

  it('frees an ended stream when its TTL passes, with no request, by a timer that keeps no process alive', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const store = new MemoryResumeStore({ ttlMs: 40 });
    const before = timers();
    for (const id of ['a', 'b']) {
      await store.create(id);
      await store.append(id, { offset: 3, event: { type: 'text', text: 'abc' } });
    }
    await store.append('a', { offset: 3, event: { type: 'done' } });
    expect(timers()).toBe(before); // the sweep's timer is unref'd
    await new Promise((r) => setTimeout(r, 25));
    await store.append('b', { offset: 3, event: { type: 'done' } });
    expect(store.size).toBe(2 * (3 + 2 * ENTRY_OVERHEAD));
    // a expires first (its own timer), then b (the timer armed again for it): no create or read between
    await expect.poll(() => store.size, { interval: 5, timeout: 1000 }).toBe(3 + 2 * ENTRY_OVERHEAD);
    await expect.poll(() => store.size, { interval: 5, timeout: 1000 }).toBe(0);
    expect((await store.read('a', 0)).status).toBe('expired');
    expect((await store.read('b', 0)).status).toBe('expired');
  });

  it('a TTL past what a timer takes (40 days, Infinity) arms no spinning timer', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      for (const ttlMs of [40 * 24 * 3600_000, Number.POSITIVE_INFINITY]) {
        const store = new MemoryResumeStore({ ttlMs });
        await store.create('a');
        await store.append('a', { offset: 0, event: { type: 'done' } });
        await new Promise((r) => setTimeout(r, 30));
        expect((await store.read('a', 0)).status).toBe('found');
      }
      expect(warnings.map((w) => w.name)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('bounds a running stream too: the entry past the bound fails its stream, whose end is still taken', async () => {
    const store = new MemoryResumeStore({ maxChars: 10_000 });
    await store.create('loop');
    let offset = 0;
    let failure: unknown;
    // A model that repeats itself until its token limit.
    for (let i = 0; i < 2000 && failure === undefined; i++) {
      offset += 100;
      await store.append('loop', { offset, event: { type: 'text', text: 'x'.repeat(100) } }).catch((e) => {
        failure = e;
      });
    }
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ type: 'stream_too_large' });
    expect(store.size).toBeLessThanOrEqual(10_000);
    const error = { type: 'stream_too_large', message: 'too large' };
    await store.append('loop', { offset, event: { type: 'error', error } });
    const read = await store.read('loop', 0);
    const entries = [];
    if (read.status === 'found') for await (const entry of read.entries) entries.push(entry);
    expect(entries.at(-1)?.event).toEqual({ type: 'error', error });
    expect(entries.length).toBe(Math.floor(10_000 / (100 + ENTRY_OVERHEAD)) + 1);
  });

  it('counts what the entries of a log take, not only their characters (4-character deltas)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new MemoryResumeStore({ maxChars: 2_000_000 });
    gc();
    const before = process.memoryUsage().heapUsed;
    // Ten finished streams of 10 000 deltas of 4 characters (what a model's tokens look like): the
    // oldest are dropped to keep the bound.
    for (let s = 0; s < 10; s++) {
      const id = `s${s}`;
      await store.create(id);
      let offset = 0;
      for (let i = 0; i < 10_000; i++) {
        offset += 4;
        await store.append(id, { offset, event: { type: 'text', text: `${i % 10}abc` } });
      }
      await store.append(id, { offset, event: { type: 'done' } });
    }
    gc();
    const used = process.memoryUsage().heapUsed - before;
    // The last stream's end entry may stand past the bound (it is never dropped by its own end).
    expect(store.size).toBeLessThanOrEqual(2_000_000 + ENTRY_OVERHEAD);
    expect(store.size).toBeGreaterThan(1_000_000);
    // 2 bytes a UTF-16 character: the heap the logs take stays within twice what the bound counts.
    expect(used).toBeLessThan(store.size * 4);
  });

  it('refuses bounds that are not positive numbers', () => {
    expect(() => new MemoryResumeStore({ maxChars: Number.NaN })).toThrow(/maxChars/);
    expect(() => new MemoryResumeStore({ ttlMs: -1 })).toThrow(/ttlMs/);
  });
});
