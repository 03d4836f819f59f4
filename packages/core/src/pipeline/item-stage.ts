import type { DecodedEvent } from '../decode/events.ts';
import { ThinkBlock } from '../decode/think-block.ts';
import {
  ItemValidationError,
  ListShapeError,
  type PartialIssue,
  PartialJSONError,
  syntaxErrors,
  TruncatedError,
  ValidationError,
} from '../errors.ts';
import { samePath } from '../parser/builder.ts';
import {
  AsyncSchemaError,
  bound,
  createPartialParser,
  type PartialParser,
  type PartialParserOptions,
  planOf,
} from '../parser/create-partial-parser.ts';
import { ANY_KIND, ARRAY_KIND, OBJECT_KIND } from '../schema/kinds.ts';
import type { Plan } from '../schema/plan.ts';
import type { StandardSchemaV1 } from '../schema/standard.ts';
import { type ElementSink, ListScanner, type ListShape } from './list-scanner.ts';

export interface ItemStageOptions {
  /** Where the list is (default `'auto'`). */
  shape?: ListShape | undefined;
  /** Skip prose or a fence around the list (default true); see {@link ListScanner}. */
  extract?: boolean | undefined;
  /** Maximum nesting depth inside one element (default 1000). */
  maxDepth?: number | undefined;
  /** Maximum length of one element's text in UTF-16 code units (the list itself is unbounded). */
  maxLength?: number | undefined;
}

/** An element of the list once it closed: its validated output, or why it is invalid. */
export type ClosedItem<TItem> =
  | { readonly index: number; readonly valid: true; readonly value: TItem }
  | { readonly index: number; readonly valid: false; readonly error: ItemValidationError };

/** An element whose schema validates asynchronously: the promise of its outcome, and the element as parsed. */
export type PendingItem<TItem, TPartial> = Promise<ClosedItem<TItem>> & {
  readonly parsed: TPartial | undefined;
};

/**
 * The parse stage of the items mode, the counterpart of `ParseStage` for a list: decoded events go
 * into a {@link ListScanner}, and each element's text into a parser of its own, created when the element
 * begins and dropped when it closes. So a finished element is handed over and never kept, each one is
 * validated on its own against the item schema, and `current` is the partial element still open.
 * Synchronous: consumers take `closed` when they like.
 */
export class ItemStage<TPartial = unknown, TItem = unknown> {
  /** 1 for the first attempt; grows with each `reset`. */
  attempt = 1;
  /** Elements closed in this attempt, valid or not. */
  count = 0;
  /**
   * Elements closed since the consumer last emptied this array (it may splice it), in order. One whose
   * schema validates asynchronously is a promise of its outcome: await it before the ones after it.
   */
  readonly closed: Array<ClosedItem<TItem> | PendingItem<TItem, TPartial>> = [];
  private parser: PartialParser<TPartial, TItem> | undefined;
  /** The item schema proved asynchronous: elements go straight to `endAsync()`. */
  private async = false;
  private start = 0;
  /**
   * JSON Lines with extraction: an element that is not JSON on the line it began is an invalid item,
   * and the line prose from the failing character.
   */
  private readonly lenient: boolean;
  /** The open element's text so far crosses a line end. */
  private multiline = false;
  private readonly scanner: ListScanner;
  private readonly plan: Plan | undefined;
  /** An element of this attempt passed the item schema: the schema is an element's. */
  private passed = false;
  /** `'auto'`: the scanner picks the list, which may be an array of other objects. */
  private readonly auto: boolean;
  /** `'auto'`: the first element failed with none of the schema's keys (see `otherList`). */
  private suspect: { start: number; keys: string[] } | undefined;
  /**
   * The first element failed as one of a schema that is not an element's would (see `misplaced`): a
   * second that does too, or the end of a list of one, confirms it. One odd first element of a real
   * list (`{}`, wrong keys) is only an invalid item: it is held, not closed, until the next one tells.
   */
  private doubt: { error: ListShapeError; items: Array<ClosedItem<TItem>> } | undefined;
  /** With extraction: a reasoning model's `<think>…</think>` at the start, cut before the scan. */
  private readonly think: ThinkBlock | undefined;
  /** The options of every element's parser, built once. */
  private readonly parserOptions: PartialParserOptions<StandardSchemaV1> & { schema: StandardSchemaV1 };

