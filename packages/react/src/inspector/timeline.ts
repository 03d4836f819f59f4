import type { PartialIssue, Path, StreamStatus } from '@partialkit/core';

/**
 * One network read of the response body, or on a long run several consecutive ones merged (see
 * `reads`). `t` is ms since the submit (of the latest read merged in).
 */
export interface ChunkMark {
  readonly t: number;
  readonly bytes: number;
  /** JSON text characters this chunk carried (0 for heartbeats and framing-only chunks). */
  readonly chars: number;
  /**
   * How many reads the mark stands for: 1 when absent, more once a run has had many (the recorder
   * keeps a bounded number of marks, see `MAX_CHUNKS`).
   */
  readonly reads?: number;
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

/** Fields and list items counted without a mark each. */
export interface UnlistedFields {
  readonly count: number;
  /** Of them, those closed. */
  readonly closed: number;
  /** ms since the submit at which the counts last changed (undefined while both are 0). */
  readonly lastAt: number | undefined;
}

export const NO_UNLISTED_FIELDS: UnlistedFields = { count: 0, closed: 0, lastAt: undefined };

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
  /** In order of first appearance: the attempt's first ones (the recorder keeps up to `MAX_FIELDS`). */
  readonly fields: readonly FieldMark[];
  /** The fields of the attempt past those in `fields`: counted, not kept one by one. */
  readonly unlisted: UnlistedFields;
  /** In order of discovery: the run's first ones (the recorder keeps up to `MAX_ISSUES`). */
  readonly issues: readonly IssueMark[];
  /** Validation issues found past those in `issues`: counted, not kept (0 when absent). */
  readonly unlistedIssues?: number;
  readonly resets: readonly ResetMark[];
  readonly reconnects: readonly ReconnectMark[];
  /** Whether byte counts are available (a response of the run was tapped: `tap` or `fetch`). */
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
  unlisted: NO_UNLISTED_FIELDS,
  issues: [],
  unlistedIssues: 0,
  resets: [],
  reconnects: [],
  tapped: false,
};

export interface TimelineStats {
  /** ms from the submit to the first field in a snapshot. */
  timeToFirstField: number | undefined;
  /** ms from the submit to the first byte. */
  timeToFirstByte: number | undefined;
  /** Network reads of the body (chunks), merged marks counted by what they stand for. */
  reads: number;
  /** Fields and list items, listed or not, and how many of them closed. */
  fields: number;
  closedFields: number;
  /** Validation issues found, marked or only counted. */
  issues: number;
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
    reads: readsOf(timeline.chunks),
    fields: timeline.fields.length + timeline.unlisted.count,
    closedFields: closedOf(timeline.fields) + timeline.unlisted.closed,
    issues: timeline.issues.length + (timeline.unlistedIssues ?? 0),
    charsPerSecond: span > 0 ? chars / span : undefined,
    duration: timeline.endedAt ?? latestMark(timeline),
  };
}

/** The latest mark of the timeline, in ms since the submit (0 when there is none). */
export function latestMark(timeline: Timeline): number {
  // Loops, not `Math.max(...marks)`: a long run has more marks than a call takes arguments.
  let t = timeline.unlisted.lastAt ?? 0;
  for (const c of timeline.chunks) t = Math.max(t, c.t);
  for (const f of timeline.fields) t = Math.max(t, f.closedAt ?? f.firstAt);
  for (const r of timeline.reconnects) t = Math.max(t, r.t);
  return t;
}

export function readsOf(chunks: readonly ChunkMark[]): number {
  let n = 0;
  for (const c of chunks) n += c.reads ?? 1;
  return n;
}

function closedOf(fields: readonly FieldMark[]): number {
  let n = 0;
  for (const f of fields) if (f.closedAt !== undefined) n++;
  return n;
}
