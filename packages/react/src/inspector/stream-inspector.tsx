import { type ReactNode, useEffect, useState, useSyncExternalStore } from 'react';
import { type InspectableStore, StreamRecorder } from './recorder.ts';
import { statsOf } from './timeline.ts';
import { TimelineChart } from './timeline-chart.tsx';

/** A recorder that follows `store` while the component is mounted. */
export function useStreamRecorder(store: InspectableStore, recorder?: StreamRecorder): StreamRecorder {
  const [own] = useState(() => recorder ?? new StreamRecorder());
  const used = recorder ?? own;
  useEffect(() => used.watch(store), [used, store]);
  return used;
}

export interface StreamInspectorProps {
  /** The store to inspect (`usePartialObject(...).store`). */
  store: InspectableStore;
  /**
   * A recorder that sees the responses, for byte and character counts: its `tap` wraps the store's
   * fetcher and its `fetch` is the store's `fetch` option (for reconnects), made with the store's
   * `decode` options if it has any. Otherwise one is made, without those counts.
   */
  recorder?: StreamRecorder | undefined;
  className?: string | undefined;
}

const ms = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v).toLocaleString('en-US')} ms`);
const n = (v: number) => v.toLocaleString('en-US');

/**
 * A development panel for one store: time to first field, chunks, bytes, characters per second, and
 * the timeline picture. Import it from `@partialkit/react/inspector` (it is not in the main entry).
 */
export function StreamInspector({ store, recorder, className }: StreamInspectorProps): ReactNode {
  const used = useStreamRecorder(store, recorder);
  const timeline = useSyncExternalStore(used.subscribe, used.getSnapshot, used.getSnapshot);
  const stats = statsOf(timeline);
  const metrics: Array<[string, string, string]> = [
    ['first field', ms(stats.timeToFirstField), 'ttff'],
    ['duration', ms(stats.duration), 'duration'],
    ['chunks', timeline.tapped ? n(stats.reads) : '–', 'chunks'],
    ['bytes', timeline.tapped ? n(timeline.bytes) : '–', 'bytes'],
    ['JSON chars', timeline.tapped ? n(timeline.chars) : '–', 'chars'],
    ['chars/s', stats.charsPerSecond === undefined ? '–' : n(Math.round(stats.charsPerSecond)), 'cps'],
    ['fields closed', `${n(stats.closedFields)} / ${n(stats.fields)}`, 'fields'],
    ['issues', n(stats.issues), 'issues'],
  ];
  if (timeline.reconnects.length > 0)
    metrics.push(['reconnects', n(timeline.reconnects.length), 'reconnects']);
  return (
    <section className={className ?? 'pk-inspector'} aria-label="Stream inspector" data-run={timeline.run}>
      <dl
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(7.5rem, 1fr))',
          gap: '0.25rem 0.75rem',
          margin: '0 0 0.5rem',
        }}
      >
        {metrics.map(([name, value, id]) => (
          <div key={id} data-metric={id}>
            <dt style={{ fontSize: '0.75rem', opacity: 0.8 }}>{name}</dt>
            <dd style={{ margin: 0, fontVariantNumeric: 'tabular-nums', fontWeight: 600 }}>{value}</dd>
          </div>
        ))}
      </dl>
      {timeline.run === 0 ? (
        <p style={{ margin: 0, opacity: 0.8 }}>No run yet: the timeline starts at the next submit.</p>
      ) : (
        <TimelineChart timeline={timeline} />
      )}
      {timeline.error && (
        <p style={{ margin: '0.25rem 0 0' }} data-metric="error">
          ended at {ms(timeline.endedAt)} with <strong>{timeline.error.name}</strong>
        </p>
      )}
    </section>
  );
}