  constructor(schema: StandardSchemaV1, options: ItemStageOptions = {}) {
    const sink: ElementSink = {
      begin: (position) => this.begin(position),
      text: (piece) => this.text(piece),
      end: (next) => this.end(next),
    };
    const shape = options.shape ?? 'auto';
    const extract = options.extract ?? true;
    this.lenient = shape === 'lines' && extract;
    this.auto = shape === 'auto';
    this.plan = planOf(schema);
    this.scanner = new ListScanner(sink, shape, extract, this.plan?.kinds || ANY_KIND);
    if (extract) this.think = new ThinkBlock();
    // Checked here, not when the first element begins: a bad bound fails even an empty list.
    this.parserOptions = {
      schema,
      maxDepth: bound('maxDepth', options.maxDepth, 1000),
      maxLength: bound('maxLength', options.maxLength, Number.POSITIVE_INFINITY),
    };
  }

  /** The element still streaming (a partial value with stable identity), or undefined between elements. */
  get current(): TPartial | undefined {
    return this.parser?.value;
  }

  /** Applies one decoded event. Returns true when it started a new attempt (the list starts over). */
  apply(event: DecodedEvent): boolean {
    if (event.type === 'reset') {
      this.scanner.reset();
      this.think?.reset();
      this.parser = undefined;
      this.count = 0;
      this.closed.length = 0;
      this.passed = false;
      this.suspect = undefined;
      this.doubt = undefined;
      this.attempt = event.attempt;
      return true;
    }
    const text = this.think ? this.think.push(event.text) : event.text;
    if (text.length !== event.text.length) this.scanner.advance(event.text.length - text.length);
    this.scanner.write(text);
    return false;
  }

  /** Ends the input: a trailing number closes; a list (or element) still open is a `TruncatedError`. */
  finish(): void {
    try {
      this.scanner.end();
    } catch (error) {
      this.release();
      // Cut inside an element: say which, and where it began.
      if (!(error instanceof TruncatedError) || !this.parser) throw error;
      throw new TruncatedError(
        'eof',
        `The stream ended inside item ${this.count} (from position ${this.start})`,
      );
    }
    if (this.doubt) throw this.confirmed(this.doubt.error);
    const other = this.otherList();
    if (other) throw other;
  }

  /**
   * 'auto' takes the first array of the root object whose first element an item can be: with an array
   * of other objects first (`"steps": [{"thought": …}]` before `"items"`), every element is invalid and
   * the run would end well with none of the real items. Told at the end: no element passed, the first
   * had none of the schema's keys, and a later key of the root held an array.
   */
  private otherList(): ListShapeError | undefined {
    const suspect = this.suspect;
    const later = this.scanner.laterList;
    if (!suspect || this.passed || later === undefined) return undefined;
    const keys = suspect.keys.slice(0, 3).map((k) => JSON.stringify(k));
    const more = suspect.keys.length > 3 ? ', …' : '';
    return new ListShapeError(
      `No item passed: the list read, under ${JSON.stringify(this.scanner.listKey)}, holds other objects ` +
        `(item 0, from position ${suspect.start}, has none of the item schema's keys: ${keys.join(', ')}${more}). ` +
        `If the list is the array under ${JSON.stringify(later)}, name it: shape: { key: ${JSON.stringify(later)} }`,
      suspect.start,
    );
  }

  private begin(position: number): void {
    this.parser = createPartialParser(this.parserOptions) as PartialParser<TPartial, TItem>;
    this.start = position;
    this.multiline = false;
  }

  private text(piece: string): number | undefined {
    const parser = this.parser!;
    const before = parser.position;
    try {
      parser.write(piece);
    } catch (error) {
      // A bound (maxDepth, maxLength) or an engine failure still ends the stream; so does an element
      // that went on past its line, which may hold real elements the scan cannot take back (`[` then
      // a line per object). Only a newline before the failing character counts: one that fails on its
      // own line end (`{"title": "…` then LF) stayed on its line, as the `\r` of CRLF does.
      const at = error instanceof PartialJSONError && syntaxErrors.has(error) ? error.position - before : -1;
      this.release();
      if (!this.lenient || at < 0 || this.multiline || (at > 0 && piece.lastIndexOf('\n', at - 1) !== -1))
        throw this.located(error, this.count, this.start);
      this.parser = undefined;
      const message = `${inText(error as PartialJSONError, this.start)} (in the element from position ${this.start})`;
      const issue = { code: 'invalid_json', message, path: [] };
      this.closed.push({
        index: this.count,
        valid: false,
        error: new ItemValidationError(this.count, [issue], undefined),
      });
      this.count++;
      return at;
    }
    if (this.lenient && !this.multiline && piece.indexOf('\n') !== -1) this.multiline = true;
    return undefined;
  }

