import { PartialJSONError, SchemaThrew, syntaxErrors } from '../errors.ts';

/** Receives the tokens of a JSON text, in order. Implemented by the builder; one shape, so calls stay monomorphic. */
export interface TokenSink {
  openContainer(isArray: boolean): void;
  closeContainer(): void;
  key(key: string): void;
  /** A string value begins; its text so far is the tokenizer's `str` until `endString`. */
  beginString(): void;
  endString(value: string): void;
  primitive(value: number | boolean | null): void;
  /** The key the object being parsed probably has next (records repeat their keys), if any. */
  predictKey(): string | undefined;
}

// Character codes (UTF-16 code units) the state machine compares against.
const TAB = 0x09; // \t
const LF = 0x0a; // \n
const CR = 0x0d; // \r
const SPACE = 0x20; // ' ' (below it: control characters)
const QUOTE = 0x22; // "
const PLUS = 0x2b; // +
const COMMA = 0x2c; // ,
const MINUS = 0x2d; // -
const DOT = 0x2e; // .
const SLASH = 0x2f; // /
const DIGIT_0 = 0x30; // 0
const DIGIT_9 = 0x39; // 9
const COLON_CHAR = 0x3a; // :
const UPPER_A = 0x41; // A
const UPPER_E = 0x45; // E
const UPPER_F = 0x46; // F
const OPEN_BRACKET = 0x5b; // [
const BACKSLASH = 0x5c; // backslash
const CLOSE_BRACKET = 0x5d; // ]
const LOWER_A = 0x61; // a
const LOWER_B = 0x62; // b
const LOWER_E = 0x65; // e
const LOWER_F = 0x66; // f
const LOWER_N = 0x6e; // n
const LOWER_R = 0x72; // r
const LOWER_T = 0x74; // t
const LOWER_U = 0x75; // u
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const HIGH_SURROGATE_MIN = 0xd800; // first high surrogate
const HIGH_SURROGATE_MAX = 0xdbff; // last high surrogate

// Tokenizer states. The order matters: the states from VALUE to AFTER_VALUE (0–5) are the ones between
// tokens, where whitespace is skipped and a structural character is expected; `write` tests
// `state <= AFTER_VALUE` for them. Keep them first and contiguous.
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
const KEY_TEXT = 12; // inside a key that so far matches the predicted one (see `predictKey`)

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

const isHigh = (c: number) => c >= HIGH_SURROGATE_MIN && c <= HIGH_SURROGATE_MAX;

/** Digits form an exact integer below this; past it they are kept as text (see `number`). */
const EXACT = 2 ** 53;
/** The powers of ten that a double holds exactly. */
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/**
 * `sig × 10^exp` as `Number` would parse it. When the digits form an integer below 2^53 and the power
 * of ten is exact, one IEEE operation rounds exactly once, so it gives the same double with no text
 * to convert (Clinger's fast path); other numbers go through `Number`.
 */
function decimal(sig: number, digits: string, exp: number): number {
  if (sig < EXACT) {
    if (sig === 0) return 0;
    if (exp >= 0 && exp <= 22) return sig * POW10[exp]!;
    if (exp < 0 && exp >= -22) return sig / POW10[-exp]!;
  }
  // Past ±1e15 the result is 0 or Infinity whatever the digits; the clamp keeps `exp` in plain notation.
  const e = exp > 1e15 ? 1e15 : exp < -1e15 ? -1e15 : exp;
  return Number(`${sig < EXACT ? sig : digits}e${e}`);
}

/**
 * A JSON state machine over UTF-16 code units. It holds only the unfinished token (a number's digits,
 * a literal's prefix, a pending escape), never the text already consumed, so each chunk costs
 * O(chunk length). Containers are tracked in an explicit stack: no recursion, depth bounded by `maxDepth`.
 */
