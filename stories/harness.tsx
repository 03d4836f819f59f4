import { type UsePartialObjectResult, usePartialObject } from '@partialkit/react';
import type { StreamRecorder } from '@partialkit/react/inspector';
import { MeetingInfo } from '@partialkit/test-utils/conference';
import { type ReactNode, useEffect, useMemo } from 'react';
import type { ExtractRequest } from '../apps/demo/server/api.ts';
import { type ReplayArgs, replayFetcher, type StoryFixture } from './replay-fetcher.ts';

export type Meeting = UsePartialObjectResult<typeof MeetingInfo, Partial<ExtractRequest>>;

export interface HarnessArgs extends ReplayArgs {
  /** Start the replay on mount and whenever an arg changes (off: the "not started" state). */
  autoplay: boolean;
}

export const FIXTURES: readonly StoryFixture[] = [
  'conference',
  'provider-error',
  'truncated',
  'validation',
  'http-error',
  'dropped',
  'thousand',
];

/** Controls shared by every replayed story. */
export const harnessArgTypes = {
  fixture: { control: 'select', options: FIXTURES, description: 'The recording to replay' },
  speed: { control: { type: 'inline-radio' }, options: [1, 4, 0], description: '1×, 4× or instant (0)' },
  chunkSize: {
    control: { type: 'number', min: 0, step: 1 },
    description: 'Bytes per read (0 = as recorded)',
  },
  holdAfter: {
    control: { type: 'number', min: 0, step: 1 },
    description: 'Hold the stream open after this many events (0 = play to the end)',
  },
  autoplay: { control: 'boolean' },
} as const;

export const harnessDefaults: HarnessArgs = {
  fixture: 'conference',
  speed: 4,
  chunkSize: 0,
  holdAfter: 0,
  autoplay: true,
};

/**
 * Runs the real hook on a replayed recording and hands its result to `children`, with a Replay and a
 * Stop button. A change of any arg replays from the start.
 */
export function ReplayHarness({
  fixture,
  speed,
  chunkSize,
  holdAfter,
  autoplay,
  recorder,
  children,
}: HarnessArgs & { recorder?: StreamRecorder; children: (meeting: Meeting) => ReactNode }) {
  const fetcher = useMemo(() => {
    const replay = replayFetcher({ fixture, speed, chunkSize, holdAfter });
    return recorder ? recorder.tap(replay) : replay;
  }, [fixture, speed, chunkSize, holdAfter, recorder]);
  // The store's default throttle (leading edge, then one update per frame), as an app would use it.
  const meeting = usePartialObject(MeetingInfo, fetcher);
  const { submit, status, stop } = meeting;
  useEffect(() => {
    if (autoplay) void submit({});
  }, [autoplay, submit, fetcher]);
  return (
    <div className="story-harness">
      <div className="story-controls">
        <button type="button" className="button primary" onClick={() => void submit({})}>
          Replay
        </button>
        <button type="button" className="button" onClick={stop} aria-disabled={status !== 'streaming'}>
          Stop
        </button>
        <span data-testid="harness-status" data-status={status}>
          {fixture} · {status}
          {meeting.error ? ` · ${meeting.error.name}` : ''}
        </span>
      </div>
      {children(meeting)}
    </div>
  );
}