  private end(next?: string): void {
    const parser = this.parser!;
    this.parser = undefined;
    const index = this.count;
    if (this.async) {
      this.closeAsync(parser, index, next);
      return;
    }
    let value: TItem;
    try {
      value = parser.end();
    } catch (error) {
      if (error instanceof AsyncSchemaError) {
        // The schema validates asynchronously: so will every element after this one.
        this.async = true;
        this.closeAsync(parser, index, next);
        return;
      }
      const closed = this.closedWith(cutBy(error, next), index, this.start, true);
      if (closed) this.closed.push(closed);
      this.count++;
      return;
    }
    // (a schema whose list key is optional or has a default passes every element: see `misplaced`)
    const misplaced = this.misplaced(parser.value, undefined, index, this.start);
    if (misplaced) throw this.confirmed(misplaced);
    this.release();
    this.count++;
    this.passed = true;
    this.closed.push({ index, valid: true, value });
  }

  /** Closes an element whose validation is asynchronous: its outcome is a promise, in order. */
  private closeAsync(parser: PartialParser<TPartial, TItem>, index: number, next?: string): void {
    this.release();
    this.count++;
    const start = this.start;
    const outcome = parser.endAsync().then(
      (value): ClosedItem<TItem> => {
        const misplaced = this.misplaced(parser.value, undefined, index, start);
        if (misplaced) throw misplaced;
        this.passed = true;
        return { index, valid: true, value };
      },
      (error: unknown) => this.closedWith(cutBy(error, next), index, start),
    );
    // Awaited in order by the consumer, which may stop before this one (an earlier element's error,
    // a `break`): its rejection must never be unhandled.
    outcome.catch(() => {});
    this.closed.push(Object.assign(outcome, { parsed: parser.value }));
  }

  /**
   * An element whose schema refused it; any other error (bad JSON) is thrown, with its position.
   * Undefined: the first element, held as a doubt (`hold`, where its outcome need not be told now).
   */
  private closedWith(error: unknown, index: number, start: number, hold: true): ClosedItem<TItem> | undefined;
  private closedWith(error: unknown, index: number, start: number): ClosedItem<TItem>;
  private closedWith(
    error: unknown,
    index: number,
    start: number,
    hold = false,
  ): ClosedItem<TItem> | undefined {
    if (!(error instanceof ValidationError)) {
      this.release();
      throw this.located(error, index, start);
    }
    if (index === 0 && this.auto) this.suspect = this.foreign(error.value, start);
    const misplaced = this.misplaced(error.value, error.issues, index, start);
    if (misplaced && (index > 0 || !hold)) throw this.confirmed(misplaced);
    const item = {
      index,
      valid: false,
      error: new ItemValidationError(index, error.issues, error.value),
    } as const;
    if (misplaced) {
      this.doubt = { error: misplaced, items: [item] };
      return undefined;
    }
    // An element that tells nothing either way (`{}`, not an object) waits with the doubt, in order.
    const value = error.value;
    const telling =
      typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length;
    if (this.doubt && hold && !telling) {
      this.doubt.items.push(item);
      return undefined;
    }
    this.release();
    return item;
  }

  /** The doubt is confirmed (or its first sign seen): nothing held is an item; the first error says why. */
  private confirmed(misplaced: ListShapeError): ListShapeError {
    const error = this.doubt?.error ?? misplaced;
    this.doubt = undefined;
    return error;
  }

  /**
   * The held elements were invalid items after all: they close, before the one that told. Also for a
   * consumer whose input failed (a network error), so that what closed is reported before the error.
   */
  release(): void {
    if (!this.doubt) return;
    this.closed.push(...this.doubt.items);
    this.doubt = undefined;
  }

