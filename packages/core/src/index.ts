export { type DecodeOptions, decode, decodeText, type WireFormat } from './decode/decode.ts';
export type { AdapterOptions, DecodedEvent } from './decode/events.ts';
export { encodeProtocolEvent, type ProtocolError, type ProtocolEvent } from './decode/protocol.ts';
export {
  decodeResumable,
  type FetchFunction,
  RESUME_URL_HEADER,
  type ReconnectOptions,
  type ResumableDecodeOptions,
  STREAM_ID_HEADER,
} from './decode/resume.ts';
export type { StreamSource } from './decode/source.ts';
export {
  DecodeError,
  HTTPError,
  InvalidOptionError,
  ItemValidationError,
  ListShapeError,
  NetworkError,
  type PartialIssue,
  PartialJSONError,
  PartialKitError,
  ProviderError,
  RefusalError,
  TruncatedError,
  type TruncationReason,
  ValidationError,
} from './errors.ts';
export { isCompleteItem, isCompleteNode } from './parser/completeness.ts';
export {
  AsyncSchemaError,
  createPartialParser,
  type PartialParser,
  type PartialParserOptions,
} from './parser/create-partial-parser.ts';
export { type ClosedItem, ItemStage, type ItemStageOptions } from './pipeline/item-stage.ts';
export { type ListShape, resolveShape } from './pipeline/list-scanner.ts';
export { type ParseOptions, ParseStage, type ParseUpdate, parse } from './pipeline/parse-stage.ts';
export {
  type InvalidItemHandling,
  type ItemStream,
  type StreamItemsOptions,
  streamItems,
} from './pipeline/stream-items.ts';
export { type PartialStream, type StreamPartialOptions, streamPartial } from './pipeline/stream-partial.ts';
export { atomic, type PartialMeta, partial } from './schema/plan.ts';
export type {
  SchemaInput,
  SchemaOutput,
  StandardIssue,
  StandardSchemaV1,
} from './schema/standard.ts';
export {
  type PartialItemsFields,
  type PartialItemsState,
  PartialItemsStore,
  type PartialItemsStoreOptions,
} from './stream/partial-items-store.ts';
export {
  type Fetcher,
  type PartialFinishResult,
  PartialObjectStore,
  type PartialOutcome,
  type PartialState,
  type PartialStateFields,
  type PartialStoreOptions,
  type StreamStatus,
} from './stream/partial-object-store.ts';
export type { StreamStatusState, StreamStoreFields } from './stream/stream-store.ts';
export type { ThrottleSetting } from './stream/throttle.ts';
export type { DeepPartial, Path } from './types.ts';
