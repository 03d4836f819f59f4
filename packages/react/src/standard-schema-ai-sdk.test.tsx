import '@partialkit/core/ai-sdk';
import '@partialkit/core/standard-schema';
import { ValidationError } from '@partialkit/core';
import { mockModel, textParts } from '@partialkit/test-utils/ai-sdk';
import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { act, renderHook } from '@testing-library/react';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { Output, streamText } from 'ai';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { usePartialObject } from './use-partial-object.ts';

// The conference schema in valibot: the hook takes any Standard Schema.
const Meeting = toStandardJsonSchema(
  v.object({
    users: v.array(v.object({ name: v.string(), email: v.pipe(v.string(), v.email()), twitter: v.string() })),
    date: v.pipe(v.string(), v.isoDate()),
    location: v.string(),
    budget: v.pipe(v.number(), v.integer()),
    deadline: v.pipe(v.string(), v.isoDate()),
  }),
);

/** What an unchanged AI SDK route answers: `streamText` + `Output.object`, as a UI message stream. */
function aiSdkRoute(text: string): Response {
  return streamText({
    model: mockModel(textParts(text, 'stop', 5), true),
    prompt: 'Extract the meeting.',
    output: Output.object({ schema: Meeting }),
    onError: () => {},
  }).toUIMessageStreamResponse();
}

describe('usePartialObject with a valibot schema against an AI SDK route', () => {
  it('renders the object as it streams, never a half date or budget, and ends with the data', async () => {
    const objects = new Set<unknown>();
    // Counted from the store's updates: React 18 batches the renders inside one act().
    const { result } = renderHook(() =>
      usePartialObject(Meeting, async () => aiSdkRoute(JSON.stringify(MEETING_RESULT)), {
        throttle: 0,
        onUpdate: (o) => objects.add(o),
      }),
    );
    await act(() => result.current.submit(undefined));
    expect(result.current.error).toBeUndefined();
    expect(result.current.status).toBe('success');
    expect(result.current.data).toEqual(MEETING_RESULT);
    expect(result.current.attempt).toBe(1);
    expect(objects.size).toBeGreaterThan(10);
    for (const o of objects as Set<Partial<typeof MEETING_RESULT> | undefined>) {
      if (o && 'date' in o) expect(o.date).toBe(MEETING_RESULT.date);
      if (o && 'budget' in o) expect(o.budget).toBe(MEETING_RESULT.budget);
    }
  });

  it("valibot's validation errors surface as a ValidationError with issues", async () => {
    const bad = JSON.stringify({ ...MEETING_RESULT, date: 'March 15th' });
    const { result } = renderHook(() =>
      usePartialObject(Meeting, async () => aiSdkRoute(bad), { throttle: 0 }),
    );
    await act(() => result.current.submit(undefined));
    expect(result.current.status).toBe('error');
    expect(result.current.error).toBeInstanceOf(ValidationError);
    expect(result.current.issues.map((i) => i.path)).toEqual([['date']]);
    expect(result.current.object).toEqual({ ...MEETING_RESULT, date: 'March 15th' });
  });
});
