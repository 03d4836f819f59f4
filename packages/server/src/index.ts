export {
  anthropicTool,
  geminiGenerationConfig,
  type JSONSchema,
  jsonSchemaFor,
  LIST_KEY,
  openaiResponseFormat,
  openaiTextFormat,
  openaiTool,
  type SchemaTarget,
  type ToolInfo,
} from './json-schema.ts';
export { type ChatMessage, type ReaskOptions, reask } from './reask.ts';
export {
  type PartialResponseInit,
  type PartialSource,
  type SDKStream,
  SSE_HEADERS,
  toPartialResponse,
} from './response.ts';
