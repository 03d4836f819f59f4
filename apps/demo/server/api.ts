/**
 * The demo's API, a fetch-style handler served by the Vite dev server (vite.config.ts) and by the
 * production server (server/main.ts) alike. With `OPENAI_API_KEY` set, /api/extract calls OpenAI (or
 * any compatible server at `OPENAI_BASE_URL`) with a strict JSON schema; otherwise it replays one of the
 * recordings. Either way the browser gets partialkit's SSE protocol as a resumable stream
 * (`toResumableResponse`): a dropped connection resumes at GET /api/extract/:id, and DELETE
 * /api/extract/:id (the store's stop) cancels the upstream call. /api/config tells the page which of
 * the two modes it gets; /api/talks serves the talks example (server/talks.ts).
 */
import { replayResponse } from '@partialkit/replay';
import {
  cancelResponse,
  MemoryResumeStore,
  openaiResponseFormat,
  resumeOffset,
  resumeResponse,
  toPartialResponse,
  toResumableResponse,
} from '@partialkit/server';
import { MeetingInfo } from '@partialkit/test-utils/conference';
import { MS_PER_EVENT, RECORDINGS } from '../src/recordings.ts';
import { type ScenarioId, scenario } from '../src/scenarios.ts';
import { LiveConnections } from './live-connections.ts';
import { type ChatResult, liveModel, passError, streamChat } from './openai.ts';
import { ExtractBody, notAllowed, readJsonBody } from './request-body.ts';
import { handleTalks } from './talks.ts';

/** The body of POST /api/extract, checked by `ExtractBody` (server/request-body.ts): anything else is a 400. */
export interface ExtractRequest {
  text: string;
  /** Which recording to replay (replay mode only; default: the conference extraction). */
  scenario?: ScenarioId;
  /** Replay pace: 1 = about 40 ms per token, 4 = four times faster, 0 = instant. */
  speed?: number;
}

export interface DemoConfig {
  /** `'replay'`: recordings, no API key; `'live'`: the model named by `model`. */
  mode: 'replay' | 'live';
  model?: string;
}

/** The extractions of this server process, resumable for five minutes after they end. */
export const resumeStore = new MemoryResumeStore({ ttlMs: 5 * 60_000 });
/** The extraction responses being sent, for the page's "Drop connection" control. */
export const connections = new LiveConnections();
const resumeUrl = (id: string) => `/api/extract/${id}`;
/** The largest request body the API reads: notes of at most `MAX_TEXT` characters, escaped. */
export const API_BODY_LIMIT = 1024 * 1024;

/**
 * Routes /api/config, /api/extract (POST; GET and DELETE /api/extract/:id resume and cancel; POST
 * /api/extract/:id/drop cuts its live responses) and /api/talks, with or without the /api prefix,
 * which Vite's mount strips.
 */
export function handleApi(request: Request): Promise<Response> | Response {
  const path = new URL(request.url).pathname.replace(/^\/api/, '');
  if (path === '/config') {
    const config: DemoConfig = process.env.OPENAI_API_KEY
      ? { mode: 'live', model: liveModel() }
      : { mode: 'replay' };
    return Response.json(config, { headers: { 'cache-control': 'no-store' } });
  }
  if (path === '/extract') return handleExtract(request);
  if (path === '/talks') return handleTalks(request);
  const stream = /^\/extract\/([\w-]+)(\/drop)?$/.exec(path);
  if (stream?.[1]) return handleStream(request, stream[1], stream[2] !== undefined);
  return new Response('Not found', { status: 404 });
}

/** One resumable extraction: resume it (GET), cancel it (DELETE) or cut its connections (POST …/drop). */
async function handleStream(request: Request, id: string, drop: boolean): Promise<Response> {
  if (drop) {
    if (request.method !== 'POST') return notAllowed('POST', 'POST to drop');
    return new Response(null, { status: connections.drop(id) > 0 ? 204 : 404 });
  }
  if (request.method === 'GET')
    return connections.track(await resumeResponse(id, resumeOffset(request), { store: resumeStore }));
  if (request.method === 'HEAD') {
    // GET's status and headers, without following the stream to its end.
    const response = await resumeResponse(id, resumeOffset(request), { store: resumeStore });
    await response.body?.cancel();
    return new Response(null, { status: response.status, headers: response.headers });
  }
  if (request.method === 'DELETE') return cancelResponse(id, { store: resumeStore });
  return notAllowed('GET, HEAD, DELETE', 'GET to resume, DELETE to cancel');
}

/**
 * Serves an upstream that answered 200 as a resumable stream. The browser leaving no longer stops the
 * upstream (a reconnect must find it running); a cancel does, through `abort`.
 */
function resumable(upstream: Response, abort?: (reason: unknown) => void): Promise<Response> {
  return toResumableResponse(
    ({ signal }) => {
      if (abort) signal.addEventListener('abort', () => abort(signal.reason), { once: true });
      return upstream;
    },
    { store: resumeStore, resumeUrl },
  ).then((response) => connections.track(response));
}

export async function handleExtract(request: Request): Promise<Response> {
  if (request.method !== 'POST') return notAllowed('POST', 'POST a JSON body {"text": "..."}');
  const body = await readJsonBody(request, ExtractBody);
  if (body instanceof Response) return body;
  const { text, speed = 1, scenario: id } = body;
  const key = process.env.OPENAI_API_KEY;
  if (!key) {
    const chosen = scenario(id);
    const upstream = replayResponse(RECORDINGS[chosen.id], { speed, untimedIntervalMs: MS_PER_EVENT });
    if (!upstream.ok) return passError(upstream);
    // The one stream served the old way: not resumable, so its server-side drop ends it.
    if (chosen.id === 'dropped')
      return dropAfter(toPartialResponse(upstream, { signal: request.signal }), 60);
    return resumable(upstream);
  }
  const generation = new AbortController();
  // Until the stream is resumable, a browser that goes away (Stop before the first byte) ends the call;
  // after, a dropped connection is resumed, and only a cancel (DELETE) ends it.
  const gone = () => generation.abort(request.signal.reason);
  request.signal.addEventListener('abort', gone, { once: true });
  let call: ChatResult;
  try {
    call = await streamChat(key, {
      responseFormat: openaiResponseFormat(MeetingInfo, { name: 'meeting_info' }),
      system: 'Extract the meeting information from the notes.',
      text,
      signal: generation.signal,
    });
  } finally {
    request.signal.removeEventListener('abort', gone);
  }
  if (!call.ok) return call.response;
  return resumable(call.upstream, (reason) => generation.abort(reason));
}

/** The response, cut off after `chunks` chunks: the Node server then destroys the socket mid-body. */
function dropAfter(response: Response, chunks: number): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent++ >= chunks) {
          await reader.cancel('dropped');
          // Let the socket send what was queued first: at instant speed the chunks are all queued at once,
          // and a socket destroyed at once would have sent none of them.
          await new Promise((resolve) => setTimeout(resolve, 100));
          controller.error(new Error('The demo dropped the connection'));
          return;
        }
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, headers: response.headers });
}
