import { ListShapeError, PartialJSONError, TruncatedError } from '../errors.ts';

/**
 * Where the list is in the JSON text: `'auto'` (a root array, or the first array-valued key of a root
 * object), `'array'` (a root array), `'lines'` (JSON Lines / NDJSON or concatenated values) or the key of
 * a root object that holds the array.
 */
export type ListShape = 'auto' | 'array' | 'lines' | { readonly key: string };

/** Content types that mean JSON Lines when the shape is `'auto'`. */
const LINES_TYPES = ['application/x-ndjson', 'application/jsonl'];

/** `'auto'` reads a JSON Lines content type as `'lines'`; every other shape is kept. */
export function resolveShape(shape: ListShape, contentType: string | null | undefined): ListShape {
  if (shape !== 'auto' || !contentType) return shape;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return LINES_TYPES.includes(type) ? 'lines' : shape;
}

/** Receives each element the scanner finds: its text, in pieces, between `begin` and `end`. */
export interface ElementSink {
  begin(position: number): void;
  text(piece: string): void;
  end(): void;
}

// Scanner states.
const SEEK = 0; // before the root value
const ROOT_KEY_OR_CLOSE = 1; // after the root '{'
const ROOT_KEY_START = 2; // after ',' in the root object
const ROOT_KEY = 3; // inside a key of the root object
const ROOT_COLON = 4;
const ROOT_VALUE = 5;
const SKIP = 6; // inside a member of the root object that is not the list
const ROOT_AFTER = 7; // after a member of the root object: ',' or '}'
const LIST_FIRST = 8; // after '[': an element or ']'
const LIST_NEXT = 9; // after ',': an element
const LIST_AFTER = 10; // after an element: ',' or ']'
const ELEMENT = 11;
const LINES = 12; // between the values of a JSON Lines or concatenated stream
const DONE = 13; // the root value closed
const LINE_SKIP = 14; // 'lines' with extract: the rest of a line that holds no value (a fence, prose)
const LINE_WORD = 15; // 'lines' with extract: a word that may be a number or literal (see readWord)

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
/** A whole JSON number or literal. */
const ATOM = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;
/** Longest word taken for a number or literal between JSON Lines values; a longer one is prose. */
const MAX_WORD = 4096;
/** Characters that can begin a JSON value other than an object, array or string. */
const isWordStart = (c: number) =>
  c === MINUS || (c >= 0x30 && c <= 0x39) || c === 0x74 /* t */ || c === 0x66 /* f */ || c === 0x6e; /* n */
const isValueStart = (c: number) => c === QUOTE || isOpen(c) || isWordStart(c);
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isOpen = (c: number) => c === 0x7b || c === 0x5b;
/** Characters that end a number or literal, and that cannot begin a value. */
const isDelimiter = (c: number) =>
  isSpace(c) ||
  c === 0x2c ||
  c === 0x5d ||
  c === 0x7d ||
  c === 0x5b ||
  c === 0x7b ||
  c === QUOTE ||
  c === 0x3a;

/**
 * Finds the elements of a streamed list and hands each one's text to a sink, so a parser only ever
 * holds the element that is open: memory is bounded by the largest element, not by the list. A
 * string-aware bracket counter; the elements' text is validated by their parsers, the text around the
 * list (the root object's other members) only for its structure, since nothing of it is kept.
 *
 * With `extract` (the default of `streamItems`), prose or a Markdown fence before the root value is
 * skipped and anything after it is ignored, as `extractJson` does for one value (except, in `'auto'`,
 * a second JSON value: that is JSON Lines, and a `ListShapeError` says so); in `'lines'` mode the
 * text between values that cannot start an object or array (fence lines, remarks) is skipped, so a
 * fenced JSON Lines answer works too. Without it, the text must be exactly the list.
 */
export class ListScanner {
  private state = SEEK;
  private readonly lines: boolean;
  private readonly key: string | undefined;
  private rootIsArray = false;
  private found = false;
  // the key being read, in {key} mode only (raw JSON text, capped: a longer key cannot match)
  private keyRaw = '';
  private keyEscaped = false;
  private keyMatches = false;
  // the open value (an element, or a skipped member of the root object)
  private depth = 0;
  private inString = false;
  private escaped = false;
  private atom = false;
  /** After the root closed: whether the first non-space character after it was seen. */
  private tailSeen = false;
  // A word between JSON Lines values (LINE_WORD): its text, where it began, and whether it has ended.
  private word = '';
  private wordStart = 0;
  private wordEnded = false;
  private offset = 0;

  constructor(
    private readonly sink: ElementSink,
    private readonly shape: ListShape,
    private readonly extract: boolean,
  ) {
    this.lines = shape === 'lines';
    this.key = typeof shape === 'object' ? shape.key : undefined;
    if (this.lines) this.state = LINES;
  }

  /** Back to the start, for a new attempt. */
  reset(): void {
    this.state = this.lines ? LINES : SEEK;
    this.rootIsArray = false;
    this.found = false;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.atom = false;
    this.tailSeen = false;
    this.word = '';
    this.offset = 0;
  }

