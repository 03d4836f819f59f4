import type * as z4 from 'zod/v4/core';
import { type DecodeOptions, decodeEvents } from '../decode/decode-stream.ts';
import type { StreamSource } from '../decode/source.ts';
import { PartialJSONError, TruncatedError } from '../errors.ts';
import { createPartialParser, type PartialParser } from '../parser/create-partial-parser.ts';
import type { DeepPartial } from '../types.ts';

export interface StreamPartialOptions extends DecodeOptions {
  /** Maximum nesting depth of the JSON (default 1000). */
  maxDepth?: number;
  /** Maximum JSON text length in UTF-16 code units. */
  maxLength?: number;
}

/**
 * Feeds the JSON text into a parser; at the end, turns "the text stopped early" into a
 * {@link TruncatedError}. Shared by {@link streamPartial} and the store.
 */
export function finishParser<T>(parser: PartialParser<unknown, T>): T {
  try {
    return parser.end();
  } catch (error) {
    if (error instanceof PartialJSONError && error.incomplete) {
      throw new TruncatedError('eof', `The stream ended before the JSON was complete (${error.message})`);
    }
    throw error;
  }
}

/**
 * The TypeScript form of instructor's `create_partial(..., stream=True)`: decodes a response, parses it
 * against `schema` and yields a snapshot per visible change (stable identity between them). The last
 * value yielded is the validated `z.output<S>`, which is also the generator's return value. Errors are
 * thrown after everything received was yielded.
 */
export async function* streamPartial<S extends z4.$ZodType>(
  schema: S,
  source: StreamSource,
  options: StreamPartialOptions = {},
): AsyncGenerator<DeepPartial<z4.input<S>>, z4.output<S>> {
  const make = () =>
    createPartialParser({
      schema,
      ...(options.maxDepth !== undefined && { maxDepth: options.maxDepth }),
      ...(options.maxLength !== undefined && { maxLength: options.maxLength }),
    });
  let parser = make();
  let last: unknown;
  for await (const event of decodeEvents(source, { extractJson: true, ...options })) {
    if (event.type === 'reset') {
      parser = make();
      last = undefined;
      continue;
    }
    parser.write(event.text);
    const value = parser.value;
    if (value !== last && value !== undefined) {
      last = value;
      yield value;
    }
  }
  const final = finishParser(parser);
  yield final as DeepPartial<z4.input<S>>;
  return final;
}
