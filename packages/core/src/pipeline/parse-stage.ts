import type { DecodedEvent } from '../decode/events.ts';
import { expectedBy, JsonExtractor } from '../decode/json-extractor.ts';
import { PartialJSONError, TruncatedError } from '../errors.ts';
import {
  createPartialParser,
  type PartialParser,
  type PartialParserOptions,
  planOf,
} from '../parser/create-partial-parser.ts';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from '../schema/standard.ts';
import type { DeepPartial } from '../types.ts';

/** What the parse stage needs: the schema, the parser's bounds, and whether to extract the JSON. */
export interface ParseOptions<S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined>
  extends PartialParserOptions<S> {
  /**
   * Parse only the JSON value of each attempt's text, skipping prose or a fence before it and anything
   * after it, as `decode`'s `extractJson` does, but knowing the schema: a bracket that cannot open the
   * value it describes is prose (`Sources [1]: {…}` for an object), and text with no such value fails
   * with a `PartialJSONError` that says so. Default false.
   */
  extract?: boolean | undefined;
}

/**
 * The parse stage, written once for every consumer (`streamPartial`, the store, `reask`, `streamItems`):
 * decoded events go into a parser, a `reset` starts a new parser for the next attempt, and `finish`
 * turns "the text stopped early" into a {@link TruncatedError}. Synchronous: consumers decide when to
 * read snapshots.
 */
export class ParseStage<TPartial = unknown, TFinal = unknown> {
  parser: PartialParser<TPartial, TFinal>;
  /** 1 for the first attempt; grows with each `reset`. */
  attempt = 1;
  /** The text of the last event that went to the parser: with `extract`, only its JSON (maybe ''). */
  taken = '';
  private readonly extractor: JsonExtractor | undefined;

  constructor(private readonly options: ParseOptions) {
    this.parser = this.make();
    if (options.extract) this.extractor = new JsonExtractor(expectedBy(planOf(options.schema)));
  }

  /** Applies one decoded event. Returns true when it started a new attempt. */
  apply(event: DecodedEvent): boolean {
    if (event.type === 'reset') {
      this.parser = this.make();
      this.extractor?.reset();
      this.attempt = event.attempt;
      return true;
    }
    const text = this.extractor ? this.extractor.push(event.text) : event.text;
    this.taken = text;
    if (text) this.parser.write(text);
    return false;
  }

  /**
   * Ends the input: the final (validated) value; an incomplete text is a {@link TruncatedError}.
   * Asynchronous because a Standard Schema (or a zod refinement) may validate asynchronously.
   */
  async finish(): Promise<TFinal> {
    const missing = this.extractor?.missing();
    if (missing) throw missing;
    try {
      return await this.parser.endAsync();
    } catch (error) {
      if (error instanceof PartialJSONError && error.incomplete) {
        throw new TruncatedError('eof', `The stream ended before the JSON was complete (${error.message})`);
      }
      throw error;
    }
  }

  private make(): PartialParser<TPartial, TFinal> {
    const { extract: _extract, ...options } = this.options;
    return createPartialParser(options as PartialParserOptions) as PartialParser<TPartial, TFinal>;
  }
}

/** What the parse stage hands its consumers. */
export type ParseUpdate<TPartial, TFinal> =
  | { readonly type: 'snapshot'; readonly value: TPartial; readonly attempt: number }
  | { readonly type: 'reset'; readonly attempt: number }
  | { readonly type: 'final'; readonly value: TFinal; readonly attempt: number };

/** Resolves once the events already queued (microtasks) have run: the source is then waiting on I/O. */
const macrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : typeof MessageChannel === 'function'
      ? () =>
          new Promise((resolve) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              channel.port1.close();
              resolve();
            };
            channel.port2.postMessage(null);
          })
      : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Events into updates: a snapshot whenever the consumer asks for the next value and something changed,
 * `reset` when an attempt is replaced, and the final value. Events are applied as they arrive, and all
 * the events available at once (one network chunk can hold thousands) are applied before a snapshot is
 * read, because a read copies the open containers: reading per event would make a long list quadratic.
 * Errors are thrown after the last good snapshot was handed over.
 */
export function parse<S extends StandardSchemaV1>(
  events: AsyncIterable<DecodedEvent>,
  options: ParseOptions<S> & { schema: S },
): AsyncGenerator<ParseUpdate<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>, SchemaOutput<S>, undefined>;
export function parse(
  events: AsyncIterable<DecodedEvent>,
  options?: ParseOptions,
): AsyncGenerator<ParseUpdate<unknown, unknown>, unknown>;
export async function* parse(
  events: AsyncIterable<DecodedEvent>,
  options: ParseOptions = {},
): AsyncGenerator<ParseUpdate<unknown, unknown>, unknown> {
  const it = events[Symbol.asyncIterator]();
  const stage = await stageOf(() => new ParseStage(options), it);
  let ended = false;
  /** The source finished (done, or its read threw); else it is to be released. */
  let drained = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let changed = false;
  let resetTo = 0;
  let wake: (() => void) | undefined;
  const pump = (async () => {
    try {
      while (!stopped) {
        let r: IteratorResult<DecodedEvent>;
        try {
          r = await it.next();
        } catch (error) {
          drained = true;
          throw error;
        }
        if (r.done) drained = true;
        if (r.done || stopped) break;
        // A JSON error here leaves the source open, at a yield: released below like an early stop.
        if (stage.apply(r.value)) resetTo = stage.attempt;
        changed = true;
        wake?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      wake?.();
    }
  })();
  let last: unknown;
  try {
    while (true) {
      if (!changed && !ended) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (!ended) await macrotask();
      changed = false;
      if (resetTo) {
        last = undefined;
        yield { type: 'reset', attempt: resetTo };
        resetTo = 0;
      }
      const value = stage.parser.value;
      if (value !== undefined && value !== last) {
        last = value;
        yield { type: 'snapshot', value, attempt: stage.attempt };
      }
      if (ended && !changed && !resetTo) break;
    }
    await pump;
    if (failure) throw failure.error;
    const final = await stage.finish();
    yield { type: 'final', value: final, attempt: stage.attempt };
    return final;
  } finally {
    stopped = true;
    // The consumer stopped early or an error ends the run: release the source (a pending read is
    // cancelled by its signal; this never waits for it).
    if (!drained) void it.return?.()?.catch?.(() => {});
  }
}

/**
 * Makes a stage; if its options are refused (`InvalidOptionError`), the events it would have read are
 * returned first, so the source behind them (a provider response) is released.
 */
export async function stageOf<T>(make: () => T, events: AsyncIterator<unknown>): Promise<T> {
  try {
    return make();
  } catch (error) {
    await events.return?.();
    throw error;
  }
}
