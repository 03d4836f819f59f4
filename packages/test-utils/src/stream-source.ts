/** A stream the test feeds by hand, and a record of the requests made. */
export function controlledSource() {
  const requests: Array<{
    input: unknown;
    signal: AbortSignal;
    controller: ReadableStreamDefaultController<string>;
  }> = [];
  const fetcher = (input: unknown, { signal }: { signal: AbortSignal }) =>
    new ReadableStream<string>({
      start(controller) {
        requests.push({ input, signal, controller });
      },
    });
  const last = () => {
    const r = requests[requests.length - 1];
    if (!r) throw new Error('no request yet');
    return r;
  };
  return {
    fetcher,
    requests,
    /** Feeds text; returns false when the reader has already gone (cancelled or aborted). */
    push: (text: string) => attempt(() => last().controller.enqueue(text)),
    end: () => attempt(() => last().controller.close()),
  };
}

/** Lets the stream reader and React catch up. */
export const tick = () => new Promise((r) => setTimeout(r, 0));

function attempt(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}
