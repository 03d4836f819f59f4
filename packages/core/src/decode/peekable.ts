/** Reads ahead a few items of an iterator without losing them. */
export class Peekable<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private readonly it: AsyncIterator<T>;
  private ended = false;

  constructor(source: AsyncIterable<T>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Reads one more item into the buffer; returns it, or undefined at the end. */
  async pull(): Promise<T | undefined> {
    if (this.ended) return undefined;
    const r = await this.it.next();
    if (r.done) {
      this.ended = true;
      return undefined;
    }
    this.buffered.push(r.value);
    return r.value;
  }

  /**
   * The buffered items, then the rest of the source. A plain iterator rather than a generator: once the
   * buffer is drained, each next() is the source's own, with no extra promise hop per item (a stream of
   * many small events crosses several such stages).
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    let taken = 0;
    const done = (): IteratorResult<T> => ({ done: true, value: undefined });
    return {
      next: (): Promise<IteratorResult<T>> => {
        if (taken < this.buffered.length) {
          const value = this.buffered[taken]!;
          // Release the buffer once read, so the items it held can be collected.
          if (++taken === this.buffered.length) {
            this.buffered.length = 0;
            taken = 0;
          }
          return Promise.resolve({ done: false, value });
        }
        if (this.ended) return Promise.resolve(done());
        return this.it.next();
      },
      return: async (): Promise<IteratorResult<T>> => {
        this.buffered.length = 0;
        this.ended = true;
        await this.it.return?.();
        return done();
      },
    };
  }
}
