import type { Fetcher } from '@partialkit/core';
import { replayResponse } from '@partialkit/replay';
import { toPartialResponse } from '@partialkit/server';
import type { ExtractRequest } from '../apps/demo/server/api.ts';
import { MS_PER_EVENT, RECORDINGS } from '../apps/demo/src/recordings.ts';
import type { ScenarioId } from '../apps/demo/src/scenarios.ts';
import { thousandParticipants } from './thousand.ts';

/** What the stories can replay: the demo's recordings and a synthesised 1 000-participant stream. */
export type StoryFixture = ScenarioId | 'thousand';

export interface ReplayArgs {
  fixture: StoryFixture;
  /** 1 = about 40 ms per recorded event, 4 = four times faster, 0 = instant. */
  speed: number;
  /** Bytes per network read (0 = as recorded). */
  chunkSize: number;
  /** Deliver only this many protocol events, then hold the stream open (0 = all): a still frame. */
  holdAfter: number;
}

const recordingOf = (fixture: StoryFixture) =>
  fixture === 'thousand' ? thousandParticipants() : RECORDINGS[fixture];

/**
 * A fetcher that does in the browser what the demo's API does on the server: replay a recording and
 * serve it through `toPartialResponse`, so the store reads partialkit's protocol. No server, no key.
 */
export function replayFetcher(args: ReplayArgs): Fetcher<Partial<ExtractRequest>> {
  return (_input, { signal }) => {
    const upstream = replayResponse(recordingOf(args.fixture), {
      speed: args.speed,
      untimedIntervalMs: MS_PER_EVENT,
      signal,
      ...(args.chunkSize > 0 && { chunking: args.chunkSize }),
    });
    if (!upstream.ok) return upstream;
    const response = toPartialResponse(upstream, { signal });
    if (args.fixture === 'dropped') return cut(response, 60, signal);
    if (args.holdAfter > 0) return cut(response, args.holdAfter + 1, signal, true);
    return response;
  };
}

/**
 * The response after `events` reads: it then fails as a dropped connection does in a browser (fetch's
 * `TypeError`), or with `hold`, stays open until the signal aborts.
 */
function cut(response: Response, events: number, signal: AbortSignal, hold = false): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let read = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (read++ >= events) {
          if (!hold) {
            await reader.cancel();
            controller.error(new TypeError('network error'));
            return;
          }
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          );
          await reader.cancel();
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

/** The demo page's own fetcher in the browser: the recording and speed the page's controls chose. */
export function demoReplayFetcher(chunkSize = 0): Fetcher<ExtractRequest> {
  return (input, init) =>
    replayFetcher({
      fixture: input.scenario ?? 'conference',
      speed: input.speed ?? 1,
      chunkSize,
      holdAfter: 0,
    })(input, init);
}

/** How many text events of a recording come before its JSON text first contains `marker` (for `holdAfter`). */
export function eventsUntil(fixture: StoryFixture, marker: string): number {
  let text = '';
  let events = 0;
  for (const line of recordingOf(fixture).split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const content = (JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> })
      .choices?.[0]?.delta?.content;
    if (!content) continue;
    text += content;
    events++;
    if (text.includes(marker)) return events;
  }
  throw new RangeError(`${fixture} never contains ${JSON.stringify(marker)}`);
}
