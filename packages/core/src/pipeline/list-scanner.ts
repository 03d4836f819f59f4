import { InvalidOptionError, ListShapeError, PartialJSONError, TruncatedError } from '../errors.ts';
import { ANY_KIND, ARRAY_KIND, kindAt, NUMBER_KIND, OBJECT_KIND, STRING_KIND } from '../schema/kinds.ts';

/**
 * Where the list is in the JSON text: `'auto'` (a root array, or the first array of a root object whose
 * first element an item can be, an empty one if no other), `'array'` (a root array), `'lines'` (JSON
 * Lines / NDJSON or concatenated values) or the key of a root object that holds the array.
 */
export type ListShape = 'auto' | 'array' | 'lines' | { readonly key: string };

/** Content types that mean JSON Lines when the shape is `'auto'`. */
const LINES_TYPES = ['application/x-ndjson', 'application/jsonl'];

/** The shape, if it is one; a typo (`'jsonl'`, `{ key: undefined }`) would otherwise read as `'auto'`. */
export function checkShape(shape: ListShape): ListShape {
  const key = typeof shape === 'object' && shape !== null ? (shape as { key?: unknown }).key : undefined;
  if (shape === 'auto' || shape === 'array' || shape === 'lines' || typeof key === 'string') return shape;
  throw new InvalidOptionError('shape', shape, "'auto', 'array', 'lines' or { key: string }");
}

/** `'auto'` reads a JSON Lines content type as `'lines'`; every other shape is kept. */
export function resolveShape(shape: ListShape, contentType: string | null | undefined): ListShape {
  if (checkShape(shape) !== 'auto' || !contentType) return shape;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return LINES_TYPES.includes(type) ? 'lines' : shape;
}

/** Receives each element the scanner finds: its text, in pieces, between `begin` and `end`. */
export interface ElementSink {
  begin(position: number): void;
  /**
   * A piece of the element's text. JSON Lines with extraction only: the index in `piece` of a character
   * that proves the element is not JSON (the sink has dropped it), for the scan to read on from there
   * as prose (`Note: see [the docs]`).
   */
  text(piece: string): number | undefined;
  /**
   * The element closed. `next`: the character that ended it, for a number or literal, which only a
   * delimiter ends (`tru` before `]` is no literal cut by the end of the input, but a bad one).
   */
  end(next?: string): void;
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
const LINE_SKIP = 14; // 'lines' with extract: the rest of a line of prose, up to a '{', '[' or newline
const LINE_VALUES = 15; // 'lines' with extract: a line that may hold only strings, numbers, literals
const SEEK_PROBE = 16; // with extract, after a bracket before the root: does the next character go on from it?
const SEEK_SKIP = 17; // with extract, inside JSON before the root that the shape cannot take (an object before a root array)
const ROOT_PROBE = 18; // 'auto', after the '[' of a root key's value: is its first element one the items can be?
const LATER_PROBE = 19; // 'auto', after the '[' of a root key's value after the list: could it hold items?

// Where the scan of a candidate line (LINE_VALUES) is.
const GAP = 0; // between its values (or before the first)
const AFTER_STRING = 1; // right after a string: a space or the end of the line must follow
const IN_ATOM = 2; // in a word that must be a number or literal
const IN_STRING = 3;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
/** A whole JSON number or literal. */
const ATOM = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;
/** A whole JSON string: no raw control character, only JSON's escapes. */
const STRING = /^"(?:[ !#-[\]-\uffff]|\\(?:["\\/bfnrt]|u[\da-fA-F]{4}))*"$/;
/**
 * The longest candidate line of JSON Lines with extraction (strings, numbers and literals, held until
 * the line ends to tell them from prose), in characters from its first non-space one to its newline
 * (or the end of the input), the newline not counted: 1 Mi. A longer line is prose, so what the
 * scanner holds between elements stays bounded (by about this many characters).
 */
