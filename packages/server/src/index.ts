export type { StreamTextResultLike } from './ai-sdk-result.ts';
export {
  anthropicTool,
  geminiGenerationConfig,
  type JSONSchema,
  jsonSchemaFor,
  LIST_KEY,
  type ObjectJSONSchema,
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
export {
  MemoryResumeStore,
  type MemoryResumeStoreOptions,
} from './resume/memory-resume-store.ts';
export {
  cancelResponse,
  type GenerationContext,
  type ResumableInit,
  resumeOffset,
  resumeResponse,
  toResumableResponse,
} from './resume/resumable.ts';
export type { ResumeStore, StreamEntry, StreamRead } from './resume/resume-store.ts';
