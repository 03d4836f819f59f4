export {
  anthropicTool,
  geminiGenerationConfig,
  type JSONSchema,
  jsonSchemaFor,
  openaiResponseFormat,
  openaiTextFormat,
  openaiTool,
  type SchemaTarget,
  type ToolInfo,
} from './json-schema.ts';
export { sendNodeResponse, toNodeHandler, toWebRequest } from './node.ts';
export { type ChatMessage, type ReaskOptions, reask } from './reask.ts';
export { type RecordOptions, record } from './record.ts';
export {
  parseRecording,
  type RecordedChunk,
  type Recording,
  serializeRecording,
} from './replay/recording.ts';
export { type ReplayOptions, replay, replayResponse } from './replay/replay.ts';
export { createReplayServer, loadRecording } from './replay-server.ts';
export {
  type PartialResponseInit,
  type PartialSource,
  type SDKStream,
  SSE_HEADERS,
  toPartialResponse,
} from './response.ts';
