'use client';
export {
  type InspectableStore,
  MAX_CHUNKS,
  MAX_FIELDS,
  MAX_ISSUES,
  StreamRecorder,
  type StreamRecorderOptions,
} from './recorder.ts';
export { StreamInspector, type StreamInspectorProps, useStreamRecorder } from './stream-inspector.tsx';
export {
  type ChunkMark,
  EMPTY_TIMELINE,
  type FieldMark,
  type IssueMark,
  type ReconnectMark,
  type ResetMark,
  statsOf,
  type Timeline,
  type TimelineStats,
  type UnlistedFields,
} from './timeline.ts';
export { TimelineChart, type TimelineChartProps } from './timeline-chart.tsx';