export class Tokenizer {
  private state = VALUE;
  private readonly containers: boolean[] = []; // true = array
  private inKey = false;
  /** The key being matched in `KEY_TEXT`, and how many of its characters matched so far. */
  private predicted = '';
  private matched = 0;
  /** The open string (key or value) received so far: the builder reads it when a snapshot is taken. */
  str = '';
  /** A high surrogate held back until its partner arrives, so a pair is never shown half-done. */
  private held = 0;
  private unicode = 0;
  private unicodeDigits = 0;
  private numState = N_MINUS;
  private numNeg = false;
  /** The number's digits as an integer while below 2^53 (then `numDigits` holds them as text). */
  private numSig = 0;
  private numDigits = '';
  /** How many of the digits follow the '.', and the exponent. */
  private numScale = 0;
  private numExp = 0;
  private numExpNeg = false;
  private literal = 0;
  private literalIndex = 0;
  private offset = 0;
  /** `maxLength`, or -1 once the tokenizer failed or was closed. */
  private limit: number;
  private closed = false;
  /** The error the input failed with; every later call rethrows it. */
  failure: PartialJSONError | undefined;

  constructor(
    private readonly sink: TokenSink,
    private readonly maxDepth: number,
    private readonly maxLength: number,
  ) {
    this.limit = maxLength;
  }

  /** Total number of UTF-16 code units received. */
  get position(): number {
    return this.offset;
  }

  /** Refuses any further input (the parser ended). */
  seal(): void {
    this.closed = true;
    this.limit = -1;
  }

  write(chunk: string): void {
    // One test covers the three reasons not to take a chunk whole: failed, closed, or past maxLength.
    if (this.offset + chunk.length > this.limit) {
      this.refuse(chunk);
      return;
    }
    try {
      this.scan(chunk);
    } catch (error) {
      throw this.failWith(error);
    }
  }

  /** Parses one chunk that fits within the bounds. */
  private scan(chunk: string): void {
    const n = chunk.length;
    // The state lives in a local while the chunk is scanned: most chunks of a streamed answer fall
    // inside one string, and this keeps that path to a tight loop and one concatenation.
    let state = this.state;
    let i = 0;
    while (i < n) {
      if (state === STRING) {
        const start = i;
        let c = 0;
        while (i < n) {
          c = chunk.charCodeAt(i);
          if (c === QUOTE || c === BACKSLASH || c < SPACE) break;
          i++;
        }
        if (i > start) {
          // The last character taken is `c` unless the scan stopped at a quote or backslash; the
          // test below is `!isHigh(last)` written out, which measured a little faster on this path.
          const last = i === n ? c : chunk.charCodeAt(i - 1);
          if (this.held === 0 && (last < HIGH_SURROGATE_MIN || last > HIGH_SURROGATE_MAX)) {
            this.str += start === 0 && i === n ? chunk : chunk.slice(start, i);
          } else this.emitText(chunk.slice(start, i));
        }
        if (i === n) break;
        if (c === QUOTE) state = this.closeString();
        else if (c === BACKSLASH) state = ESCAPE;
        else throw this.error(i, chunk, 'a string character (control characters must be escaped)');
        i++;
      } else if (state <= AFTER_VALUE || state === DONE) {
        let c = chunk.charCodeAt(i);
        while (c === SPACE || c === LF || c === CR || c === TAB) {
          if (++i === n) break;
          c = chunk.charCodeAt(i);
        }
        if (i === n) break;
        state = this.structural(state, c, i, chunk);
        i++;
      } else if (state === KEY_TEXT) {
        // Match the key against the predicted one without building a string; on the first
        // difference, fall back to the ordinary string state from the same character.
        const key = this.predicted;
        let p = this.matched;
        while (i < n && p < key.length) {
          const c = chunk.charCodeAt(i);
          // A raw quote, backslash or control character is never part of the key's text, whatever
          // characters the predicted key holds (those arrive escaped).
          if (c !== key.charCodeAt(p) || c === QUOTE || c === BACKSLASH || c < SPACE) break;
          p++;
          i++;
        }
        if (i === n) {
          this.matched = p;
          break;
        }
        if (p === key.length && chunk.charCodeAt(i) === QUOTE) {
          i++;
          this.sink.key(key);
          state = COLON;
        } else {
          this.str = key.slice(0, p);
          state = STRING;
        }
      } else if (state === NUMBER) {
        i = this.number(chunk, i);
        state = this.state;
      } else if (state === ESCAPE) {
        state = this.escape(chunk.charCodeAt(i), i, chunk);
        i++;
      } else if (state === UNICODE) {
        state = this.unicodeDigit(chunk.charCodeAt(i), i, chunk);
        i++;
      } else {
        const word = LITERALS[this.literal]!;
        while (i < n && this.literalIndex < word.length) {
          if (chunk.charCodeAt(i) !== word.charCodeAt(this.literalIndex)) {
            throw this.error(i, chunk, `'${word[this.literalIndex]}' (in '${word}')`);
          }
          i++;
          this.literalIndex++;
        }
        if (this.literalIndex === word.length) {
          this.sink.primitive(LITERAL_VALUES[this.literal]!);
          state = this.afterValue();
        }
      }
    }
    this.state = state;
    this.offset += n;
  }

