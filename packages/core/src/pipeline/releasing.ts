/**
 * `generator`, but a `return()` or `throw()` before its first `next()` also returns `events`, the
 * decode stage it would read. An `async function*` that has not started ends without running any of
 * its code, so the source behind its stages (a provider response) would stay open. Each `next()` is
 * the generator's own: no extra promise hop per value.
 */
export function releasing<T, R>(
  generator: AsyncGenerator<T, R, undefined>,
  events: AsyncIterator<unknown>,
  /** Also run then: what the generator's own cleanup would have done. */
  cleanup?: () => void,
): AsyncGenerator<T, R, undefined> {
  let started = false;
  const release = () => {
    if (started) return;
    started = true;
    cleanup?.();
    void (async () => events.return?.())().catch(() => {});
  };
  const wrapper: AsyncGenerator<T, R, undefined> = {
    next: () => {
      started = true;
      return generator.next();
    },
    return: (value) => {
      release();
      return generator.return(value);
    },
    throw: (error) => {
      release();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]: () => wrapper,
  };
  return wrapper;
}
