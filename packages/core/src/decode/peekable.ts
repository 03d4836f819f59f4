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

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      while (this.buffered.length) yield this.buffered.shift()!;
      while (!this.ended) {
        const r = await this.it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await this.it.return?.();
    }
  }
}
