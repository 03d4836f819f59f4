/**
 * An async generator whose items come from an iterator made asynchronously at the first `next()`
 * (after the response was checked and its format detected). From then on each `next()` is the inner
 * iterator's own: an `async function*` that did `yield* inner` would add a promise hop per item, and a
 * stream of many small events crosses several stages. Behaves as such a generator does: nothing is made
 * before the first `next()`, a `return()` before it ends the generator without making anything, and
 * after a failure to make the iterator every `next()` is done. A `return()` before the first `next()`,
 * or while the iterator is made, calls `unused`, to release what the iterator would have read.
 */
export function deferred<T>(
  make: () => Promise<AsyncIterator<T>>,
  unused?: () => void,
): AsyncGenerator<T, void, undefined> {
  // A closure over an object literal, not a class: nothing here runs (or stays in a bundle) unless called.
  let inner: AsyncIterator<T> | undefined;
  let starting: Promise<AsyncIterator<T> | undefined> | undefined;
  /** Why the iterator could not be made, until the first `next()` has thrown it. */
  let failure: { error: unknown } | undefined;
  let closed = false;
  const done = (): IteratorReturnResult<void> => ({ done: true, value: undefined });
  const start = (): Promise<AsyncIterator<T> | undefined> => {
    starting ??= make().then(
      (it) => {
        // return() came while it was made: it is released at once, never read, and so is what it
        // would have read (its stages, not started, would not pass the return() on).
        if (closed) {
          void (async () => it.return?.())().catch(() => {});
          unused?.();
          return undefined;
        }
        inner = it;
        return it;
      },
      (error: unknown) => {
        closed = true;
        failure = { error };
        return undefined;
      },
    );
    return starting;
  };
  const generator: AsyncGenerator<T, void, undefined> = {
    next: () => {
      if (inner) return inner.next();
      if (closed) return Promise.resolve(done());
      return start().then((it) => {
        if (it) return it.next();
        const f = failure;
        failure = undefined;
        if (f) throw f.error;
        return done();
      });
    },
    return: async () => {
      // Closed before any await: a next() in the same tick must already see the generator done.
      closed = true;
      const it = inner;
      inner = undefined;
      await it?.return?.();
      // Nothing reads yet: what would be read is released now (a read that setup waits on ends), and an
      // iterator still being made is released by start() when it arrives.
      if (!it) {
        unused?.();
        await starting;
      }
      return done();
    },
    throw: async (error: unknown) => {
      // Not yet reading: a stage that has not started would end without releasing anything.
      if (inner?.throw) return inner.throw(error);
      await generator.return();
      throw error;
    },
    [Symbol.asyncIterator]: () => generator,
  };
  return generator;
}
