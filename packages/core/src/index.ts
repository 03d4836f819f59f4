export {
  type DecodeOptions,
  decodeEvents,
  decodeObjects,
  decodeStream,
  type WireFormat,
} from './decode/decode-stream.ts';
export type { AdapterOptions, DecodedEvent } from './decode/events.ts';
export { JsonExtractor } from './decode/fence.ts';
export { encodeProtocolEvent, type ProtocolEvent } from './decode/protocol.ts';
export type { StreamSource } from './decode/source.ts';
export {
  HTTPError,
  type PartialIssue,
  PartialJSONError,
  PartialKitError,
  ProviderError,
  RefusalError,
  TruncatedError,
  type TruncationReason,
  ValidationError,
} from './errors.ts';
export { isCompleteNode } from './parser/completion.ts';
export {
  createPartialParser,
  type PartialParser,
  type PartialParserOptions,
} from './parser/create-partial-parser.ts';
export { atomic, type PartialMeta, partial, partialRegistry } from './schema/plan.ts';
export {
  type Fetcher,
  PartialObjectStore,
  type PartialState,
  type PartialStoreOptions,
  type StreamStatus,
} from './stream/controller.ts';
export { type StreamPartialOptions, streamPartial } from './stream/stream-partial.ts';
export type { DeepPartial, Path } from './types.ts';
