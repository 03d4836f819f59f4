/**
 * `@partialkit/core/ai-sdk`: the reader of AI SDK's UI message stream (format `'ai-sdk'`, what
 * `streamText(…).toUIMessageStreamResponse()` sends). Importing this entry registers it with `decode`,
 * so `usePartialObject(schema, '/api/…')` reads an existing AI SDK route with no server change; `'auto'`
 * finds it by the `x-vercel-ai-ui-message-stream` header, or by its part types when the header is gone
 * (core's detection tells them, so that without this entry the error says to import it).
 */

import { registerFormats } from '../decode/formats.ts';
import { aiSdk } from './ui-message-stream.ts';

registerFormats({ sse: { 'ai-sdk': aiSdk } });

export { AI_SDK_HEADER } from '../decode/detect.ts';
