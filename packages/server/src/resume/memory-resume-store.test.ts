import { describe, expect, it } from 'vitest';
import { resumeStoreContract } from '../../test/resume-store-contract.ts';
import { MemoryResumeStore } from './memory-resume-store.ts';

describe('MemoryResumeStore', () => {
  resumeStoreContract(() => new MemoryResumeStore(), {
    store: () => new MemoryResumeStore({ ttlMs: 30 }),
    waitMs: 60,
  });

  it('stays within its size bound by dropping ended streams, oldest first, and refuses a new one when full', async () => {
    const store = new MemoryResumeStore({ maxChars: 100 });
    for (const id of ['a', 'b']) {
      await store.create(id);
      await store.append(id, { offset: 40, event: { type: 'text', text: 'x'.repeat(40) } });
      await store.append(id, { offset: 40, event: { type: 'done' } });
    }
    // b's end went past the bound: a, the oldest ended stream, was dropped
    expect(store.size).toBe(56);
    expect((await store.read('a', 0)).status).toBe('expired');
    expect((await store.read('b', 0)).status).toBe('found');
    await store.create('c');
    await store.append('c', { offset: 90, event: { type: 'text', text: 'y'.repeat(90) } });
    expect((await store.read('b', 0)).status).toBe('expired'); // dropped to make room for the running c
    expect(store.size).toBe(90);
    await store.append('c', { offset: 101, event: { type: 'text', text: 'z'.repeat(11) } });
    // only running streams are left and they fill the store: a new one is refused
    await expect(store.create('d')).rejects.toThrow(/full/);
  });

  it('refuses bounds that are not positive numbers', () => {
    expect(() => new MemoryResumeStore({ maxChars: Number.NaN })).toThrow(/maxChars/);
    expect(() => new MemoryResumeStore({ ttlMs: -1 })).toThrow(/ttlMs/);
  });
});
