/**
 * The demo's API route, served by the Vite dev server (see vite.config.ts). With `OPENAI_API_KEY` set it
 * calls OpenAI (or any compatible server at `OPENAI_BASE_URL`) with a strict JSON schema; otherwise it
 * replays the recorded conference-extraction stream. Either way the browser gets partialkit's SSE
 * protocol through `toPartialResponse`, and closing the tab aborts the upstream request.
 */
import { replayResponse } from '@partialkit/replay';
import { openaiResponseFormat, toPartialResponse } from '@partialkit/server';
import { MeetingInfo } from '@partialkit/test-utils/conference';
import recording from '@partialkit/test-utils/fixtures/conference-extraction.sse?raw';

export interface ExtractRequest {
  text: string;
  /** Replay pace: 1 = about 40 ms per token, 0 = instant. */
  speed?: number;
}

export async function handleExtract(request: Request): Promise<Response> {
  if (request.method !== 'POST') return new Response('POST a JSON body {"text": "..."}', { status: 405 });
  const { text, speed = 1 } = (await request.json()) as ExtractRequest;
  const key = process.env.OPENAI_API_KEY;
  if (!key) {
    return toPartialResponse(replayResponse(recording, { speed, untimedIntervalMs: 40 }), {
      signal: request.signal,
    });
  }
  const base = process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  const upstream = await fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini',
      stream: true,
      response_format: openaiResponseFormat(MeetingInfo, { name: 'meeting_info' }),
      messages: [
        { role: 'system', content: 'Extract the meeting information from the notes.' },
        { role: 'user', content: text },
      ],
    }),
    signal: request.signal,
  });
  return toPartialResponse(upstream, { signal: request.signal });
}
