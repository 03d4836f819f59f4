import { mockModel, textParts } from '@partialkit/test-utils/ai-sdk';
import { Output, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { reask } from './reask.ts';
import { toPartialResponse } from './response.ts';
import { MemoryResumeStore } from './resume/memory-resume-store.ts';
import { resumeResponse, toResumableResponse } from './resume/resumable.ts';

const Person = z.object({ name: z.string() });
const ANSWER = '{"name":"Ada"}';
async function* deltas() {
  yield ANSWER;
}

describe('server: explicit undefined options equal omitted ones', () => {
  it('toPartialResponse: every init option undefined', async () => {
    const r = toPartialResponse(deltas(), {
      decode: undefined,
      signal: undefined,
      heartbeatMs: undefined,
      status: undefined,
      headers: undefined,
      onError: undefined,
    });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain('event: done');
    expect(body).toContain(JSON.stringify(ANSWER));
  });

  it('toPartialResponse(streamText result, { decode: { format: undefined } }) reads it as with no format', async () => {
    const run = () =>
      streamText({
        model: mockModel(textParts(ANSWER)),
        prompt: 'x',
        output: Output.object({ schema: Person }),
        onError: () => {},
      });
    const omitted = await toPartialResponse(run(), { decode: {} }).text();
    const explicit = await toPartialResponse(run(), {
      decode: { format: undefined, toolCall: undefined, extractJson: undefined },
    }).text();
    expect(explicit).toBe(omitted);
  });

  it('reask: every option undefined', async () => {
    const events: unknown[] = [];
    for await (const e of reask({
      schema: Person,
      messages: [],
      call: async () => deltas(),
      decode: undefined,
      maxRetries: undefined,
      signal: undefined,
      maxDepth: undefined,
      maxLength: undefined,
      feedback: undefined,
    }))
      events.push(e);
    expect(events).toEqual([{ type: 'text', text: ANSWER }]);
  });

  it('MemoryResumeStore + toResumableResponse + resumeResponse: every option undefined', async () => {
    const store = new MemoryResumeStore({ maxChars: undefined, ttlMs: undefined, maxTombstones: undefined });
    const first = await toResumableResponse(() => deltas(), {
      store,
      decode: undefined,
      id: 's1',
      resumeUrl: undefined,
      signal: undefined,
      request: undefined,
      heartbeatMs: undefined,
      headers: undefined,
      onError: undefined,
    });
    expect(await first.text()).toContain('event: done');
    const again = await resumeResponse('s1', 0, {
      store,
      resumeUrl: undefined,
      heartbeatMs: undefined,
      headers: undefined,
    });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('event: done');
  });
});
