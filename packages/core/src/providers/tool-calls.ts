import type { DecodedEvent } from '../decode/events.ts';
import { missingToolCall, unreadToolCalls } from '../decode/tool-call-missing.ts';

export const text = (t: string): DecodedEvent => ({ type: 'text', text: t });

/** Picks one tool call among several, by position or by name, as they are announced. */
export class ToolCallSelector {
  private count = 0;
  private chosen: unknown;
  private found = false;
  private readonly names: string[] = [];

  constructor(private readonly target: number | string) {}

  /** Announces the next tool call (its provider id and name); returns whether it is the selected one. */
  announce(id: unknown, name: string | undefined): boolean {
    const index = this.count++;
    this.names.push(typeof name === 'string' ? name : ''); // the wire's, whatever the types say
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

  /** At the end of a response that finished well: throws when the selected call never came. */
  assertFound(): void {
    if (!this.found) throw missingToolCall(this.target, this.names);
  }
}

/**
 * Read without `decode.toolCall`: the tools the model called, and whether it wrote any text. A response
 * that finished well with calls and no text fails saying which option reads them.
 */
export class TextOrCalls {
  private readonly names: string[] = [];
  wrote = false;

  called(name: unknown): void {
    this.names.push(typeof name === 'string' ? name : '');
  }

  /** At the end of a response that finished well. */
  assertText(): void {
    if (!this.wrote && this.names.length) throw unreadToolCalls(this.names);
  }
}
