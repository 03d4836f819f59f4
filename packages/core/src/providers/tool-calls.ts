import type { DecodedEvent } from '../decode/events.ts';

export const text = (t: string): DecodedEvent => ({ type: 'text', text: t });

/** Picks one tool call among several, by position or by name, as they are announced. */
export class ToolCallSelector {
  private count = 0;
  private chosen: unknown;
  private found = false;

  constructor(private readonly target: number | string) {}

  /** Announces the next tool call (its provider id and name); returns whether it is the selected one. */
  announce(id: unknown, name: string | undefined): boolean {
    const index = this.count++;
    if (this.found) return false;
    if (typeof this.target === 'number' ? index === this.target : name === this.target) {
      this.found = true;
      this.chosen = id;
      return true;
    }
    return false;
  }

  is(id: unknown): boolean {
    return this.found && this.chosen === id;
  }
}
