import type { PartialIssue, Path, StreamStatus } from '@partialkit/core';

/** One network read of the response body. `t` is ms since the submit. */
export interface ChunkMark {
  readonly t: number;
  readonly bytes: number;
  /** JSON text characters this chunk carried (0 for heartbeats and framing-only chunks). */
  readonly chars: number;
}

/** A field or list item: when it first appeared in a snapshot and when it closed (never changed again). */
export interface FieldMark {
  readonly path: Path;
  readonly firstAt: number;
  readonly closedAt: number | undefined;
}

export interface IssueMark {
  readonly t: number;
  readonly issue: PartialIssue;
}

export interface ResetMark {
  readonly t: number;
  readonly attempt: number;
}

/** A dropped connection: the reconnect `attempt` (1, 2, …) started at `t`. */
export interface ReconnectMark {
  readonly t: number;
  readonly attempt: number;
}

/** What the inspector shows for the latest run of a store; a new object whenever something was recorded. */
export interface Timeline {
  /** 0 before the first submit; grows with each run. */
  readonly run: number;
  readonly status: StreamStatus;
  readonly error: { readonly name: string; readonly message: string } | undefined;
  /** ms since the submit at which the run ended (undefined while it runs). */
  readonly endedAt: number | undefined;
  readonly chunks: readonly ChunkMark[];
  readonly bytes: number;
  readonly chars: number;
  /** In order of first appearance. */
  readonly fields: readonly FieldMark[];
  readonly issues: readonly IssueMark[];
  readonly resets: readonly ResetMark[];
  readonly reconnects: readonly ReconnectMark[];
  /** Whether byte counts are available (the fetcher was tapped). */
  readonly tapped: boolean;
}

export const EMPTY_TIMELINE: Timeline = {
  run: 0,
  status: 'idle',
  error: undefined,
  endedAt: undefined,
  chunks: [],
  bytes: 0,
  chars: 0,
  fields: [],
  issues: [],
  resets: [],
  reconnects: [],
  tapped: false,
};

export interface TimelineStats {
  /** ms from the submit to the first field in a snapshot. */
  timeToFirstField: number | undefined;
  /** ms from the submit to the first byte. */
  timeToFirstByte: number | undefined;
  /** JSON characters per second between the first and the last chunk that carried text. */
  charsPerSecond: number | undefined;
  /** ms from the submit to the end (or to the latest mark while running). */
  duration: number;
}

export function statsOf(timeline: Timeline): TimelineStats {
  const first = timeline.fields[0];
  const text = timeline.chunks.filter((c) => c.chars > 0);
  const a = text[0];
  const b = text[text.length - 1];
  const span = a && b ? (b.t - a.t) / 1000 : 0;
  const chars = text.reduce((n, c) => n + c.chars, 0);
  return {
    timeToFirstField: first?.firstAt,
    timeToFirstByte: timeline.chunks[0]?.t,
    charsPerSecond: span > 0 ? chars / span : undefined,
    duration: timeline.endedAt ?? latestMark(timeline),
  };
}

function latestMark(timeline: Timeline): number {
  let t = 0;
  for (const c of timeline.chunks) t = Math.max(t, c.t);
  for (const f of timeline.fields) t = Math.max(t, f.closedAt ?? f.firstAt);
  return t;
}