  private escape(c: number, i: number, chunk: string): number {
    let s: string;
    switch (c) {
      case QUOTE:
        s = '"';
        break;
      case BACKSLASH:
        s = '\\';
        break;
      case SLASH:
        s = '/';
        break;
      case LOWER_B:
        s = '\b';
        break;
      case LOWER_F:
        s = '\f';
        break;
      case LOWER_N:
        s = '\n';
        break;
      case LOWER_R:
        s = '\r';
        break;
      case LOWER_T:
        s = '\t';
        break;
      case LOWER_U:
        this.unicode = 0;
        this.unicodeDigits = 0;
        return UNICODE;
      default:
        throw this.error(i, chunk, 'an escape character (one of " \\ / b f n r t u)');
    }
    this.emitText(s);
    return STRING;
  }

  private unicodeDigit(c: number, i: number, chunk: string): number {
    const d =
      c >= DIGIT_0 && c <= DIGIT_9
        ? c - DIGIT_0
        : c >= LOWER_A && c <= LOWER_F
          ? c - LOWER_A + 10
          : c >= UPPER_A && c <= UPPER_F
            ? c - UPPER_A + 10
            : -1;
    if (d < 0) throw this.error(i, chunk, 'a hexadecimal digit');
    this.unicode = this.unicode * 16 + d;
    if (++this.unicodeDigits < 4) return UNICODE;
    this.emitText(String.fromCharCode(this.unicode));
    return STRING;
  }

