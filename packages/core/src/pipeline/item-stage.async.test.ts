/** Item schemas that validate asynchronously: order, errors, and how often a check runs. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { StandardSchemaV1 } from '../schema/standard.ts';
import { PartialItemsStore } from '../stream/partial-items-store.ts';
import { streamItems } from './stream-items.ts';
import { streamPartial } from './stream-partial.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * id 1 validates slowly; id 2's check fails at once (its backend is down). A plain Standard Schema, not
 * zod: zod's own sync attempt at an async refine (the parser's per-subtree `safeParse`) leaves rejected
 * promises of its own behind, which would hide what this test is about.
 */
const Checked: StandardSchemaV1<{ id: number }> = {
  '~standard': {
    version: 1,
    vendor: 'review',
    validate: async (value) => {
      if ((value as { id: number }).id === 2) throw new Error('check backend down');
      await sleep(30);
      return { value: value as { id: number } };
    },
  },
};

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('an async item schema whose check throws', () => {
  it('streamItems: the first item, then the error; no unhandled rejection meanwhile', async () => {
    const items: unknown[] = [];
    let error: unknown;
    try {
      for await (const item of streamItems(Checked, ['[{"id":1},{"id":2}]'])) items.push(item);
    } catch (caught) {
      error = caught;
    }
    await sleep(50);
    expect(items).toEqual([{ id: 1 }]);
    expect((error as Error | undefined)?.message).toBe('check backend down');
    expect(unhandled).toEqual([]);
  });

  it('streamItems left after the first item: the element it never reached raises nothing', async () => {
    for await (const item of streamItems(Checked, ['[{"id":1},{"id":2}]'])) {
      expect(item).toEqual({ id: 1 });
      break;
    }
    await sleep(50);
    expect(unhandled).toEqual([]);
  });

  it('PartialItemsStore: the run fails with the error; no unhandled rejection', async () => {
    const store = new PartialItemsStore({
      schema: Checked,
      throttle: 0,
      fetcher: () => ['[{"id":1},{"id":2}]'],
    });
    await store.submit(undefined);
    await sleep(50);
    expect(store.getSnapshot().items).toEqual([{ id: 1 }]);
    expect(store.getSnapshot().error?.message).toBe('check backend down');
    expect(unhandled).toEqual([]);
  });
});

describe('how often an async item check runs', () => {
  it('per element after the first, as often as for one object in streamPartial; the first pays once to find out', async () => {
    let calls = 0;
    const Counted = z.object({ id: z.number() }).refine(async (v) => {
      calls++;
      return v.id > 0;
    });
    for await (const _ of streamPartial(Counted, ['{"id":1}']));
    const perObject = calls;
    const callsFor = async (n: number) => {
      calls = 0;
      const text = `[${Array.from({ length: n }, (_, i) => `{"id":${i + 1}}`).join(',')}]`;
      for await (const _ of streamItems(Counted, [text]));
      return calls;
    };
    const one = await callsFor(1);
    expect(await callsFor(3)).toBe(one + 2 * perObject);
    expect(one).toBeLessThanOrEqual(2 * perObject);
  });
});
