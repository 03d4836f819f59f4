/**
 * The demo's talks route (the items mode), for the lead to mount beside /api/extract (for example at
 * /api/talks in vite.config.ts). With `OPENAI_API_KEY` set it asks OpenAI (or any compatible server at
 * `OPENAI_BASE_URL`) for `z.array(Talk)` with a strict schema, which `openaiResponseFormat` wraps as
 * `{ items: [...] }`; otherwise it replays the synthesised conference-talks stream. Either way the
 * browser gets partialkit's SSE protocol, and `usePartialItems` unwraps the list with no configuration.
 */
import { replayResponse } from '@partialkit/replay';
import { openaiResponseFormat, toPartialResponse } from '@partialkit/server';
import recording from '@partialkit/test-utils/fixtures/conference-talks.sse?raw';
import { Programme } from '@partialkit/test-utils/talks';
import { streamChat } from './openai.ts';
import { notAllowed, readJsonBody, TalksBody } from './request-body.ts';

/** The body of POST /api/talks, checked by `TalksBody` (server/request-body.ts): anything else is a 400. */
export interface TalksRequest {
  text: string;
  /** Replay pace: 1 = about 15 ms per token, 0 = instant. */
  speed?: number;
}

export async function handleTalks(request: Request): Promise<Response> {
  if (request.method !== 'POST') return notAllowed('POST', 'POST a JSON body {"text": "..."}');
  const body = await readJsonBody(request, TalksBody);
  if (body instanceof Response) return body;
  const { text, speed = 1 } = body;
  const key = process.env.OPENAI_API_KEY;
  if (!key) {
    return toPartialResponse(replayResponse(recording, { speed, untimedIntervalMs: 15 }), {
      signal: request.signal,
    });
  }
  const call = await streamChat(key, {
    responseFormat: openaiResponseFormat(Programme, { name: 'talks' }),
    system: 'List every talk of the conference programme, in programme order.',
    text,
    signal: request.signal,
  });
  if (!call.ok) return call.response;
  return toPartialResponse(call.upstream, { signal: request.signal });
}
