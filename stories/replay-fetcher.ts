import '@partialkit/core/providers';
import { replayResponse } from '@partialkit/replay';
import recording from '@partialkit/test-utils/fixtures/conference-extraction.sse?raw';

/** A fetcher that replays the recorded conference extraction in the browser (no server, no API key). */
export function conferenceReplay(msPerEvent = 40) {
  return (input: { speed?: number }, { signal }: { signal: AbortSignal }) =>
    replayResponse(recording, { speed: input.speed ?? 1, untimedIntervalMs: msPerEvent, signal });
}
