import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialKitError, TruncatedError } from '../errors.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { PartialObjectStore } from '../stream/partial-object-store.ts';
import { textOf } from './source.ts';

// What textOf over an async iterable guarantees, as a generator does: one read at a time, an abort that
// settles a pending read and a waiting return(), rejections instead of throws, return(value).

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** Settles to what a promise came to, or 'pending' if it has not after a few ticks. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  let state: unknown = 'pending';
  promise.then(
    (value) => {
      state = { value };
    },
    (error: unknown) => {
      state = { error };
    },
  );
  for (let i = 0; i < 5; i++) await tick();
  return state;
}

describe('textOf over an async iterable', () => {
  it('return() while a next() waits on a stalled generator: an abort still settles both', async () => {
    let cleaned = false;
    async function* stalled(): AsyncGenerator<string> {
      try {
        yield '[1';
        await new Promise(() => {});
      } finally {
        cleaned = true;
      }
    }
    const ac = new AbortController();
    const text = textOf(stalled(), ac.signal);
    expect(await text.next()).toEqual({ done: false, value: '[1' });
    const pending = text.next();
    await tick();
    // The source's return() is queued behind its stalled await: it never settles by itself.
    const returned = text.return(undefined);
    expect(await outcome(returned)).toBe('pending');
    const reason = new Error('stop');
    ac.abort(reason);
    expect(await outcome(pending)).toEqual({ error: reason });
    expect(await outcome(returned)).toEqual({ value: { done: true, value: undefined } });
    expect(cleaned).toBe(false); // the generator is still stuck; nothing more can be done for it
  });

  it('a next() while one is pending waits for it: one read at a time, and an abort ends both', async () => {
    let reads = 0;
    let returns = 0;
    const stalled: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          reads++;
          return reads === 1
            ? new Promise<IteratorResult<string>>(() => {})
            : Promise.resolve({ done: true, value: undefined });
        },
        return: () => {
          returns++;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const ac = new AbortController();
    const text = textOf(stalled, ac.signal);
    const first = text.next();
    const second = text.next();
    await tick();
    expect(reads).toBe(1);
    const reason = new Error('stop');
    ac.abort(reason);
    expect(await outcome(first)).toEqual({ error: reason });
    expect(await outcome(second)).toEqual({ value: { done: true, value: undefined } });
    expect(reads).toBe(1);
    expect(returns).toBe(1);
  });

  it('next() calls made at once get the chunks in order, the source read one at a time', async () => {
    let inFlight = 0;
    let most = 0;
    let i = 0;
    const chunks = ['a', '', 'b', 'c'];
    const slow: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          most = Math.max(most, ++inFlight);
          await tick();
          inFlight--;
          return i < chunks.length ? { done: false, value: chunks[i++]! } : { done: true, value: undefined };
        },
      }),
    };
    for (const signal of [undefined, new AbortController().signal]) {
      i = 0;
      const text = textOf(slow, signal);
      const results = await Promise.all([text.next(), text.next(), text.next(), text.next()]);
      expect(results.map((r) => r.value)).toEqual(['a', 'b', 'c', undefined]);
      expect(most).toBe(1);
    }
  });

  it('a source that throws instead of rejecting: next() rejects, and the stream is over', async () => {
    let calls = 0;
    const noIterator = {
      [Symbol.asyncIterator]: () => {
        calls++;
        throw new Error('no iterator');
      },
    } as AsyncIterable<string>;
    const throwingNext = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          calls++;
          throw new Error('no next');
        },
      }),
    } as AsyncIterable<string>;
    for (const source of [noIterator, throwingNext]) {
      for (const signal of [undefined, new AbortController().signal]) {
        calls = 0;
        const text = textOf(source, signal);
        let result: Promise<IteratorResult<string>> | undefined;
        expect(() => {
          result = text.next();
        }).not.toThrow();
        await expect(result).rejects.toThrow(/^no /);
        expect(await text.next()).toEqual({ done: true, value: undefined });
        expect(calls).toBe(1);
      }
    }
  });

  it('a next() that answers without a promise is read as await reads it', async () => {
    let n = 0;
    const plain = {
      [Symbol.asyncIterator]: () => ({
        next: () => (n++ === 0 ? { done: false, value: '{"a":1}' } : { done: true, value: undefined }),
      }),
    } as unknown as AsyncIterable<string>;
    const texts: string[] = [];
    for await (const t of textOf(plain)) texts.push(t);
    expect(texts).toEqual(['{"a":1}']);
  });

  it('return(value) is done with that value, before and after the first next()', async () => {
    async function* two() {
      yield 'a';
      yield 'b';
    }
    expect(await textOf(two()).return('before')).toEqual({ done: true, value: 'before' });
    const text = textOf(two(), new AbortController().signal);
    await text.next();
    expect(await text.return('after')).toEqual({ done: true, value: 'after' });
  });
});

describe('textOf over an async iterable, aborted while no read is pending', () => {
  it('returns the source at once, not at the next pull (which may never come)', async () => {
    const log: string[] = [];
    const source: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: 'chunk' }),
        return: async () => {
          log.push('return');
          return { done: true, value: undefined };
        },
      }),
    };
    const controller = new AbortController();
    const text = textOf(source, controller.signal);
    expect((await text.next()).value).toBe('chunk');
    controller.abort();
    expect(log).toEqual(['return']);
    // The next pull sees the abort; the source is not returned twice.
    await expect(text.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).toEqual(['return']);
  });
});

describe('a source already read, or being read, is refused by name', () => {
  const Talk = z.object({ title: z.string() });

  it('a Response whose body was read: a PartialKitError, not a truncation', async () => {
    const response = new Response('{"title": "A"}');
    const first: unknown[] = [];
    for await (const snapshot of streamPartial(Talk, response)) first.push(snapshot);
    expect(first.at(-1)).toEqual({ title: 'A' });
    const again = streamPartial(Talk, response);
    const error = await again.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PartialKitError);
    expect(error).not.toBeInstanceOf(TruncatedError);
    expect((error as Error).message).toMatch(/^The Response body was already read \(bodyUsed\)/);
  });

  it('a ReadableStream another reader holds: a PartialKitError that says so', async () => {
    const stream = new Response('{"title": "A"}').body!;
    const reader = stream.getReader();
    const error = await streamPartial(Talk, stream)
      .next()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PartialKitError);
    expect((error as Error).message).toMatch(/^The ReadableStream is locked/);
    // The holder still reads it whole.
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"title": "A"}');
  });

  it('a store whose fetcher hands back a used Response fails the run with that error', async () => {
    const used = new Response('{"title": "A"}');
    await used.text();
    const store = new PartialObjectStore({ schema: Talk, fetcher: async () => used });
    await store.submit(undefined);
    const { status, error } = store.getSnapshot();
    expect(status).toBe('error');
    expect(error?.message).toMatch(/already read/);
  });
});
