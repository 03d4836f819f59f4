import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { streamItems } from './stream-items.ts';

const Item = z.object({ id: z.number() });

/** An async iterable source (an SDK stream, a generator): its first chunk closes two items, then it waits. */
function source(log: string[]): AsyncIterable<string> {
  let n = 0;
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (++n === 1) return { done: false, value: '[{"id":1},{"id":2},' };
        return new Promise<IteratorResult<string>>(() => {}); // the model is still thinking
      },
      return: async () => {
        log.push('return');
        return { done: true, value: undefined };
      },
    }),
  };
}

describe('streamItems: abort of an async iterable source while the consumer is between items', () => {
  it('an abort while the consumer holds an item releases the source at once, as it does a Response', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const items = streamItems(Item, source(log), { signal: controller.signal });
    expect((await items.next()).value).toEqual({ id: 1 });
    // The consumer is busy with item 1 (or gave up on the iterator) and aborts.
    controller.abort();
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(['return']);
  });
});