export const MAX_VALUE_LINE = 1 << 20;
const CONTAINER_OR_STRING = OBJECT_KIND | ARRAY_KIND | STRING_KIND;
/** How much of a root key's raw text `'auto'` keeps (see {@link ListScanner.listKey}). */
const KEY_KEPT = 256;
/** How much of the text before the list an error quotes. */
const EXCERPT = 60;
/** Characters that can begin a JSON value other than an object, array or string. */
const isWordStart = (c: number) =>
  c === MINUS || (c >= 0x30 && c <= 0x39) || c === 0x74 /* t */ || c === 0x66 /* f */ || c === 0x6e; /* n */
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
 * a second JSON value: that is JSON Lines, and a `ListShapeError` says so). A bracket there opens the
 * root only if the next non-space character goes on from it: a key or `}` after `{`; after `[`, `]` or
 * the start of a value an item may be (so `Top [5] talks: [{…}]` skips the `[5]` when items are
 * objects, and `[the docs]` is prose). JSON that the shape cannot take as its root (an object before a
 * root array with `'array'`, an array before the object with `{ key }`) is skipped whole, nothing inside it
 * read as the list. Text with no root at all is a `ListShapeError` quoting its start.
 * Without `extract`, the text must be exactly the list.
 *
 * In `'lines'` mode with `extract`, so that a fenced, numbered or commented JSON Lines answer works:
 * - every `{` or `[` outside a string of a candidate line (below) begins an element, whatever precedes
 *   it on its line (`1. {…}`, `- {…}`, `Talk: {…}`, `{…}, {…}`), and the element runs to its closing
 *   bracket, across lines;
 * - a line whose first non-space character is `"`, `-`, a digit, `t`, `f` or `n` (at the start of the
 *   input or after a newline, not after an element on the same line) is a candidate line: its values
 *   are held until the line ends (a newline or the end of the input), and emitted, one element each,
 *   only if the whole line is exact JSON strings (closed on the line), numbers and literals, apart
 *   by spaces or tabs (`"a"`, `1 2 3`, `"see [2]"`). Anything else makes it prose from the first
 *   character that cannot go on such a line, and nothing it held is emitted: `3 talks found:`,
 *   `true story`, `"Quoted intro` (no closing quote on the line), `"Find" - here`, `"a","b"`, `12"`,
 *   or a line longer than {@link MAX_VALUE_LINE} characters. A `{` or `[` outside its strings while
 *   it stands ends it there, its values unemitted (`1 {…}`), and begins an element;
 * - the rest is skipped, each line up to its next `{` or `[` (an element) or newline: lines of prose
 *   or fences, what follows an element on its line (`{…} 2` yields the object only), and a candidate
 *   line from where it became prose. Quotes there are not strings, so a bracket in prose (`see [1]`,
 *   a Markdown link) begins an element too, as the one after `1.` must; when a character of it is not
 *   JSON (`[the docs]`), the sink drops it (see {@link ElementSink.text}) and the line is prose from
 *   that character on.
 */
export class ListScanner {
  private state = SEEK;
  private readonly lines: boolean;
  private readonly key: string | undefined;
  private rootIsArray = false;
  private found = false;
  // the root object's key being read (raw JSON text, capped: a longer key cannot match)
  private keyRaw = '';
  /**
   * 'auto': the first key of the root object after the list whose value is an array whose first
   * element an item can be (see `ItemStage`'s error for a list of other objects).
   */
  laterList: string | undefined;
  /** The key of the array after the list being probed (LATER_PROBE). */
  private laterKey: string | undefined;
  /** The root object's key whose value is the list, once found. */
  listKey: string | undefined;
  private keyEscaped = false;
  private keyMatches = false;
  // the open value (an element, or a skipped member of the root object)
  private depth = 0;
  private inString = false;
  private escaped = false;
  private atom = false;
  /** After the root closed: whether the first non-space character after it was seen. */
  private tailSeen = false;
  /** JSON Lines: nothing but spaces since the last newline (or the start): a value line may begin. */
  private lineStart = true;
  // A candidate line (LINE_VALUES): where it began, where its scan is (GAP…IN_STRING), the text of its
  // current value so far (from the chunks before this one) and where it began, and its values so far.
  private lineFrom = 0;
  private part = GAP;
  private partEscaped = false;
  private token = '';
  private tokenStart = 0;
  private readonly held: string[] = [];
  private readonly heldAt: number[] = [];
  private offset = 0;
  /** SEEK_PROBE: the bracket probed, and its position. */
  private opener = 0;
  private openAt = 0;
  /** Where the first array probed began with a number the item schema does not take, for that error. */
  private refused: number | undefined;
  /** The first value skipped before the root (SEEK_SKIP), for the error when there is no root. */
  private skipped: { opener: number; position: number } | undefined;
  /** The start of the text before the root, for the error when there is none. */
  private excerpt = '';
  /** A root object closed without the list: the error, unless a later value holds it. */
  private missing: ListShapeError | undefined;
  /** 'auto': the key of the first empty array of the root object, the list if no other is. */
  private empty: string | undefined;
  /**
   * With extraction, the first root closed with only that empty array: the list, unless a later value
   * holds one (`{"status": "searching", "results": []}` then the list).
   */
  private emptyRoot = false;
  /** 'auto': the first array of the root object passed over for its first element (see ROOT_PROBE). */
  private passed: { key: string | undefined; position: number; kind: number } | undefined;

