import { PartialJSONError } from '../errors.ts';
import { ANY_KIND, ARRAY_KIND, kindAt, OBJECT_KIND, WORD_KIND } from '../schema/kinds.ts';
import type { Plan } from '../schema/plan.ts';
import { ThinkBlock } from './think-block.ts';

/**
 * What the value to extract may be, as `schema/kinds.ts` bits: the root, and the first element of a root
 * array. From the schema where there is one (see `expectedBy`), else anything.
 */
export interface Expected {
  readonly root: number;
  readonly first: number;
}

export const ANYTHING: Expected = { root: ANY_KIND, first: ANY_KIND };

/** What a schema's plan expects (anything without a schema; a root that is no container may be either). */
export function expectedBy(plan: Plan | undefined): Expected {
  if (!plan) return ANYTHING;
  return {
    root: plan.kinds & (OBJECT_KIND | ARRAY_KIND) || OBJECT_KIND | ARRAY_KIND,
    first: (plan.kinds & ARRAY_KIND && plan.element(0)?.kinds) || ANY_KIND,
  };
}

const SEEK = 0; // before the value: prose, a fence
const PROBE = 1; // after a bracket that may open it, before the next non-space character
const PROBE_WORD = 2; // after `[` and the start of a number or literal: is it one?
const SKIP = 3; // in JSON that is not of a kind the schema takes
const IN = 4;
const AFTER = 5;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
/** The most a probe holds across chunks (a bracket, the spaces after it, a word's start); more spaces are dropped. */
const MAX_HELD = 1024;
/** How much of the text before the value an error quotes. */
const EXCERPT = 60;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Streams only the JSON value out of model text: drops prose or a ```json fence before it, and whatever
 * follows the value once it closes (a closing fence, a remark). A small string-aware bracket counter,
 * so braces inside strings do not confuse it.
 *
 * A bracket opens the value only if the value may be of its kind (`Sources [1]: {…}` for an object
 * schema skips the `[1]`) and what follows it can go on from it: a key or `}` after `{`; after `[`, `]`
 * or the start of a value the first element may be, a literal or a number begun whole (`[JSON]`,
 * `{name}`, `[note]`, and `[1]` before a list of objects, stay prose). That may come in a later chunk:
 * until it does, the bracket is held (a few characters), and nothing of a skipped bracket is passed on.
 */
export class JsonExtractor {
  private state = SEEK;
  private opener = 0;
  /** PROBE_WORD: the literal (or `-`, before a digit) being matched, and how much of it is. */
  private word = '';
  private matched = 0;
  /** The candidate's text (its bracket, spaces) from earlier chunks, while it is probed. */
  private held = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private offset = 0;
  /** The start of the text skipped before the value, for {@link JsonExtractor.missing}. */
  private excerpt = '';
  /** The probed bracket: where, whether the root may be of its kind, and the kind of what follows it. */
  private openAt = 0;
  private rootOk = false;
  private kind = 0;
  /** The first JSON skipped for its kind (`root`: the root may be of it, its first element may not). */
  private skipped: { opener: number; position: number; root: boolean } | undefined;

  /** A reasoning model's `<think>…</think>` at the start is not the answer: cut before the seek. */
  private readonly think = new ThinkBlock();

  constructor(private readonly expected: Expected = ANYTHING) {}

  push(chunk: string): string {
    if (this.state === AFTER) return '';
    const text = this.state === IN ? chunk : this.think.push(chunk);
    // Positions stay those of the whole answer: the cut characters count.
    this.offset += chunk.length - text.length;
    const n = text.length;
    let i = 0;
    let start = 0;
    let held = '';
    if (this.state !== IN) {
      const at = this.seek(text);
      if (at < 0) {
        this.offset += n;
        return '';
      }
      held = this.held;
      this.held = '';
      start = at;
      // the bracket is counted (depth 1): it is in `held`, or at `at`
      i = held ? 0 : at + 1;
    }
    for (; i < n; i++) {
      if (this.count(text.charCodeAt(i))) {
        this.state = AFTER;
        return held + text.slice(start, i + 1);
      }
    }
    this.offset += n;
    return held + text.slice(start);
  }

  /**
   * Before the value: the index in `text` of the bracket that opens it (the value is then IN, `held`
   * holding its text from earlier chunks when the bracket was in one), or -1 if it is not in `text`.
   */
  private seek(text: string): number {
    const n = text.length;
    const { root, first } = this.expected;
    // Quoted from its first non-space character: leading blank lines are no answer.
    if (this.excerpt.length < EXCERPT)
      this.excerpt += (this.excerpt ? text : text.trimStart()).slice(0, EXCERPT - this.excerpt.length);
    let from = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const state = this.state;
      if (state === SEEK) {
        if (c !== OPEN_BRACE && c !== OPEN_BRACKET) continue;
        this.state = PROBE;
        this.opener = c;
        this.openAt = this.offset + i;
        this.rootOk = (root & (c === OPEN_BRACE ? OBJECT_KIND : ARRAY_KIND)) !== 0;
        from = i;
        continue;
      }
      if (state === SKIP) {
        if (this.count(c)) this.state = SEEK;
        continue;
      }
      let plausible: boolean;
      if (state === PROBE) {
        if (isSpace(c)) continue;
        this.kind = kindAt(c);
        plausible =
          this.opener === OPEN_BRACE
            ? c === QUOTE || c === CLOSE_BRACE
            : c === CLOSE_BRACKET || this.kind !== 0;
        // A word must be a number or a literal: `[note]` is prose.
        if ((this.kind & WORD_KIND) !== 0 && this.opener === OPEN_BRACKET) {
          this.word =
            c === MINUS ? '-' : c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : '';
          this.matched = 1;
          if (this.word) {
            this.state = PROBE_WORD;
            continue;
          }
        }
      } else {
        plausible = this.word === '-' ? c >= 0x30 && c <= 0x39 : c === this.word.charCodeAt(this.matched++);
        if (plausible && this.word !== '-' && this.matched < this.word.length) continue;
      }
      if (!plausible) {
        // Prose: the search goes on from this character (which may be a bracket itself).
        this.state = SEEK;
        this.held = '';
        i--;
        continue;
      }
      const firstOk = this.opener === OPEN_BRACE || this.kind === 0 || (this.kind & first) !== 0;
      this.depth = 1;
      this.inString = false;
      this.escaped = false;
      if (this.rootOk && firstOk) {
        this.state = IN;
        // The bracket is in this chunk, or held from an earlier one (then its text here starts at 0).
        return this.held ? 0 : from;
      }
      // JSON, but not of a kind the schema takes: skipped whole (nothing inside it is the value).
      this.skipped ??= { opener: this.opener, position: this.openAt, root: this.rootOk };
      this.state = SKIP;
      this.held = '';
      if (state === PROBE) i--; // the character is the value's own: counted in SKIP
    }
    if (this.state !== SEEK && this.state !== SKIP) {
      // Past the bound, the spaces go; the bracket and the start of a word it probes stay.
      const all = this.held + text.slice(from);
      this.held = all.length <= MAX_HELD ? all : all[0]! + all.slice(1).trimStart();
    }
    return -1;
  }

  /** Counts character `c` of a value; true when it closes the value. */
  private count(c: number): boolean {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === BACKSLASH) this.escaped = true;
      else if (c === QUOTE) this.inString = false;
    } else if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --this.depth === 0) return true;
    return false;
  }

  /**
   * Why no value was found in text that is not blank (undefined for blank text, once a value began, or
   * while a bracket that may open it is probed: the text was cut): the text is prose, or the JSON in it
   * is not of a kind the schema takes.
   */
  missing(): PartialJSONError | undefined {
    const state = this.state;
    if (state >= IN || (state !== SEEK && state !== SKIP && this.rootOk) || this.excerpt === '')
      return undefined;
    const { root } = this.expected;
    const want = (root & ARRAY_KIND) === 0 ? 'object' : (root & OBJECT_KIND) === 0 ? 'array' : 'value';
    const skipped = this.skipped;
    const why = !skipped
      ? ''
      : `: the ${skipped.opener === OPEN_BRACE ? 'object' : 'array'} at position ${skipped.position} was skipped, since ${
          skipped.root
            ? 'its first element is not one the schema describes'
            : `the schema describes ${want === 'array' ? 'an array' : 'an object'}`
        }`;
    const begins = this.excerpt.length < EXCERPT ? this.excerpt : `${this.excerpt}…`;
    return new PartialJSONError(
      `No JSON ${want} in the text${why} (it begins ${JSON.stringify(begins)})`,
      this.offset,
    );
  }

  reset(): void {
    this.state = SEEK;
    this.think.reset();
    this.held = '';
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.offset = 0;
    this.excerpt = '';
    this.skipped = undefined;
  }
}
