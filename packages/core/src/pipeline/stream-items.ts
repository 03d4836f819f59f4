import { type DecodeOptions, decode } from '../decode/decode.ts';
import type { DecodedEvent } from '../decode/events.ts';
import type { StreamSource } from '../decode/source.ts';
import { InvalidOptionError, type ItemValidationError, PartialKitError } from '../errors.ts';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from '../schema/standard.ts';
import type { DeepPartial } from '../types.ts';
import { type ClosedItem, ItemStage } from './item-stage.ts';
import { type ListShape, resolveShape } from './list-scanner.ts';
import { stageOf } from './parse-stage.ts';
import { releasing, stopOf } from './releasing.ts';

/** What to do with an element that fails the item schema: skip it (default), throw, or call back. */
export type InvalidItemHandling = 'skip' | 'throw' | ((error: ItemValidationError) => void);

/** The handling, if it is one: a typo (`'Throw'`) would otherwise skip quietly. */
export function checkInvalidHandling(onInvalid: InvalidItemHandling): InvalidItemHandling {
  if (onInvalid === 'skip' || onInvalid === 'throw' || typeof onInvalid === 'function') return onInvalid;
  throw new InvalidOptionError('onInvalid', onInvalid, "'skip', 'throw' or a function");
}

export interface StreamItemsOptions {
  /**
   * How to decode the response (format, tool call, …). `extractJson` (default true) is applied to the
   * list, not to one value: prose or a fence around it is skipped, and JSON Lines keep every value.
   */
  decode?: Omit<DecodeOptions, 'signal'> | undefined;
  /** Stops reading (and cancels the source) when aborted. */
  signal?: AbortSignal | undefined;
  /**
   * Where the list is: `'auto'` (default: a root array, or the first array of a root object whose first
   * element an item can be, an empty one if no other, such as the `{ "items": [...] }` that `jsonSchemaFor(z.array(Item), 'openai')` asks for; a response
   * typed `application/x-ndjson` or `application/jsonl` is read as lines), `'array'`, `'lines'` (JSON
   * Lines / NDJSON or concatenated values) or `{ key }`. Anything else throws `InvalidOptionError`.
   */
  shape?: ListShape | undefined;
  /**
   * An element that fails the item schema: `'skip'` (default; it is kept in `issues`), `'throw'`, or a
   * callback (called in order with the elements yielded, instead of keeping it in `issues`; if it throws,
   * the stream ends with its error). Anything else throws `InvalidOptionError` at the first read.
   */
  onInvalid?: InvalidItemHandling | undefined;
  /** Maximum nesting depth inside one element (default 1000). */
  maxDepth?: number | undefined;
  /** Maximum length of one element's text in UTF-16 code units (the list itself is unbounded). */
  maxLength?: number | undefined;
}

/** The elements of a streamed list, and the invalid ones met so far. */
export type ItemStream<T> = AsyncGenerator<T, void, undefined> & {
  /** The elements that failed the item schema so far, in order (each with its `index`). */
  readonly issues: readonly ItemValidationError[];
};

/**
 * The TypeScript form of instructor's `create_iterable`: decodes a response whose JSON is a list and
 * yields each element, validated against `itemSchema`, the moment it closes. Each element is parsed on
 * its own and dropped once handed over, so memory stays bounded by the open element however long the
 * list is. An invalid element does not end the stream (see `onInvalid`); JSON errors, truncation and
 * provider errors are thrown after every element before them was yielded. A server re-ask (a `reset`)
 * before any element was yielded starts the list over; after one, it cannot take them back: it throws
 * (`PartialItemsStore` follows re-asks).
 */
