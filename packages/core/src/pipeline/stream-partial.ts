import { type DecodeOptions, decode } from '../decode/decode.ts';
import type { DecodedEvent } from '../decode/events.ts';
import type { StreamSource } from '../decode/source.ts';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from '../schema/standard.ts';
import type { DeepPartial } from '../types.ts';
import { parse } from './parse-stage.ts';
import { releasing, stopOf } from './releasing.ts';

export interface StreamPartialOptions {
  /**
   * How to decode the response (format, tool call, …). `extractJson` is on by default here, and knows
   * the schema: a bracket that cannot open the value it describes is prose, and text without such a
   * value fails with a `PartialJSONError` that says so.
   */
  decode?: Omit<DecodeOptions, 'signal'> | undefined;
  /** Stops reading (and cancels the source) when aborted. */
  signal?: AbortSignal | undefined;
  /** Maximum nesting depth of the JSON (default 1000); an invalid value throws `InvalidOptionError` at the first read. */
  maxDepth?: number | undefined;
  /** Maximum JSON text length in UTF-16 code units; an invalid value throws `InvalidOptionError` at the first read. */
  maxLength?: number | undefined;
}

/**
 * What `streamPartial` returns: snapshots of the value while it streams, then the validated output,
 * as the last value yielded and as the return value. The output is typed apart from the snapshots,
 * since a schema's transforms may change it (`z.string().transform(Number)` yields `"40"` while
 * streaming, then `40`).
 */
export type PartialStream<TPartial, TOutput> = AsyncGenerator<TPartial | TOutput, TOutput, undefined> & {
  /**
   * 1 for the first attempt; grows when the server starts over (a re-ask, or an AI SDK step after one
   * whose JSON was shown). The snapshots after that are the new attempt's, from its first value.
   */
  readonly attempt: number;
};

/**
 * The TypeScript form of instructor's `create_partial(..., stream=True)`: decodes a response, parses it
 * against `schema` (any Standard Schema) and yields a snapshot whenever the consumer asks and something
 * changed (stable identity between them). The last value yielded is the validated output (`z.output<S>`
 * for zod), which is also the generator's return value. Errors are thrown after everything received was
 * yielded.
 */
export function streamPartial<S extends StandardSchemaV1>(
  schema: S,
  source: StreamSource,
  options: StreamPartialOptions = {},
): PartialStream<DeepPartial<SchemaInput<S>>, SchemaOutput<S>> {
  const { decode: decodeOptions, signal, ...bounds } = options;
  // The parse stage always has a read pending, which a return() would wait behind (on a silent
  // upstream, until its next chunk): an early stop aborts this signal of ours, which ends the read.
  const { stop, unlink } = stopOf(signal);
  // Made now, so that an abort or a return() before the first read cancels the source. The parse stage
  // extracts the JSON, by the schema (`?? true`: an explicit `extractJson: undefined` is the default too).
  const events = decode(source, { ...decodeOptions, extractJson: false, signal: stop.signal });
  const parsing = { ...bounds, extract: decodeOptions?.extractJson ?? true };
  const progress = { attempt: 1 };
  const stream = releasing(snapshots(schema, events, parsing, progress, stop, unlink), events, stop, unlink);
  return Object.defineProperty(stream, 'attempt', {
    get: () => progress.attempt,
    enumerable: true,
  }) as PartialStream<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>;
}

async function* snapshots<S extends StandardSchemaV1>(
  schema: S,
  events: AsyncIterable<DecodedEvent>,
  parsing: Pick<StreamPartialOptions, 'maxDepth' | 'maxLength'> & { extract: boolean },
  progress: { attempt: number },
  stop: AbortController,
  unlink: () => void,
): AsyncGenerator<DeepPartial<SchemaInput<S>> | SchemaOutput<S>, SchemaOutput<S>, undefined> {
  const updates = parse(events, { schema, ...parsing });
  let complete = false;
  try {
    while (true) {
      const next = await updates.next();
      if (next.done) {
        complete = true;
        return next.value;
      }
      const update = next.value;
      progress.attempt = update.attempt;
      // The final value is yielded too, so a `for await` loop sees it as its last value.
      if (update.type !== 'reset') yield update.value;
    }
  } finally {
    // A `break`, a throw() or an error: the read still pending on the source ends now.
    unlink();
    if (!complete) stop.abort();
    await updates.return(undefined as SchemaOutput<S>);
  }
}
