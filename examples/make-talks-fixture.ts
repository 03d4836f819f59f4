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
import { ChatStream } from '@partialkit/test-utils/openai-chat-stream';
import { TALKS } from '@partialkit/test-utils/talks';

const json = JSON.stringify({ items: TALKS });
const stream = new ChatStream({
  id: 'chatcmpl-partialkit-talks',
  created: 1764640000,
  systemFingerprint: 'fp_partialkit',
  seed: 19,
});
const out = stream.content(json) + stream.finish('stop');
writeFileSync(
  join(import.meta.dirname, '..', 'packages', 'test-utils', 'fixtures', 'conference-talks.sse'),
  out,
);
