/**
 * Writes `packages/test-utils/fixtures/conference-extraction.sse`: the conference extraction as an OpenAI Chat
 * Completions stream. No API is reachable from this project's machines, so this stream is synthesised:
 * the JSON is cut into token-sized pieces (1–6 characters, deterministic) and framed exactly like the
 * verbatim OpenAI recordings beside it. Run: `npx tsx examples/make-conference-fixture.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEETING_RESULT } from '@partialkit/test-utils/conference';

const json = JSON.stringify(MEETING_RESULT);
let seed = 7;
const next = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return 1 + (seed % 6);
};
const base = {
  id: 'chatcmpl-partialkit-conference',
  object: 'chat.completion.chunk',
  created: 1763900000,
  model: 'gpt-4o-2024-08-06',
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
  join(import.meta.dirname, '..', 'packages', 'test-utils', 'fixtures', 'conference-extraction.sse'),
  out,
);
