/**
 * `generator`, but a `return()` or `throw()` before its first `next()` also returns `events`, the
 * decode stage it would read. An `async function*` that has not started ends without running any of
 * its code, so the source behind its stages (a provider response) would stay open. And a `return()` or
 * `throw()` while a `next()` is pending (`Readable.from` destroyed, a consumer that does not await)
 * aborts `stop` at once: the generator would take it only after that `next()`, which on a silent
 * upstream never comes, and the provider request would stay open. That `next()` then rejects with
 * the abort. Each `next()` is the generator's own: no extra promise hop per value.
 */
export function releasing<T, R>(
  generator: AsyncGenerator<T, R, undefined>,
  events: AsyncIterator<unknown>,
  stop: AbortController,
  /** Also run before the first `next()`: what the generator's own cleanup would have done. */
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
      stop.abort();
      return generator.return(value);
    },
    throw: (error) => {
      release();
      stop.abort();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]: () => wrapper,
  };
  return wrapper;
}

/**
 * The stop signal of a stream: aborted by the stream itself (an early `return()`) and by the caller's
 * `signal`, linked by hand (`AbortSignal.any` is missing in Safari < 17.4) and held weakly, so that a
 * stream dropped unread does not stay reachable from a long-lived signal. `unlink` detaches it.
 */
export function stopOf(signal: AbortSignal | undefined): { stop: AbortController; unlink: () => void } {
  const stop = new AbortController();
  const stopped = new WeakRef(stop);
  const forward = () => stopped.deref()?.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  return { stop, unlink: () => signal?.removeEventListener('abort', forward) };
}
