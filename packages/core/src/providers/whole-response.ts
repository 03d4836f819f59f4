/** A top-level field whose value is a string, a number, a boolean or null, and its comma. */
const FIELD = String.raw`\s*"\w+"\s*:\s*(?:"[^"\\]*"|-?[\d.eE+]+|null|true|false)\s*,`;
const envelope = (start: string) => new RegExp(String.raw`^\{\s*"id"\s*:\s*"${start}`);

/**
 * A provider's whole answer, asked for without streaming, told by the start of its body as far as its
 * first chunk goes (a body that comes whole most often comes in one; a first chunk that ends before the
 * marker is read as text, as before). Read as JSON text, its envelope would pass for the answer: the
 * schema's fields missing, or a loose schema satisfied by the wrong value. Only the envelope's own
 * first keys tell it, in the order the APIs write them, so that an app's JSON with such fields further
 * in is not taken for one.
 */
const WHOLE: ReadonlyArray<readonly [RegExp, string, string]> = [
  // OpenAI and compatible servers: `id` first, `object` next (OpenRouter: after `provider` and `model`).
  [
    envelope(String.raw`[^"\\]*"\s*,(?:${FIELD}){0,3}\s*"object"\s*:\s*"chat\.completion"\s*[,}]`),
    'an OpenAI chat completion',
    '"stream": true',
  ],
  [
    envelope(String.raw`resp_[^"\\]*"\s*,(?:${FIELD}){0,3}\s*"object"\s*:\s*"response"\s*[,}]`),
    'an OpenAI response',
    '"stream": true',
  ],
  [
    envelope(String.raw`msg_[^"\\]*"\s*,\s*"type"\s*:\s*"message"\s*,\s*"role"\s*:\s*"assistant"\s*[,}]`),
    'an Anthropic message',
    '"stream": true',
  ],
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
