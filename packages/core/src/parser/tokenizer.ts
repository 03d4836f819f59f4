import { PartialJSONError } from '../errors.ts';

/** Receives the tokens of a JSON text, in order. Implemented by the builder; one shape, so calls stay monomorphic. */
export interface TokenSink {
  openContainer(isArray: boolean): void;
  closeContainer(): void;
  key(key: string): void;
  beginString(): void;
  appendString(text: string): void;
  endString(): void;
  primitive(value: number | boolean | null): void;
}

// Tokenizer states.
const VALUE = 0; // a value is required (root, after ':' or ',' in an array)
const VALUE_OR_CLOSE = 1; // after '[': a value or ']'
const KEY_OR_CLOSE = 2; // after '{': a key or '}'
const KEY = 3; // after ',' in an object
const COLON = 4;
const AFTER_VALUE = 5; // ',' or the container's closing bracket
const STRING = 6;
const ESCAPE = 7;
const UNICODE = 8;
const NUMBER = 9;
const LITERAL = 10;
const DONE = 11; // the root value is complete: only whitespace may follow

// Number sub-states; the ones marked * may end the number.
const N_MINUS = 0;
const N_ZERO = 1; // *
const N_INT = 2; // *
const N_DOT = 3;
const N_FRAC = 4; // *
const N_E = 5;
const N_ESIGN = 6;
const N_EXP = 7; // *

const LITERALS = ['true', 'false', 'null'] as const;
const LITERAL_VALUES = [true, false, null] as const;

const EXPECTED: Record<number, string> = {
  [VALUE]: 'a value',
  [VALUE_OR_CLOSE]: "a value or ']'",
  [KEY_OR_CLOSE]: `a string key or '}'`,
  [KEY]: 'a string key',
  [COLON]: "':'",
  [DONE]: 'the end of the input',
};

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;

/**
 * A JSON state machine over UTF-16 code units. It holds only the unfinished token (a number's digits,
 * a literal's prefix, a pending escape), never the text already consumed, so each chunk costs
 * O(chunk length). Containers are tracked in an explicit stack: no recursion, depth bounded by `maxDepth`.
 */
export class Tokenizer {
  private state = VALUE;
  private readonly containers: boolean[] = []; // true = array
  private inKey = false;
  private keyText = '';
  /** A high surrogate held back until its partner arrives, so a pair is never shown half-done. */
  private heldHigh = '';
  private unicode = 0;
  private unicodeDigits = 0;
  private numState = N_MINUS;
  private numText = '';
  private literal = 0;
  private literalIndex = 0;
  private offset = 0;
  /** The error the input failed with; every later call rethrows it. */
  failure: PartialJSONError | undefined;

  constructor(
    private readonly sink: TokenSink,
    private readonly maxDepth: number,
    private readonly maxLength: number,
  ) {}

  /** Total number of UTF-16 code units received. */
  get position(): number {
    return this.offset;
  }