  write(chunk: string): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const state = this.state;
      if (state === ELEMENT || state === SKIP) {
        const end = this.scan(chunk, i);
        if (state === ELEMENT && end !== i) {
          this.sink.text(i === 0 && end < 0 ? chunk : chunk.slice(i, end < 0 ? n : end));
        }
        if (end < 0) break;
        i = end;
        if (state === SKIP) this.state = ROOT_AFTER;
        else {
          this.state = this.lines ? LINES : LIST_AFTER;
          this.sink.end();
        }
        continue;
      }
      if (state === ROOT_KEY) {
        i = this.readKey(chunk, i);
        continue;
      }
      if (state === LINE_SKIP) {
        const nl = chunk.indexOf('\n', i);
        if (nl < 0) break;
        this.state = LINES;
        i = nl + 1;
        continue;
      }
      if (state === LINE_WORD) {
        i = this.readWord(chunk, i);
        continue;
      }
      if (state === DONE && this.extract && this.tailSeen) break;
      const c = chunk.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (state === DONE && this.extract) {
        // A second value right after the root is JSON Lines read as one object (say, NDJSON relayed as
        // SSE, its content type lost): fail loudly rather than ignore every line after the first.
        if (this.shape === 'auto' && isOpen(c))
          throw this.shapeError(
            i,
            "A second JSON value follows the root value: for JSON Lines, use shape: 'lines'",
          );
        this.tailSeen = true;
        break;
      }
      switch (state) {
        case SEEK:
          if (c === 0x5b) {
            if (this.key !== undefined)
              throw this.shapeError(
                i,
                `Expected an object with the key ${JSON.stringify(this.key)}, found an array`,
              );
            this.rootIsArray = true;
            this.found = true;
            this.state = LIST_FIRST;
          } else if (c === 0x7b) {
            if (this.shape === 'array') throw this.shapeError(i, 'Expected an array, found an object');
            this.state = ROOT_KEY_OR_CLOSE;
          } else if (!this.extract) {
            throw this.shapeError(
              i,
              `Expected a list ('[', or '{' around it), found ${JSON.stringify(chunk[i])}`,
            );
          }
          break;
        case ROOT_KEY_OR_CLOSE:
          if (c === 0x7d) this.rootClosed(i);
          else this.startKey(c, i, chunk, `a string key or '}'`);
          break;
        case ROOT_KEY_START:
          this.startKey(c, i, chunk, 'a string key');
          break;
        case ROOT_COLON:
          if (c !== 0x3a) throw this.jsonError(i, chunk, "':'");
          this.state = ROOT_VALUE;
          break;
        case ROOT_VALUE:
          if (!this.found && this.keyMatches && c === 0x5b) {
            this.found = true;
            this.state = LIST_FIRST;
            break;
          }
          if (!this.found && this.key !== undefined && this.keyMatches)
            throw this.shapeError(i, `The value of the key ${JSON.stringify(this.key)} is not an array`);
          if (isDelimiter(c) && c !== QUOTE && !isOpen(c)) throw this.jsonError(i, chunk, 'a value');
          this.open(c);
          this.state = SKIP;
          continue; // the value's first character is scanned with it
        case ROOT_AFTER:
          if (c === 0x2c) this.state = ROOT_KEY_START;
          else if (c === 0x7d) this.rootClosed(i);
          else throw this.jsonError(i, chunk, "',' or '}'");
          break;
        case LIST_FIRST:
          if (c === 0x5d) {
            this.listClosed();
            break;
          }
          this.startElement(c, i, chunk);
          continue;
        case LIST_NEXT:
          this.startElement(c, i, chunk);
          continue;
        case LIST_AFTER:
          if (c === 0x2c) this.state = LIST_NEXT;
          else if (c === 0x5d) this.listClosed();
          else throw this.jsonError(i, chunk, "',' or ']'");
          break;
        case LINES:
          if (this.extract && !isOpen(c) && c !== QUOTE) {
            // A number or literal is told from prose ("1. First", "note:") only once its word ends.
            if (isWordStart(c)) {
              this.state = LINE_WORD;
              this.word = '';
              this.wordStart = this.offset + i;
              this.wordEnded = false;
            } else this.state = LINE_SKIP;
            continue;
          }
          this.startElement(c, i, chunk);
          continue;
        default:
          throw this.jsonError(i, chunk, 'the end of the input');
      }
      i++;
    }
    this.offset += n;
  }

  /**
   * The input is over. In JSON Lines a number or literal at the very end closes (the end delimits it);
   * inside `[…]` it may have been cut (`[1,2` of `[1,23]`): truncated, like anything else open.
   */
  end(): void {
    if (this.state === ELEMENT && this.atom && this.lines) {
      this.state = LINES;
      this.sink.end();
    }
    if (this.state === LINE_WORD) {
      if (this.wordEnded || ATOM.test(this.word)) this.emitWord();
      else this.state = LINE_SKIP;
    }
    if (this.state === DONE || this.state === LINES || this.state === LINE_SKIP) return;
    if (this.state === ELEMENT)
      throw new TruncatedError('eof', 'The stream ended inside an element of the list');
    if (this.state === SEEK) throw new TruncatedError('eof', 'The stream ended before the list began');
    const inList = this.state >= LIST_FIRST && this.state <= LIST_AFTER;
    throw new TruncatedError(
      'eof',
      inList
        ? 'The stream ended before the list was complete'
        : this.found
          ? 'The stream ended after the list, before the object around it closed'
          : 'The stream ended before the list began',
    );
  }

  /**
   * Scans the open value from `i`: the index just past its end (for a number or literal, the delimiter
   * that ends it, which is not part of it), or -1 when it goes on past the chunk.
   */
  private scan(chunk: string, i: number): number {
    const n = chunk.length;
    if (this.atom) {
      for (; i < n; i++) if (isDelimiter(chunk.charCodeAt(i))) return i;
      return -1;
    }
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let end = -1;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 0) {
            end = i + 1;
            break;
          }
        }
      } else if (c === QUOTE) inString = true;
      else if (isOpen(c)) depth++;
      else if ((c === 0x7d || c === 0x5d) && --depth <= 0) {
        end = i + 1;
        break;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return end;
  }

  /**
   * Reads a word between JSON Lines values (extract on) from `i`: it is a value when it is a whole
   * number or literal and nothing but values follows it on its line; otherwise its line is prose and
   * skipped. Returns where it stopped.
   */
  private readWord(chunk: string, i: number): number {
    const n = chunk.length;
    if (!this.wordEnded) {
      const start = i;
      while (i < n && !isDelimiter(chunk.charCodeAt(i))) i++;
      this.word += chunk.slice(start, i);
      if (this.word.length > MAX_WORD) {
        this.state = LINE_SKIP;
        return i;
      }
      if (i === n) return n;
      this.wordEnded = true;
      if (!ATOM.test(this.word)) {
        this.state = LINE_SKIP;
        return i;
      }
    }
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE || isValueStart(c)) {
        this.emitWord();
        return c === NEWLINE ? i + 1 : i;
      }
      if (!isSpace(c)) {
        this.state = LINE_SKIP;
        return i;
      }
    }
    return n;
  }

  private emitWord(): void {
    this.sink.begin(this.wordStart);
    this.sink.text(this.word);
    this.sink.end();
    this.word = '';
    this.state = LINES;
  }

  private open(c: number): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.atom = !isOpen(c) && c !== QUOTE;
  }

  private startElement(c: number, i: number, chunk: string): void {
    if (isDelimiter(c) && c !== QUOTE && !isOpen(c)) throw this.jsonError(i, chunk, 'a value');
    this.open(c);
    this.state = ELEMENT;
    this.sink.begin(this.offset + i);
  }

  private startKey(c: number, i: number, chunk: string, expected: string): void {
    if (c !== QUOTE) throw this.jsonError(i, chunk, expected);
    this.state = ROOT_KEY;
    this.keyRaw = '';
    this.keyEscaped = false;
  }

  /** Reads a key of the root object from `i` (after its opening quote); returns where it stopped. */
  private readKey(chunk: string, i: number): number {
    const n = chunk.length;
    const start = i;
    let escaped = this.keyEscaped;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) break;
    }
    this.keyEscaped = escaped;
    const key = this.key;
    // A JSON escape is at most 6 characters per character of the key: a longer raw key cannot match.
    if (key !== undefined && this.keyRaw.length <= key.length * 6) this.keyRaw += chunk.slice(start, i);
    if (i === n) return n;
    this.keyMatches = key === undefined || this.decodedKey() === key;
    this.state = ROOT_COLON;
    return i + 1;
  }

  private decodedKey(): string | undefined {
    try {
      return JSON.parse(`"${this.keyRaw}"`) as string;
    } catch {
      return undefined; // not a valid key: it cannot be the one asked for
    }
  }

  private rootClosed(i: number): void {
    if (!this.found) {
      throw this.shapeError(
        i,
        this.key !== undefined
          ? `The root object has no key ${JSON.stringify(this.key)}`
          : "The root object has no array-valued key (for JSON Lines, use shape: 'lines')",
      );
    }
    this.state = DONE;
  }

  private listClosed(): void {
    this.state = this.rootIsArray ? DONE : ROOT_AFTER;
  }

  private jsonError(i: number, chunk: string, expected: string): PartialJSONError {
    const position = this.offset + i;
    return new PartialJSONError(
      `Unexpected ${JSON.stringify(chunk.charAt(i))} at position ${position}: expected ${expected}`,
      position,
    );
  }

  private shapeError(i: number, message: string): ListShapeError {
    const position = this.offset + i;
    return new ListShapeError(`${message} at position ${position}`, position);
  }
}
