const SEEK = 0;
const IN = 1;
const AFTER = 2;

/**
 * Streams only the JSON value out of model text: drops prose or a ```json fence before the first `{`
 * or `[`, and whatever follows the value once it closes (a closing fence, a remark). A small
 * string-aware bracket counter, so braces inside strings do not confuse it.
 */
export class JsonExtractor {
  private state = SEEK;
  private depth = 0;
  private inString = false;
  private escaped = false;

  push(text: string): string {
    if (this.state === AFTER) return '';
    let start = 0;
    let i = 0;
    if (this.state === SEEK) {
      while (i < text.length && text[i] !== '{' && text[i] !== '[') i++;
      if (i === text.length) return '';
      start = i;
      this.state = IN;
    }
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if ((c === 0x7d || c === 0x5d) && --this.depth === 0) {
        this.state = AFTER;
        return text.slice(start, i + 1);
      }
    }
    return text.slice(start);
  }

  reset(): void {
    this.state = SEEK;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}
