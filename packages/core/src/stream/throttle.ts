/** `'frame'`: one per animation frame (16 ms without one); `0`: every change; or milliseconds. */
export type ThrottleSetting = 'frame' | number;

/**
 * A leading-edge throttle: the first request of a quiet period runs at once, then the ones that follow
 * are folded into at most one run per interval (an animation frame by default), the last one included.
 * So the first visible value of a stream reaches the screen without waiting for a frame.
 */
export class Throttle {
  private cooling: (() => void) | undefined;
  private pending = false;

  constructor(private readonly run: () => void) {}

  request(setting: ThrottleSetting): void {
    if (setting === 0) {
      this.run();
      return;
    }
    if (this.cooling) {
      this.pending = true;
      return;
    }
    this.run();
    this.cool(setting);
  }

  /** Forgets a pending run (the caller flushes itself when it needs to). */
  cancel(): void {
    this.cooling?.();
    this.cooling = undefined;
    this.pending = false;
  }

  private cool(setting: ThrottleSetting): void {
    const end = () => {
      this.cooling = undefined;
      if (!this.pending) return;
      this.pending = false;
      this.run();
      this.cool(setting);
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
