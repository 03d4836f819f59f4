/**
 * An async generator whose items come from an iterator made asynchronously at the first `next()`
 * (after the response was checked and its format detected). From then on each `next()` is the inner
 * iterator's own: an `async function*` that did `yield* inner` would add a promise hop per item, and a
 * stream of many small events crosses several stages. Behaves as such a generator does: nothing is made
 * before the first `next()`, a `return()` before it ends the generator without making anything, and
 * after a failure to make the iterator every `next()` is done.
 */
export function deferred<T>(make: () => Promise<AsyncIterator<T>>): AsyncGenerator<T, void, undefined> {
  return new Deferred(make);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

class Deferred<T> implements AsyncGenerator<T, void, undefined> {
  private inner: AsyncIterator<T> | undefined;
  private starting: Promise<AsyncIterator<T> | undefined> | undefined;
  /** Why the iterator could not be made, until the first `next()` has thrown it. */
  private failure: { error: unknown } | undefined;
  private closed = false;

  constructor(private make: (() => Promise<AsyncIterator<T>>) | undefined) {}

  next(): Promise<IteratorResult<T, void>> {
    if (this.inner) return this.inner.next();
    if (this.closed) return Promise.resolve(DONE);
    return this.start().then((it) => {
      if (it) return it.next();
      const failure = this.failure;
      this.failure = undefined;
      if (failure) throw failure.error;
      return DONE;
    });
  }

  async return(): Promise<IteratorResult<T, void>> {
    this.make = undefined;
    const it = this.inner ?? (await this.starting);
    this.closed = true;
    this.inner = undefined;
    await it?.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<T, void>> {
    const it = this.inner ?? (await this.starting);
    if (it?.throw) return it.throw(error);
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  private start(): Promise<AsyncIterator<T> | undefined> {
    if (!this.starting) {
      const make = this.make;
      this.make = undefined;
      this.starting = make
        ? make().then(
            (it) => {
              this.inner = it;
              return it;
            },
            (error: unknown) => {
              this.closed = true;
              this.failure = { error };
              return undefined;
            },
          )
        : Promise.resolve(undefined);
    }
    return this.starting;
  }
}
