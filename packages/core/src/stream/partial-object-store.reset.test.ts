/**
 * Flushes that find nothing new notify nobody. A server re-ask (`reset` event) under a throttle: the
 * discarded attempt's pending flush must not fire later, or listeners get a snapshot with nothing new
 * and `onUpdate` the initial value, as if streamed.
 */
import { encodeProtocolEvent } from '@partialkit/core';
import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialObjectStore } from './partial-object-store.ts';

const Schema = z.object({ title: z.string(), n: z.number() });

describe('PartialObjectStore: a reset under a throttle', () => {
  it('fires no stale flush of the discarded attempt after the reset (no new snapshot, no onUpdate)', async () => {
    const src = controlledSource();
    const updates: unknown[] = [];
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: src.fetcher,
      throttle: 40,
      initialValue: { title: 'Draft' },
      onUpdate: (object) => updates.push(object),
    });
    void store.submit(null);
    await tick();
    src.push(encodeProtocolEvent({ type: 'text', text: '{"title":"a' })); // the first field: at once
    await tick();
    src.push(encodeProtocolEvent({ type: 'text', text: 'b' })); // pending in the throttle
    await tick();
    src.push(encodeProtocolEvent({ type: 'reset', attempt: 2 })); // the server re-asks the model
    await tick();
    const afterReset = store.getSnapshot();
    expect(afterReset.object).toEqual({ title: 'Draft' });
    let notified = 0;
    store.subscribe(() => notified++);
    await new Promise((r) => setTimeout(r, 80)); // past the throttle interval; no event arrives
    expect(notified).toBe(0);
    expect(store.getSnapshot()).toBe(afterReset);
    expect(updates).toEqual([{ title: 'a' }]); // not the initial value again, as if streamed
    store.stop();
  });
});

describe('PartialObjectStore: a flush that finds nothing new', () => {
  it('text that holds no value yet (whitespace) makes no new snapshot and calls no onUpdate', async () => {
    const src = controlledSource();
    const updates: unknown[] = [];
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: src.fetcher,
      throttle: 0,
      decode: { extractJson: false },
      initialValue: { title: 'Draft' },
      onUpdate: (object) => updates.push(object),
    });
    void store.submit(null);
    await tick();
    const streaming = store.getSnapshot();
    let notified = 0;
    store.subscribe(() => notified++);
    src.push(encodeProtocolEvent({ type: 'text', text: '\n  ' }));
    await tick();
    expect(store.getSnapshot()).toBe(streaming);
    expect({ notified, updates }).toEqual({ notified: 0, updates: [] });
    src.push(encodeProtocolEvent({ type: 'text', text: '{"title":"a' }));
    await tick();
    expect(store.getSnapshot().object).toEqual({ title: 'a' });
    expect({ notified, updates }).toEqual({ notified: 1, updates: [{ title: 'a' }] });
    store.stop();
  });
});