  write(chunk: string): void {
    if (this.failure) throw this.failure;
    const n = chunk.length;
    if (this.offset + n > this.maxLength) {
      throw this.fail(
        `Input exceeds maxLength (${this.maxLength} characters) at position ${this.maxLength}`,
        this.maxLength,
      );
    }
    const sink = this.sink;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case STRING: {
          // Copy the longest run of plain characters in one slice.
          const start = i;
          let c = 0;
          while (i < n) {
            c = chunk.charCodeAt(i);
            if (c === 0x22 || c === 0x5c || c < 0x20) break;
            i++;
          }
          if (i > start) this.text(chunk, start, i);
          if (i === n) break;
          if (c === 0x22) {
            i++;
            this.closeString();
          } else if (c === 0x5c) {
            i++;
            this.state = ESCAPE;
          } else {
            throw this.error(i, chunk, 'a string character (control characters must be escaped)');
          }
          break;
        }
        case ESCAPE: {
          const c = chunk.charCodeAt(i++);
          let s: string;
          switch (c) {
            case 0x22:
              s = '"';
              break;
            case 0x5c:
              s = '\\';
              break;
            case 0x2f:
              s = '/';
              break;
            case 0x62:
              s = '\b';
              break;
            case 0x66:
              s = '\f';
              break;
            case 0x6e:
              s = '\n';
              break;
            case 0x72:
              s = '\r';
              break;
            case 0x74:
              s = '\t';
              break;
            case 0x75:
              this.state = UNICODE;
              this.unicode = 0;
              this.unicodeDigits = 0;
              continue;
            default:
              throw this.error(i - 1, chunk, 'an escape character (one of " \\ / b f n r t u)');
          }
          this.emitText(s);
          this.state = STRING;
          break;
        }
        case UNICODE: {
          const c = chunk.charCodeAt(i);
          const d =
            c >= 0x30 && c <= 0x39
              ? c - 0x30
              : c >= 0x61 && c <= 0x66
                ? c - 87
                : c >= 0x41 && c <= 0x46
                  ? c - 55
                  : -1;
          if (d < 0) throw this.error(i, chunk, 'a hexadecimal digit');
          i++;
          this.unicode = this.unicode * 16 + d;
          if (++this.unicodeDigits === 4) {
            this.state = STRING;
            this.emitText(String.fromCharCode(this.unicode));
          }
          break;
        }
        case NUMBER: {
          const start = i;
          let ended = false;
          while (i < n) {
            const c = chunk.charCodeAt(i);
            const ns = this.numState;
            if (c >= 0x30 && c <= 0x39) {
              if (ns === N_MINUS) this.numState = c === 0x30 ? N_ZERO : N_INT;
              else if (ns === N_ZERO)
                throw this.error(i, chunk, "'.', 'e' or the end of the number (no leading zeros)");
              else if (ns === N_DOT) this.numState = N_FRAC;
              else if (ns === N_E || ns === N_ESIGN) this.numState = N_EXP;
            } else if (c === 0x2e) {
              if (ns !== N_ZERO && ns !== N_INT) throw this.error(i, chunk, 'a digit');
              this.numState = N_DOT;
            } else if (c === 0x65 || c === 0x45) {
              if (ns !== N_ZERO && ns !== N_INT && ns !== N_FRAC) throw this.error(i, chunk, 'a digit');
              this.numState = N_E;
            } else if (c === 0x2b || c === 0x2d) {
              if (ns !== N_E) throw this.error(i, chunk, 'a digit');
              this.numState = N_ESIGN;
            } else {
              ended = true;
              break;
            }
            i++;
          }
          this.numText += chunk.slice(start, i);
          if (ended) {
            this.endNumber(i, chunk);
            // the delimiter is handled by the next state
          }
          break;
        }
        case LITERAL: {
          const word = LITERALS[this.literal]!;
          while (i < n && this.literalIndex < word.length) {
            if (chunk.charCodeAt(i) !== word.charCodeAt(this.literalIndex)) {
              throw this.error(i, chunk, `'${word[this.literalIndex]}' (in '${word}')`);
            }
            i++;
            this.literalIndex++;
          }
          if (this.literalIndex === word.length) {
            sink.primitive(LITERAL_VALUES[this.literal]!);
            this.afterValue();
          }
          break;
        }
        default: {
          let c = chunk.charCodeAt(i);
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            if (++i === n) break;
            c = chunk.charCodeAt(i);
          }
          if (i === n) break;
          this.structural(c, i, chunk);
          i++;
        }
      }
    }
    this.offset += n;
  }

  /** The input is over: finish a trailing number, or fail if the document is incomplete. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.state === NUMBER) this.endNumber(0, '');
    if (this.state !== DONE) {
      const expected =
        this.state === STRING || this.state === ESCAPE || this.state === UNICODE
          ? `the closing '"' of a string`
          : this.state === LITERAL
            ? `the rest of '${LITERALS[this.literal]}'`
            : this.state === AFTER_VALUE
              ? `',' or '${this.containers[this.containers.length - 1] ? ']' : '}'}'`
              : (EXPECTED[this.state] ?? 'more input');
      throw this.fail(
        `Unexpected end of JSON input at position ${this.offset}: expected ${expected}`,
        this.offset,
        true,
      );
    }
  }

  private structural(c: number, i: number, chunk: string): void {
    const state = this.state;
    if (state === AFTER_VALUE) {
      const isArray = this.containers[this.containers.length - 1]!;
      if (c === 0x2c) {
        this.state = isArray ? VALUE : KEY;
      } else if (c === (isArray ? 0x5d : 0x7d)) {
        this.containers.pop();
        this.sink.closeContainer();
        this.afterValue();
      } else {
        throw this.error(i, chunk, `',' or '${isArray ? ']' : '}'}'`);
      }
      return;
    }
    if (state === COLON) {
      if (c !== 0x3a) throw this.error(i, chunk, "':'");
      this.state = VALUE;
      return;
    }
    if (state === KEY || state === KEY_OR_CLOSE) {
      if (c === 0x22) {
        this.inKey = true;
        this.keyText = '';
        this.state = STRING;
      } else if (c === 0x7d && state === KEY_OR_CLOSE) {
        this.containers.pop();
        this.sink.closeContainer();
        this.afterValue();
      } else {
        throw this.error(i, chunk, EXPECTED[state]!);
      }
      return;
    }
    if (state === DONE) throw this.error(i, chunk, 'the end of the input');
    // VALUE or VALUE_OR_CLOSE
    switch (c) {
      case 0x7b:
      case 0x5b: {
        const isArray = c === 0x5b;
        if (this.containers.length >= this.maxDepth) {
          throw this.fail(
            `Nesting deeper than maxDepth (${this.maxDepth}) at position ${this.offset + i}`,
            this.offset + i,
          );
        }
        this.containers.push(isArray);
        this.sink.openContainer(isArray);
        this.state = isArray ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
        return;
      }
      case 0x5d:
        if (state !== VALUE_OR_CLOSE) break;
        this.containers.pop();
        this.sink.closeContainer();
        this.afterValue();
        return;
      case 0x22:
        this.inKey = false;
        this.state = STRING;
        this.sink.beginString();
        return;
      case 0x74:
      case 0x66:
      case 0x6e:
        this.literal = c === 0x74 ? 0 : c === 0x66 ? 1 : 2;
        this.literalIndex = 1;
        this.state = LITERAL;
        return;
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          this.numState = c === 0x2d ? N_MINUS : c === 0x30 ? N_ZERO : N_INT;
          this.numText = c === 0x2d ? '-' : String.fromCharCode(c);
          this.state = NUMBER;
          return;
        }
    }
    throw this.error(i, chunk, EXPECTED[state]!);
  }

  private endNumber(i: number, chunk: string): void {
    const ns = this.numState;
    if (ns !== N_ZERO && ns !== N_INT && ns !== N_FRAC && ns !== N_EXP) {
      if (chunk === '') {
        throw this.fail(
          `Unexpected end of JSON input at position ${this.offset}: expected a digit`,
          this.offset,
          true,
        );
      }
      throw this.error(i, chunk, 'a digit');
    }
    this.sink.primitive(Number(this.numText));
    this.numText = '';
    this.afterValue();
  }

  private afterValue(): void {
    this.state = this.containers.length === 0 ? DONE : AFTER_VALUE;
  }

  /** A run of raw characters inside a string. */
  private text(chunk: string, start: number, end: number): void {
    if (this.heldHigh === '' && !isHigh(chunk.charCodeAt(end - 1))) {
      this.put(start === 0 && end === chunk.length ? chunk : chunk.slice(start, end));
    } else {
      this.emitText(chunk.slice(start, end));
    }
  }

  /** Text (a run or one decoded escape) whose last unit may be a high surrogate: that one waits for its partner. */
  private emitText(text: string): void {
    let s = text;
    if (this.heldHigh) {
      s = this.heldHigh + s;
      this.heldHigh = '';
    }
    if (isHigh(s.charCodeAt(s.length - 1))) {
      this.heldHigh = s.slice(-1);
      s = s.slice(0, -1);
    }
    if (s) this.put(s);
  }

  private put(s: string): void {
    if (this.inKey) this.keyText += s;
    else this.sink.appendString(s);
  }

  private closeString(): void {
    if (this.heldHigh) {
      this.put(this.heldHigh); // a lone surrogate, kept as JSON.parse keeps it
      this.heldHigh = '';
    }
    if (this.inKey) {
      this.sink.key(this.keyText);
      this.keyText = '';
      this.state = COLON;
    } else {
      this.sink.endString();
      this.afterValue();
    }
  }

  /** Records the error: the tokenizer stays failed and rethrows it on every later call. */
  private fail(message: string, position: number, incomplete = false): PartialJSONError {
    this.failure = new PartialJSONError(message, position, incomplete);
    return this.failure;
  }

  private error(i: number, chunk: string, expected: string): PartialJSONError {
    const position = this.offset + i;
    const ch = chunk.charAt(i);
    return this.fail(
      `Unexpected ${JSON.stringify(ch)} at position ${position}: expected ${expected}`,
      position,
    );
  }
}
