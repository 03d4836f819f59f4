/**
 * Writes `packages/test-utils/fixtures/conference-extraction.sse`: the conference extraction as an OpenAI Chat
 * Completions stream. No API is reachable from this project's machines, so this stream is synthesised:
 * the JSON is cut into token-sized pieces (1–6 characters, deterministic) and framed exactly like the
 * verbatim OpenAI recordings beside it. Run: `npx tsx examples/make-conference-fixture.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { ChatStream } from '@partialkit/test-utils/openai-chat-stream';

const json = JSON.stringify(MEETING_RESULT);
const stream = new ChatStream({ id: 'chatcmpl-partialkit-conference', created: 1763900000, seed: 7 });
const out = stream.content(json) + stream.finish('stop');
writeFileSync(
  join(import.meta.dirname, '..', 'packages', 'test-utils', 'fixtures', 'conference-extraction.sse'),
  out,
);