  /** Scans number characters from `from`; returns where the scan stopped, and sets `state`. */
  private number(chunk: string, from: number): number {
    const n = chunk.length;
    let i = from;
    let ended = false;
    let ns = this.numState;
    let sig = this.numSig;
    let scale = this.numScale;
    let exp = this.numExp;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (c >= DIGIT_0 && c <= DIGIT_9) {
        const d = c - DIGIT_0;
        if (ns === N_INT || ns === N_FRAC || ns === N_DOT) {
          if (ns !== N_INT) {
            scale++;
            ns = N_FRAC;
          }
          const next = sig * 10 + d;
          if (next < EXACT) sig = next;
          else {
            // `sig` no longer holds the digits exactly: keep them as text from here on.
            this.numDigits = sig < EXACT ? `${sig}${d}` : this.numDigits + d;
            sig = EXACT;
          }
        } else if (ns === N_MINUS) {
          ns = d === 0 ? N_ZERO : N_INT;
          sig = d;
        } else if (ns === N_ZERO) {
          throw this.error(i, chunk, "'.', 'e' or the end of the number (no leading zeros)");
        } else {
          ns = N_EXP;
          exp = exp * 10 + d;
        }
      } else if (c === DOT) {
        if (ns !== N_ZERO && ns !== N_INT) throw this.error(i, chunk, 'a digit');
        ns = N_DOT;
      } else if (c === LOWER_E || c === UPPER_E) {
        if (ns !== N_ZERO && ns !== N_INT && ns !== N_FRAC) throw this.error(i, chunk, 'a digit');
        ns = N_E;
      } else if (c === PLUS || c === MINUS) {
        if (ns !== N_E) throw this.error(i, chunk, 'a digit');
        ns = N_ESIGN;
        this.numExpNeg = c === MINUS;
      } else {
        ended = true;
        break;
      }
      i++;
    }
    this.numState = ns;
    this.numSig = sig;
    this.numScale = scale;
    this.numExp = exp;
    // the delimiter is handled by the next state
    this.state = ended ? this.endNumber(i, chunk) : NUMBER;
    return i;
  }

  /**
   * A chunk that cannot be taken whole. Past `maxLength` the text up to the bound is still parsed, so
   * the value and the error (an invalid character before the bound comes first) do not depend on how
   * the text was chunked.
   */
  private refuse(chunk: string): never {
    if (this.failure) throw this.failure;
    if (this.closed) throw new PartialJSONError('write() after end()', this.offset);
    const fits = this.maxLength - this.offset;
    if (fits > 0) this.write(chunk.slice(0, fits));
    throw this.fail(
      `Input exceeds maxLength (${this.maxLength} characters) at position ${this.maxLength}`,
      this.maxLength,
    );
  }

  /**
   * An exception that is not the parser's own (V8's `RangeError` for a string past its length limit, a
   * schema refinement that throws): the parser fails for good, with a typed error at the start of the
   * chunk that could not be taken (positions inside a chunk are not tracked on this path) or at the end;
   * a schema's exception is named by the path it validated, and is the error's `cause`.
   */
  failWith(error: unknown, step: 'take the chunk' | 'finish the input' = 'take the chunk'): PartialJSONError {
    if (error === this.failure && this.failure) return this.failure;
    const thrown = error instanceof SchemaThrew ? error.cause : error;
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    const where = error instanceof SchemaThrew ? ` (${error.message})` : '';
    return this.fail(
      `Could not ${step} at position ${this.offset}${where}: ${reason}`,
      this.offset,
      false,
      thrown,
    );
  }

  /** The input is over: finish a trailing number, or fail if the document is incomplete. */
  end(): void {
    if (this.failure) throw this.failure;
    try {
      this.finishInput();
    } catch (error) {
      throw this.failWith(error, 'finish the input');
    }
  }

  private finishInput(): void {
    if (this.state === NUMBER) this.state = this.endNumber(0, '');
    const state = this.state;
    if (state !== DONE) {
      const expected =
        state === STRING || state === ESCAPE || state === UNICODE || state === KEY_TEXT
          ? `the closing '"' of a string`
          : state === LITERAL
            ? `the rest of '${LITERALS[this.literal]}'`
            : state === AFTER_VALUE
              ? `',' or '${this.containers[this.containers.length - 1] ? ']' : '}'}'`
              : (EXPECTED[state] ?? 'more input');
      throw this.fail(
        `Unexpected end of JSON input at position ${this.offset}: expected ${expected}`,
        this.offset,
        true,
      );
    }
  }

  /** A structural character (or the first of a value) in `state`; returns the next state. */
  private structural(state: number, c: number, i: number, chunk: string): number {
    if (state === AFTER_VALUE) {
      const isArray = this.containers[this.containers.length - 1]!;
      if (c === COMMA) return isArray ? VALUE : KEY;
      if (c === (isArray ? CLOSE_BRACKET : CLOSE_BRACE)) return this.close();
      throw this.error(i, chunk, `',' or '${isArray ? ']' : '}'}'`);
    }
    if (state === COLON) {
      if (c !== COLON_CHAR) throw this.error(i, chunk, "':'");
      return VALUE;
    }
    if (state === KEY || state === KEY_OR_CLOSE) {
      if (c === QUOTE) {
        this.inKey = true;
        this.str = '';
        const key = this.sink.predictKey();
        if (key === undefined) return STRING;
        this.predicted = key;
        this.matched = 0;
        return KEY_TEXT;
      }
      if (c === CLOSE_BRACE && state === KEY_OR_CLOSE) return this.close();
      throw this.error(i, chunk, EXPECTED[state]!);
    }
    if (state === DONE) throw this.error(i, chunk, 'the end of the input');
    // VALUE or VALUE_OR_CLOSE
    switch (c) {
      case QUOTE:
        this.inKey = false;
        this.str = '';
        this.sink.beginString();
        return STRING;
      case OPEN_BRACE:
      case OPEN_BRACKET: {
        const isArray = c === OPEN_BRACKET;
        if (this.containers.length >= this.maxDepth) {
          throw this.fail(
            `Nesting deeper than maxDepth (${this.maxDepth}) at position ${this.offset + i}`,
            this.offset + i,
          );
        }
        this.containers.push(isArray);
        this.sink.openContainer(isArray);
        return isArray ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
      }
      case CLOSE_BRACKET:
        if (state !== VALUE_OR_CLOSE) break;
        return this.close();
      case LOWER_T:
      case LOWER_F:
      case LOWER_N:
        this.literal = c === LOWER_T ? 0 : c === LOWER_F ? 1 : 2;
        this.literalIndex = 1;
        return LITERAL;
      default:
        if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
          this.numState = c === MINUS ? N_MINUS : c === DIGIT_0 ? N_ZERO : N_INT;
          this.numNeg = c === MINUS;
          this.numSig = c === MINUS ? 0 : c - DIGIT_0;
          this.numScale = 0;
          this.numExp = 0;
          this.numExpNeg = false;
          return NUMBER;
        }
    }
    throw this.error(i, chunk, EXPECTED[state]!);
  }

  private close(): number {
    this.containers.pop();
    this.sink.closeContainer();
    return this.afterValue();
  }

  private endNumber(i: number, chunk: string): number {
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
    const exp = (this.numExpNeg ? -this.numExp : this.numExp) - this.numScale;
    let value = decimal(this.numSig, this.numDigits, exp);
    // An integral value computed in floating point would be boxed as a heap number; as a small
    // integer it is stored inline, and the fields that hold it keep V8's integer representation.
    if ((value | 0) === value) value |= 0;
    this.sink.primitive(this.numNeg ? -value : value);
    return this.afterValue();
  }

  private afterValue(): number {
    return this.containers.length === 0 ? DONE : AFTER_VALUE;
  }

  /** Text (a run or one decoded escape) whose last unit may be a high surrogate: that one waits for its partner. */
  private emitText(text: string): void {
    let s = text;
    if (this.held !== 0) {
      s = String.fromCharCode(this.held) + s;
      this.held = 0;
    }
    if (isHigh(s.charCodeAt(s.length - 1))) {
      this.held = s.charCodeAt(s.length - 1);
      s = s.slice(0, -1);
    }
    this.str += s;
  }

  private closeString(): number {
    if (this.held !== 0) {
      this.str += String.fromCharCode(this.held); // a lone surrogate, kept as JSON.parse keeps it
      this.held = 0;
    }
    const s = this.str;
    this.str = '';
    if (this.inKey) {
      this.sink.key(s);
      return COLON;
    }
    this.sink.endString(s);
    return this.afterValue();
  }

  /** Records the error: the tokenizer stays failed and rethrows it on every later call. */
  private fail(
    message: string,
    position: number,
    incomplete = false,
    cause?: unknown,
    syntax = false,
  ): PartialJSONError {
    this.failure = new PartialJSONError(
      message,
      position,
      incomplete,
      cause === undefined ? undefined : { cause },
    );
    if (syntax) syntaxErrors.add(this.failure);
    this.limit = -1;
    return this.failure;
  }

  private error(i: number, chunk: string, expected: string): PartialJSONError {
    const position = this.offset + i;
    const ch = chunk.charAt(i);
    return this.fail(
      `Unexpected ${JSON.stringify(ch)} at position ${position}: expected ${expected}`,
      position,
      false,
      undefined,
      true,
    );
  }
}
