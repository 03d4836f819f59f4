/** `'frame'`: one per animation frame (16 ms without one); `0`: every change; or milliseconds. */
export type ThrottleSetting = 'frame' | number;

/**
 * A leading-edge throttle: the first request of a quiet period runs at once, then the ones that follow
 * are folded into at most one run per interval (an animation frame by default), the last one included.
 * An `urgent` request runs at once and starts a new interval: the store makes the one that first shows
 * a field urgent, since the leading edge may have gone on an empty `{}`.
 */
export class Throttle {
  private cooling: (() => void) | undefined;
  private pending = false;
  /** Counts `cancel`s: a run that cancels (its listener stops the stream, or submits anew) starts no interval. */
  private cancels = 0;

  constructor(private readonly run: () => void) {}

  request(setting: ThrottleSetting, urgent = false): void {
    if (setting === 0) {
      this.run();
      return;
    }
    if (this.cooling) {
      if (!urgent) {
        this.pending = true;
        return;
      }
      this.cancel();
    }
    this.runAndCool(setting);
  }

  /** Forgets a pending run: the caller has just run itself. The interval goes on. */
  skipPending(): void {
    this.pending = false;
  }

  /** Forgets a pending run and the interval: the next request runs at once (a new stream, an attempt). */
  cancel(): void {
    this.cancels++;
    this.cooling?.();
    this.cooling = undefined;
    this.pending = false;
  }

  /** Runs, then starts an interval, unless the run cancelled the throttle: what comes next is a new stream's. */
  private runAndCool(setting: ThrottleSetting): void {
    const cancels = this.cancels;
    this.run();
    if (this.cancels === cancels) this.cool(setting);
  }

  private cool(setting: ThrottleSetting): void {
    const end = () => {
      this.cooling = undefined;
      if (!this.pending) return;
      this.pending = false;
      this.runAndCool(setting);
    };
    if (setting === 'frame' && typeof requestAnimationFrame === 'function') {
      const id = requestAnimationFrame(end);
      this.cooling = () => cancelAnimationFrame(id);
    } else {
      const id = setTimeout(end, setting === 'frame' ? 16 : setting);
      this.cooling = () => clearTimeout(id);
    }
  }
}

/**
 * Whether a snapshot shows a field: a non-empty string, a number or a boolean anywhere in it (`{}`,
 * `{ "items": [{}] }` or an empty string show nothing yet). Only asked until the first one does, while
 * snapshots are a few empty containers.
 */
export function showsField(value: unknown): boolean {
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v) return true;
    } else if (typeof v === 'number' || typeof v === 'boolean') return true;
    else if (v !== null && typeof v === 'object')
      for (const key in v) stack.push((v as Record<string, unknown>)[key]);
  }
  return false;
}
