/**
 * Cuts a reasoning model's `<think>…</think>` block from the start of an answer (DeepSeek R1, QwQ or
 * Qwen3 behind a server that does not split the reasoning out), so that JSON the model wrote while
 * thinking is not taken for the answer. Streaming: text after the block passes on as it comes.
 *
 * Invariants: only a block at the start counts (its `<` the first non-space character of the text);
 * any other text passes on untouched. What is held is at most a prefix of the opening tag or the last 7
 * characters of the block (where its closing tag may begin), so memory stays constant however long the
 * model thinks. Spaces before the tag are dropped (whitespace to JSON too).
 */
export class ThinkBlock {
  private state = START;
  /** START: a prefix of the opening tag; INSIDE: the last characters read, where `</think>` may begin. */
  private held = '';

  /** The text with the block cut out: '' while inside it, or while its opening tag may still be coming. */
  push(text: string): string {
    if (this.state === PASS) return text;
    let rest = this.held + text;
    if (this.state === START) {
      const head = rest.trimStart();
      if (head.length < OPEN.length && OPEN.startsWith(head)) {
        this.held = head; // the tag may be coming (leading spaces are dropped: whitespace to JSON)
        return '';
      }
      this.held = '';
      if (!head.startsWith(OPEN)) {
        this.state = PASS; // not a block: all of it is text
        return rest;
      }
      this.state = INSIDE;
      rest = head.slice(OPEN.length);
    }
    const at = rest.indexOf(CLOSE);
    if (at < 0) {
      this.held = rest.slice(-(CLOSE.length - 1));
      return '';
    }
    this.state = PASS;
    this.held = '';
    return rest.slice(at + CLOSE.length);
  }

  /** Back to the start, for a new attempt. */
  reset(): void {
    this.state = START;
    this.held = '';
  }
}

const OPEN = '<think>';
const CLOSE = '</think>';

// States.
const START = 0; // before the first non-space character, or inside the opening tag
const INSIDE = 1; // in the block
const PASS = 2; // after the block, or no block: everything passes
