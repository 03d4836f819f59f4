/**
 * `@partialkit/core/ai-sdk`: the reader of AI SDK's UI message stream (format `'ai-sdk'`, what
 * `streamText(…).toUIMessageStreamResponse()` sends). Importing this entry registers it with `decode`,
 * so `usePartialObject(schema, '/api/…')` reads an existing AI SDK route with no server change; `'auto'`
 * finds it by the `x-vercel-ai-ui-message-stream` header, or by its part types when the header is gone.
 */

import { registerFormats } from '../decode/formats.ts';
import { jsonData, type SSEMessage } from '../decode/sse.ts';
import { aiSdk, isAiSdkPart } from './ui-message-stream.ts';

function detect(event: SSEMessage): 'ai-sdk' | undefined {
  const data = jsonData(event);
  if (typeof data !== 'object' || data === null) return undefined;
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string' || (event.event ?? type) !== type) return undefined;
  return isAiSdkPart(type, data) ? 'ai-sdk' : undefined;
}

registerFormats({ detect, sse: { 'ai-sdk': aiSdk } });

export { AI_SDK_HEADER } from '../decode/detect.ts';
