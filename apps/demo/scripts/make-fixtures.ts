/**
 * Writes the demo's failure recordings into `packages/test-utils/fixtures/` (see SOURCES.md there): the
 * conference extraction framed as an OpenAI Chat Completions stream, like `conference-extraction.sse`,
 * but ending the ways real streams end badly. No API is reachable from this project's machines, so they
 * are synthesised with the same deterministic 1–6 character cuts; the HTTP error is written with
 * `serializeRecording` from @partialkit/replay. Run: `npx tsx apps/demo/scripts/make-fixtures.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeRecording } from '@partialkit/replay';
import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { ChatStream } from '@partialkit/test-utils/openai-chat-stream';

const OUT = join(import.meta.dirname, '..', '..', '..', 'packages', 'test-utils', 'fixtures');

const stream = new ChatStream({ id: 'chatcmpl-partialkit-conference', created: 1763900000, seed: 7 });
const content = (json: string, upTo?: number) => stream.content(json, upTo);
const frame = (choice: object) => stream.frame(choice);

const json = JSON.stringify(MEETING_RESULT);
// Part-way through the third participant: two cards closed, one streaming.
const third = json.indexOf('"Alex Johnson"') + 8;

// OpenAI sends a mid-stream failure as a chunk holding only `error`, and then closes (no [DONE]).
const providerError = `${content(json, third)}data: ${JSON.stringify({
  error: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    param: null,
    code: null,
  },
})}\n\n`;

// The token limit: the last chunk carries finish_reason "length", then [DONE].
const truncated = `${content(json, third)}${frame({ delta: {}, logprobs: null, finish_reason: 'length' })}data: [DONE]\n\n`;

const invalid = JSON.stringify({
  ...MEETING_RESULT,
  users: MEETING_RESULT.users.map((u, i) => (i === 1 ? { ...u, email: 'not-an-email' } : u)),
  date: '2024-13-45',
  budget: 12.5,
});
const validation = `${content(invalid)}${frame({ delta: {}, logprobs: null, finish_reason: 'stop' })}data: [DONE]\n\n`;

const rateLimit = serializeRecording({
  status: 429,
  headers: { 'content-type': 'application/json' },
  url: 'https://api.openai.com/v1/chat/completions',
  chunks: [
    {
      t: 0,
      bytes: new TextEncoder().encode(
        `${JSON.stringify({
          error: {
            message:
              'Rate limit reached for gpt-4o in organization org-partialkit on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        })}\n`,
      ),
    },
  ],
});

writeFileSync(join(OUT, 'conference-provider-error-midstream.sse'), providerError);
writeFileSync(join(OUT, 'conference-length-truncated.sse'), truncated);
writeFileSync(join(OUT, 'conference-validation-failure.sse'), validation);
writeFileSync(join(OUT, 'conference-http-429.rec.jsonl'), rateLimit);
