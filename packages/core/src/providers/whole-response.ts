/**
 * A provider's whole answer, asked for without streaming, told by the start of its body (as far as it
 * came in the first chunk). Read as JSON text, its envelope would pass for the answer: the schema's
 * fields missing, or a loose schema satisfied by the wrong value.
 */
const WHOLE: ReadonlyArray<readonly [RegExp, string, string]> = [
  // OpenAI and compatible servers put `id` first and `object` soon after it (OpenRouter: a few keys on).
  [
    /^\{\s*"id"\s*:[^]{0,400}?"object"\s*:\s*"chat\.completion"/,
    'an OpenAI chat completion',
    '"stream": true',
  ],
  [/^\{\s*"id"\s*:\s*"resp_[^]{0,400}?"object"\s*:\s*"response"/, 'an OpenAI response', '"stream": true'],
  [/^\{\s*"id"\s*:\s*"msg_[^"]*"\s*,\s*"type"\s*:\s*"message"/, 'an Anthropic message', '"stream": true'],
  [
    /^\{\s*"candidates"\s*:\s*\[\s*\{\s*"content"\s*:\s*\{\s*"(parts|role)"/,
    'a Gemini generateContent response',
    'streamGenerateContent (with ?alt=sse)',
  ],
];

/** The error's message for a body that begins with `head`, if it is a provider's whole answer. */
export function wholeResponse(head: string): string | undefined {
  for (const [start, what, fix] of WHOLE) {
    if (start.test(head)) return `The response is ${what} in one piece, not a stream: request it with ${fix}`;
  }
  return undefined;
}