export function streamItems<S extends StandardSchemaV1>(
  itemSchema: S,
  source: StreamSource,
  options: StreamItemsOptions = {},
): ItemStream<SchemaOutput<S>> {
  const issues: ItemValidationError[] = [];
  const { extractJson, ...rest } = options.decode ?? {};
  // Made now, so that an abort or a return() before the first read cancels the source. The decoder's
  // extractor knows one value only: the list scanner extracts instead. A return() while a read is
  // pending aborts `stop`, which ends that read (see `releasing`).
  const { stop, unlink } = stopOf(options.signal);
  const events = decode(source, { ...rest, extractJson: false, signal: stop.signal });
  const contentType = source instanceof Response ? source.headers.get('content-type') : null;
  const generator = run(itemSchema, events, contentType, extractJson ?? true, options, issues, stop, unlink);
  return Object.assign(releasing(generator, events, stop, unlink), { issues });
}

async function* run<S extends StandardSchemaV1>(
  itemSchema: S,
  events: AsyncIterable<DecodedEvent>,
  contentType: string | null,
  extract: boolean,
  options: StreamItemsOptions,
  issues: ItemValidationError[],
  /** Held here, strongly: the caller's signal reaches it only through a weak reference (see `stopOf`). */
  stop: AbortController,
  unlink: () => void,
): AsyncGenerator<SchemaOutput<S>, void, undefined> {
  try {
    const { shape = 'auto', onInvalid = 'skip', maxDepth, maxLength } = options;
    const make = () => {
      checkInvalidHandling(onInvalid);
      return new ItemStage<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>(itemSchema, {
        shape: resolveShape(shape, contentType),
        extract,
        maxDepth,
        maxLength,
      });
    };
    const stage = await stageOf(make, events[Symbol.asyncIterator]());
    let yielded = false;
    try {
      for await (const event of events) {
        // Inline, not through a closure per event: a long list arrives in many small chunks.
        let failed: { error: unknown } | undefined;
        try {
          stage.apply(event);
        } catch (error) {
          failed = { error };
        }
        if (stage.closed.length) {
          for (const closed of stage.closed.splice(0)) {
            const item = closed instanceof Promise ? await closed : closed;
            // One chunk may close many items: an abort between them stops here, however the text was split.
            throwIfAborted(options.signal);
            if (accepted(item, onInvalid, issues)) {
              yielded = true;
              yield item.value;
            }
          }
        }
        if (failed) throw failed.error;
        // Before any item was handed over, a new attempt simply starts the list over (its issues too).
        if (event.type === 'reset' && !yielded) issues.length = 0;
        else if (event.type === 'reset') {
          throw new PartialKitError(
            `The server started attempt ${stage.attempt}: the items already yielded cannot be taken back ` +
              '(PartialItemsStore and usePartialItems follow re-asks)',
          );
        }
      }
    } catch (error) {
      // An element held in doubt is reported before an error of the input (a network error); the
      // stage's own errors released it already.
      stage.release();
      for (const closed of stage.closed.splice(0))
        if (!(closed instanceof Promise)) accepted(closed, onInvalid, issues);
      throw error;
    }
    let failed: { error: unknown } | undefined;
    try {
      stage.finish();
    } catch (error) {
      failed = { error };
    }
    for (const closed of stage.closed.splice(0)) {
      const item = closed instanceof Promise ? await closed : closed;
      throwIfAborted(options.signal);
      if (accepted(item, onInvalid, issues)) yield item.value;
    }
    if (failed) throw failed.error;
  } finally {
    // However it ends, the caller's signal no longer reaches this stream, and a read still pending on
    // the source (an error before its end) ends.
    unlink();
    stop.abort();
  }
}

/** Whether a closed element is handed over; an invalid one is recorded and handled by `onInvalid`. */
function accepted<T>(
  item: ClosedItem<T>,
  onInvalid: InvalidItemHandling,
  issues: ItemValidationError[],
): item is ClosedItem<T> & { valid: true } {
  if (item.valid) return true;
  // Handed to the callback as the valid ones are handed over, not kept: a long list of invalid
  // elements would hold them all.
  if (typeof onInvalid === 'function') onInvalid(item.error);
  else issues.push(item.error);
  if (onInvalid === 'throw') throw item.error;
  return false;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
