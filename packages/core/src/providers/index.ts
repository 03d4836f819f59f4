/**
 * `@partialkit/core/providers`: the readers of provider wire formats (OpenAI Chat Completions and
 * Responses, Anthropic Messages, Gemini). Importing this entry registers them with `decode`, so
 * `format: 'auto'` detects them and the named formats work everywhere in the program, the store and
 * `streamPartial` included. Servers import it; a browser that reads partialkit's protocol does not.
 */
import { registerFormats } from '../decode/formats.ts';
import { anthropic } from './anthropic.ts';
import { declaredFormat } from './declared-format.ts';
import { dialectOf } from './dialect.ts';
import { gemini, geminiArray } from './gemini.ts';
import { openaiChat } from './openai-chat.ts';
import { openaiResponses } from './openai-responses.ts';
import { wholeResponse } from './whole-response.ts';

registerFormats({
  detect: dialectOf,
  sse: {
    'openai-chat': openaiChat,
    'openai-responses': openaiResponses,
    anthropic,
    gemini,
  },
  body: { 'gemini-array': geminiArray },
  whole: wholeResponse,
  declared: declaredFormat,
});

export { decodeObjects } from './decode-objects.ts';