  /** An object of keys the item schema has none of (its first element, for `otherList`), or undefined. */
  private foreign(value: unknown, start: number): { start: number; keys: string[] } | undefined {
    const plan = this.plan;
    if (!plan?.closed || value === null || typeof value !== 'object' || Array.isArray(value))
      return undefined;
    const keys = Object.keys(value);
    return keys.length > 0 && keys.every((k) => plan.child(k) === undefined) ? { start, keys } : undefined;
  }

  /**
   * An item schema that is not one element's but the list's parent's (`{ talks: Talk[] }` for the list
   * under "talks") or the list's own (`Talk[]`): every element fails it for want of the list itself, and
   * skipping them all would end in success with no items (or with `{}` for each, where the list's key is
   * optional). Told from an element while no element passed: it has none of the schema's keys but lacks
   * the list's (with an issue there, if it failed), or it is an object where only an array may stand.
   */
  private misplaced(
    value: unknown,
    /** The element's issues; undefined when it passed. */
    issues: readonly PartialIssue[] | undefined,
    index: number,
    start: number,
  ): ListShapeError | undefined {
    const plan = this.plan;
    if (!plan || this.passed || value === null || typeof value !== 'object' || Array.isArray(value))
      return undefined;
    const key = this.scanner.listKey;
    const at = (path: readonly PropertyKey[]) => issues?.some((issue) => samePath(issue.path, path)) === true;
    const item = `Item ${index} (from position ${start})`;
    const keys = Object.keys(value);
    if (
      key !== undefined &&
      !Object.hasOwn(value, key) &&
      (plan.child(key)?.kinds ?? 0) & ARRAY_KIND &&
      // none of the element's keys is the schema's (a tree's node that lacks its own list has some)
      keys.length > 0 &&
      keys.every((k) => plan.child(k) === undefined) &&
      (issues === undefined || at([key]))
    ) {
      return new ListShapeError(
        `${item} lacks the key ${JSON.stringify(key)}, which holds the list: the item schema given is the ` +
          `whole object's. Pass the schema of one element of ${JSON.stringify(key)}`,
        start,
      );
    }
    if (plan.kinds & ARRAY_KIND && !(plan.kinds & OBJECT_KIND) && at([])) {
      return new ListShapeError(
        `${item} is an object, and the item schema given is an array's: it is the list's. Pass the ` +
          'schema of one element',
        start,
      );
    }
    return undefined;
  }

  /**
   * A JSON error of an element, with its position in the whole text; one the input ended inside (JSON
   * Lines cut in a literal, `tru`) is a {@link TruncatedError}, as a cut object is.
   */
  private located(error: unknown, index: number, start: number): unknown {
    if (!(error instanceof PartialJSONError)) return error;
    if (error.incomplete)
      return new TruncatedError('eof', `The stream ended inside item ${index} (${inText(error, start)})`);
    // The cause stays: a refinement's own exception, for its stack.
    return new PartialJSONError(
      `Item ${index} (from position ${start}): ${inText(error, start)}`,
      start + error.position,
      false,
      causeOf(error),
    );
  }
}

/**
 * The error of a number or literal that a delimiter ended before it was whole (`[tru]`, `[1.,2]`): the
 * element parser, which never saw the delimiter, took it for the end of the input, but the stream went
 * on, so it is a syntax error at the delimiter, as `JSON.parse` has it, not a truncation.
 */
function cutBy(error: unknown, next: string | undefined): unknown {
  if (next === undefined || !(error instanceof PartialJSONError) || !error.incomplete) return error;
  const message = error.message.replace('Unexpected end of JSON input', `Unexpected ${JSON.stringify(next)}`);
  return new PartialJSONError(message, error.position, false, causeOf(error));
}

/** An error's cause as options for the one that replaces it; none when it has none. */
const causeOf = (error: Error): ErrorOptions | undefined =>
  error.cause === undefined ? undefined : { cause: error.cause };

/**
 * An element parser's message with its position counted in the whole text, as the error's `position`
 * is: the element's parser counts from the element's start.
 */
function inText(error: PartialJSONError, start: number): string {
  return error.message.replace(`at position ${error.position}`, `at position ${start + error.position}`);
}
