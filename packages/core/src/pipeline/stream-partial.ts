import { type DecodeOptions, decode } from '../decode/decode.ts';
import type { DecodedEvent } from '../decode/events.ts';
import type { StreamSource } from '../decode/source.ts';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from '../schema/standard.ts';
import type { DeepPartial } from '../types.ts';
import { parse } from './parse-stage.ts';
import { releasing } from './releasing.ts';

export interface StreamPartialOptions {
  /** How to decode the response (format, tool call, …). `extractJson` is on by default here. */
  decode?: Omit<DecodeOptions, 'signal'>;
  /** Stops reading (and cancels the source) when aborted. */
  signal?: AbortSignal;
  /** Maximum nesting depth of the JSON (default 1000); an invalid value throws `InvalidOptionError` at the first read. */
  maxDepth?: number;
  /** Maximum JSON text length in UTF-16 code units; an invalid value throws `InvalidOptionError` at the first read. */
  maxLength?: number;
}

/**
 * The TypeScript form of instructor's `create_partial(..., stream=True)`: decodes a response, parses it
 * against `schema` (any Standard Schema) and yields a snapshot whenever the consumer asks and something changed (stable
 * identity between them). The last value yielded is the validated output (`z.output<S>` for zod), which is also the
 * generator's return value. Errors are thrown after everything received was yielded.
 */
export function streamPartial<S extends StandardSchemaV1>(
  schema: S,
  source: StreamSource,
  options: StreamPartialOptions = {},
): AsyncGenerator<DeepPartial<SchemaInput<S>>, SchemaOutput<S>> {
  const { decode: decodeOptions, signal, ...bounds } = options;
  // Made now, so that an abort or a return() before the first read cancels the source.
  const events = decode(source, { extractJson: true, ...decodeOptions, signal });
  return releasing(snapshots(schema, events, bounds), events);
}

async function* snapshots<S extends StandardSchemaV1>(
  schema: S,
  events: AsyncIterable<DecodedEvent>,
  bounds: Pick<StreamPartialOptions, 'maxDepth' | 'maxLength'>,
): AsyncGenerator<DeepPartial<SchemaInput<S>>, SchemaOutput<S>, undefined> {
  const updates = parse(events, { schema, ...bounds });
  try {
    while (true) {
      const next = await updates.next();
      if (next.done) return next.value;
      const update = next.value;
      // The final value is yielded too, so a `for await` loop sees it as its last value.
      if (update.type !== 'reset') yield update.value as DeepPartial<SchemaInput<S>>;
    }
  } finally {
    await updates.return(undefined as SchemaOutput<S>);
  }
}
