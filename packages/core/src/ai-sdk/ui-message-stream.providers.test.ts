import { textParts } from '@partialkit/test-utils/ai-sdk';
import { MEETING_RESULT, MeetingInfo } from '@partialkit/test-utils/conference';
import { createUIMessageStream, createUIMessageStreamResponse, Output, streamText } from 'ai';
import { expect, it } from 'vitest';
import * as z from 'zod';
import './index.ts';
import '../providers/index.ts';
import { mockModel } from '@partialkit/test-utils/ai-sdk';
import { streamPartial } from '../pipeline/stream-partial.ts';

// With the provider readers loaded too, an SSE event no reader claims is read as the app's own JSON
// data: an AI SDK part the detector did not know would become the answer.
it('with the provider readers loaded, a header-less UI message stream opened by a source is still AI SDK’s', async () => {
  const loose = z.object({ type: z.string().optional() }).loose();
  for (const schema of [MeetingInfo, loose]) {
    const stream = createUIMessageStream({
      execute: ({ writer }) => {
        writer.write({ type: 'source-url', sourceId: 's1', url: 'https://example.com/agenda' });
        const run = streamText({
          model: mockModel(textParts(JSON.stringify(MEETING_RESULT))),
          prompt: 'Extract the meeting.',
          output: Output.object({ schema: MeetingInfo }),
        });
        writer.merge(run.toUIMessageStream());
      },
    });
    const response = createUIMessageStreamResponse({ stream });
    const bare = new Response(response.body, { headers: { 'content-type': 'text/event-stream' } });
    let last: unknown;
    for await (const value of streamPartial(schema, bare)) last = value;
    expect(last).toEqual(MEETING_RESULT);
  }
});