  /** @param first the kinds (`schema/kinds.ts` bits) an item may be: what may follow a root `[`. */
  constructor(
    private readonly sink: ElementSink,
    private readonly shape: ListShape,
    private readonly extract: boolean,
    private readonly first: number = ANY_KIND,
  ) {
    this.lines = shape === 'lines';
    this.key = typeof shape === 'object' ? shape.key : undefined;
    if (this.lines) this.state = LINES;
  }

  /** The root value closed. */
  get done(): boolean {
    return this.state === DONE;
  }

  /** Back to the start, for a new attempt. */
  reset(): void {
    this.state = this.lines ? LINES : SEEK;
    this.rootIsArray = false;
    this.found = false;
    this.listKey = undefined;
    this.laterList = undefined;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.atom = false;
    this.tailSeen = false;
    this.lineStart = true;
    this.dropLine();
    this.offset = 0;
    this.excerpt = '';
    this.skipped = undefined;
    this.refused = undefined;
    this.missing = undefined;
    this.empty = undefined;
    this.emptyRoot = false;
    this.passed = undefined;
  }

  /**
   * `count` characters were cut before the scan (a think block; negative when held ones come back),
   * so that positions stay those of the whole text.
   */
  advance(count: number): void {
    this.offset += count;
  }

  write(chunk: string): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const state = this.state;
      if (state === ELEMENT || state === SKIP || state === SEEK_SKIP) {
        const end = this.scan(chunk, i);
        if (state === SEEK_SKIP) this.quote(chunk, i, end < 0 ? n : end);
        if (state === ELEMENT && end !== i) {
          const prose = this.sink.text(i === 0 && end < 0 ? chunk : chunk.slice(i, end < 0 ? n : end));
          if (prose !== undefined && this.lines && this.extract) {
            this.depth = 0;
            this.inString = false;
            this.escaped = false;
            this.state = LINE_SKIP;
            i += prose;
            continue;
          }
        }
        if (end < 0) break;
        i = end;
        if (state === SKIP) this.state = ROOT_AFTER;
        else if (state === SEEK_SKIP) this.state = SEEK;
        else {
          this.state = this.lines ? LINES : LIST_AFTER;
          this.lineStart = false;
          this.sink.end(this.atom ? chunk[end] : undefined);
        }
        continue;
      }
      if (state === ROOT_KEY) {
        i = this.readKey(chunk, i);
        continue;
      }
      if (state === LINES) {
        i = this.readGap(chunk, i);
        continue;
      }
      if (state === LINE_SKIP) {
        i = this.skipProse(chunk, i);
        continue;
      }
      if (state === LINE_VALUES) {
        i = this.readValues(chunk, i);
        continue;
      }
      if (state === DONE && this.extract && this.tailSeen) break;
      const c = chunk.charCodeAt(i);
      if (state === SEEK && (this.excerpt || !isSpace(c))) this.quote(chunk, i, i + 1);
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
          if (isOpen(c) && this.extract) {
            this.opener = c;
            this.openAt = this.offset + i;
            this.state = SEEK_PROBE;
          } else if (isOpen(c)) this.openRoot(c, i);
          else if (!this.extract) {
            throw this.shapeError(
              i,
              `Expected a list ('[', or '{' around it), found ${JSON.stringify(chunk[i])}`,
            );
          }
          break;
        case SEEK_PROBE: {
          // The text's first character (no prose before it) opens the root if a string, an object or an
          // array follows: a list of elements the schema does not take is still the list (each is an
          // invalid item; a word may be a footnote, `[1] See…`), and a list in the wrong bracket fails
          // now, as without extraction, not after the whole answer.
          const atStart = this.excerpt.length === 1;
          const opens =
            this.opener === 0x7b
              ? c === QUOTE || c === 0x7d
              : c === 0x5d || (kindAt(c) & (atStart ? this.first | CONTAINER_OR_STRING : this.first)) !== 0;
          this.state = SEEK;
          if (!opens) {
            if (this.opener === 0x5b && kindAt(c) === NUMBER_KIND) this.refused ??= this.openAt;
            continue; // `c` is read again, as prose
          }
          if (this.takes(this.opener) || atStart) {
            this.openRoot(this.opener, this.openAt - this.offset);
            continue; // `c` is read again, in the root
          }
          // JSON the shape cannot take (`Given {"x": [1]}, [2, 3]` for a root array): skipped whole, so
          // that nothing inside it is read as the list.
          this.skipped ??= { opener: this.opener, position: this.openAt };
          this.open(this.opener);
          this.depth = 1; // its bracket was read
          this.state = SEEK_SKIP;
          continue; // `c` is scanned inside it
        }
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
            this.listKey = this.keyRaw.length <= KEY_KEPT ? this.decodedKey() : undefined;
            if (this.key === undefined && this.first !== ANY_KIND) {
              this.state = ROOT_PROBE;
              this.openAt = this.offset + i;
              break;
            }
            this.found = true;
            this.state = LIST_FIRST;
            break;
          }
          if (!this.found && this.key !== undefined && this.keyMatches)
            throw this.shapeError(i, `The value of the key ${JSON.stringify(this.key)} is not an array`);
          if (this.found && c === 0x5b && this.laterList === undefined && this.keyRaw.length <= KEY_KEPT) {
            this.laterKey = this.decodedKey();
            this.state = LATER_PROBE;
            break;
          }
          if (isDelimiter(c) && c !== QUOTE && !isOpen(c)) throw this.jsonError(i, chunk, 'a value');
          this.open(c);
          this.state = SKIP;
          continue; // the value's first character is scanned with it
        case ROOT_PROBE:
          // An array whose first element the items cannot be (`"sources": ["…"]` before a list of
          // objects), or an empty one, is not taken yet: a later key may hold the list.
          if (c === 0x5d) {
            this.empty ??= this.listKey;
            this.state = ROOT_AFTER;
            break;
          }
          if ((kindAt(c) & this.first) !== 0) {
            this.found = true;
            this.state = LIST_FIRST;
            continue; // `c` is the first element's
          }
          this.passed ??= { key: this.listKey, position: this.openAt, kind: kindAt(c) };
          this.skipArray();
          continue; // `c` is scanned inside it
        case LATER_PROBE:
          if (c === 0x5d) {
            this.state = ROOT_AFTER;
            break;
          }
          if ((kindAt(c) & this.first) !== 0) this.laterList = this.laterKey;
          this.skipArray();
          continue; // `c` is scanned inside it
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
        default:
          throw this.jsonError(i, chunk, 'the end of the input');
      }
      i++;
    }
    this.offset += n;
  }

  /**
   * The input is over. In JSON Lines a number or literal at the very end closes (the end delimits it),
   * and the end ends a candidate line as a newline would; inside `[…]` a number may have been cut
   * (`[1,2` of `[1,23]`): truncated, like anything else open.
   */
  end(): void {
    if (this.state === ELEMENT && this.atom && this.lines) {
      this.state = LINES;
      this.sink.end();
    }
    if (this.state === LINE_VALUES) {
      const part = this.part;
      if (
        part === IN_STRING ||
        (part === IN_ATOM && !ATOM.test(this.token)) ||
        this.offset - this.lineFrom > MAX_VALUE_LINE
      )
        this.prose(0);
      else {
        if (part === IN_ATOM) this.hold(this.token);
        this.emitLine();
      }
    }
    if (
      this.emptyRoot &&
      !this.found &&
      (this.state === SEEK || this.state === SEEK_SKIP || this.state === SEEK_PROBE)
    ) {
      // No later value held a list: the first root's empty array was it.
      this.found = true;
      this.listKey = this.empty;
      this.state = DONE;
      return;
    }
    if (this.missing && !this.found && (this.state === DONE || this.state === SEEK)) throw this.missing;
    if (this.state === DONE || this.state === LINES || this.state === LINE_SKIP) return;
    if (this.state === ELEMENT)
      throw new TruncatedError('eof', 'The stream ended inside an element of the list');
    if ((this.state === SEEK || this.state === SEEK_SKIP) && this.excerpt !== '') {
      const want =
        this.key !== undefined
          ? `JSON object with the key ${JSON.stringify(this.key)}`
          : this.shape === 'array'
            ? 'JSON array'
            : 'JSON list';
      const skipped = this.skipped;
      const why = skipped
        ? `: the ${skipped.opener === 0x7b ? 'object' : 'array'} at position ${skipped.position} was skipped, since the list is ${this.key !== undefined ? 'in an object' : 'an array'}`
        : this.refused !== undefined
          ? `: the array at position ${this.refused} begins with a number, which an item cannot be`
          : '';
      const begins = this.excerpt.length < EXCERPT ? this.excerpt : `${this.excerpt}…`;
      throw new ListShapeError(
        `No ${want} in the text${why} (it begins ${JSON.stringify(begins)})`,
        this.offset,
      );
    }
    // A bracket still probed may have been the list.
    if (this.state === SEEK || this.state === SEEK_PROBE)
      throw new TruncatedError('eof', 'The stream ended before the list began');
    const inList = this.state >= LIST_FIRST && this.state <= LIST_AFTER;
    throw new TruncatedError(
      'eof',
      inList
        ? 'The stream ended before the list was complete'
        : this.found || this.empty !== undefined
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
   * JSON Lines, between values, from `i`: skips spaces (noting newlines), then starts what the next
   * character begins: an element, or with `extract` a candidate line or a line of prose. Returns where
   * it stopped.
   */
  private readGap(chunk: string, i: number): number {
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.lineStart = true;
      else if (!isSpace(c)) break;
    }
    if (i === n) return n;
    const c = chunk.charCodeAt(i);
    if (!this.extract || isOpen(c)) this.startElement(c, i, chunk);
    else if (this.lineStart && (c === QUOTE || isWordStart(c))) {
      this.state = LINE_VALUES;
      this.lineFrom = this.offset + i;
      this.part = GAP;
      this.partEscaped = false;
    } else this.state = LINE_SKIP;
    return i;
  }

  /** JSON Lines with extract: skips prose from `i` to a `{` or `[` (an element) or the newline. */
  private skipProse(chunk: string, i: number): number {
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) {
        this.state = LINES;
        this.lineStart = true;
        return i + 1;
      }
      if (isOpen(c)) {
        this.startElement(c, i, chunk);
        return i;
      }
    }
    return n;
  }

  /**
   * Reads a candidate line from `i` (see the class): holds each string, number or literal as it ends,
   * and at the newline emits them all; at the first character that cannot continue such a line (or a
   * `{` or `[` outside its strings, or past {@link MAX_VALUE_LINE}) drops them and hands that character
   * to LINE_SKIP. Returns where it stopped.
   */
  private readValues(chunk: string, i: number): number {
    const n = chunk.length;
    // At most MAX_VALUE_LINE characters and the newline after them; one more makes the line prose.
    const stop = Math.min(n, this.lineFrom + MAX_VALUE_LINE + 1 - this.offset);
    let part = this.part;
    let escaped = this.partEscaped;
    let from = i; // where the text of the current value begins in this chunk
    for (; i < stop; i++) {
      const c = chunk.charCodeAt(i);
      if (part === IN_STRING) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          const text = this.token + chunk.slice(from, i + 1);
          this.token = '';
          if (!STRING.test(text)) return this.prose(i + 1);
          this.hold(text);
          part = AFTER_STRING;
        } else if (c === NEWLINE) return this.prose(i); // a JSON string cannot hold a raw newline
        continue;
      }
      if (part === IN_ATOM) {
        if (!isSpace(c) && c !== QUOTE && !isOpen(c)) continue;
        const text = this.token + chunk.slice(from, i);
        this.token = '';
        // `12"`: no space between two values
        if (c === QUOTE || !ATOM.test(text)) return this.prose(i);
        this.hold(text);
        part = GAP; // and `c`, a space, '{' or '[', is read below
      }
      if (c === NEWLINE) {
        this.emitLine();
        return i + 1;
      }
      if (isSpace(c)) part = GAP;
      else if (part === GAP && (c === QUOTE || isWordStart(c))) {
        part = c === QUOTE ? IN_STRING : IN_ATOM;
        this.tokenStart = this.offset + i;
        from = i;
      } else return this.prose(i); // '{' or '[' (an element begins there), or prose
    }
    if (i < n) return this.prose(i); // too long for a value line
    if (part === IN_STRING || part === IN_ATOM) this.token += chunk.slice(from, n);
    this.part = part;
    this.partEscaped = escaped;
    return n;
  }

  private hold(text: string): void {
    this.held.push(text);
    this.heldAt.push(this.tokenStart);
  }

  /** The candidate line is prose: drops what it held; LINE_SKIP goes on from `i`. */
  private prose(i: number): number {
    this.dropLine();
    this.state = LINE_SKIP;
    return i;
  }

  private dropLine(): void {
    this.token = '';
    this.held.length = 0;
    this.heldAt.length = 0;
  }

  /** The candidate line ended whole: each value it held is an element. */
  private emitLine(): void {
    this.state = LINES;
    this.lineStart = true;
    const { held, heldAt, sink } = this;
    try {
      for (let k = 0; k < held.length; k++) {
        sink.begin(heldAt[k]!);
        sink.text(held[k]!);
        sink.end();
      }
    } finally {
      this.dropLine();
    }
  }

  private open(c: number): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.atom = !isOpen(c) && c !== QUOTE;
  }

  /** Skips the root member's array whose `[` was read (a probe passed it over). */
  private skipArray(): void {
    this.open(0x5b);
    this.depth = 1;
    this.state = SKIP;
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
    // In 'auto', the key is kept for the error of an item schema that is the list's parent's.
    if (this.keyRaw.length <= (key === undefined ? KEY_KEPT : key.length * 6))
      this.keyRaw += chunk.slice(start, i);
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

  /** Whether the shape takes a root that opens with `c`: an array for `'array'`, an object for a key. */
  private takes(c: number): boolean {
    return c === 0x5b ? this.key === undefined : this.shape !== 'array';
  }

  /** Adds `chunk[from, to)` to the start of the text an error quotes, while that is short. */
  private quote(chunk: string, from: number, to: number): void {
    const room = EXCERPT - this.excerpt.length;
    if (room > 0) this.excerpt += chunk.slice(from, Math.min(to, from + room));
  }

  /** The root value opens with bracket `c` at `i`. */
  private openRoot(c: number, i: number): void {
    if (c === 0x5b) {
      if (this.key !== undefined)
        throw this.shapeError(
          i,
          `Expected an object with the key ${JSON.stringify(this.key)}, found an array`,
        );
      this.rootIsArray = true;
      this.found = true;
      this.state = LIST_FIRST;
    } else {
      if (this.shape === 'array') throw this.shapeError(i, 'Expected an array, found an object');
      this.state = ROOT_KEY_OR_CLOSE;
    }
  }

  private rootClosed(i: number): void {
    if (!this.found && this.empty !== undefined && this.missing === undefined) {
      // The only list the items could be is an empty one (of the first root: after a root without the
      // list, a later one must hold items, as JSON Lines of records would not). With extraction a later
      // value may still hold the list: the empty one is taken at the end if none does.
      if (this.extract) {
        this.emptyRoot = true;
        this.state = SEEK;
        return;
      }
      this.found = true;
      this.listKey = this.empty;
    }
    if (!this.found) {
      const passed = this.passed;
      // Thrown at the end, not now: a `reset` may come first (the step of an AI SDK run that wrote
      // other JSON before its last), and with extraction the list may be in a later value.
      this.missing ??= this.shapeError(
        i,
        this.key !== undefined
          ? `The root object has no key ${JSON.stringify(this.key)}`
          : passed
            ? `The root object has no array of items the schema takes (${this.passedOver(passed)})`
            : "The root object has no array-valued key (for JSON Lines, use shape: 'lines')",
      );
      this.state = this.extract ? SEEK : DONE;
      return;
    }
    this.state = DONE;
  }

  /** What the error of a root without the list says of the array passed over (see ROOT_PROBE). */
  private passedOver(passed: { key: string | undefined; position: number; kind: number }): string {
    const under = passed.key === undefined ? '' : ` under ${JSON.stringify(passed.key)}`;
    const kind =
      passed.kind === OBJECT_KIND
        ? 'an object'
        : passed.kind === ARRAY_KIND
          ? 'an array'
          : passed.kind === STRING_KIND
            ? 'a string'
            : 'a number or literal';
    const hint =
      passed.kind === OBJECT_KIND && !(this.first & OBJECT_KIND)
        ? ", and the item schema is an array's: pass the schema of one element"
        : '';
    return `the array${under} at position ${passed.position} begins with ${kind}${hint}`;
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
