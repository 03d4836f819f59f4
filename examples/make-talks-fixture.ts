/**
 * Writes `packages/test-utils/fixtures/conference-talks.sse`: the talks of a conference programme as an
 * OpenAI Chat Completions stream with a strict `response_format` for `z.array(Talk)`, so the JSON is the
 * `{"items":[...]}` that `jsonSchemaFor(…, 'openai')` asks for. Talk 6 ends before it starts (the
 * programme misprints it), which only the zod schema catches. No API is reachable from this project's
 * machines, so the stream is synthesised like `make-conference-fixture.ts`: the JSON cut into
 * token-sized pieces (1–6 characters, deterministic), framed like the verbatim OpenAI recordings.
 * Run: `npx tsx examples/make-talks-fixture.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TALKS } from '@partialkit/test-utils/talks';

const json = JSON.stringify({ items: TALKS });
let seed = 19;
const next = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return 1 + (seed % 6);
};
const base = {
  id: 'chatcmpl-partialkit-talks',
  object: 'chat.completion.chunk',
  created: 1764640000,
  model: 'gpt-4o-2024-08-06',
  system_fingerprint: 'fp_partialkit',
};
const frame = (choice: object) =>
  `data: ${JSON.stringify({ ...base, choices: [{ index: 0, ...choice }] })}\n\n`;
let out = frame({
  delta: { role: 'assistant', content: '', refusal: null },
  logprobs: null,
  finish_reason: null,
});
for (let i = 0; i < json.length; ) {
  const n = next();
  out += frame({ delta: { content: json.slice(i, i + n) }, logprobs: null, finish_reason: null });
  i += n;
}
out += frame({ delta: {}, logprobs: null, finish_reason: 'stop' });
out += 'data: [DONE]\n\n';
writeFileSync(
  join(import.meta.dirname, '..', 'packages', 'test-utils', 'fixtures', 'conference-talks.sse'),
  out,
);
