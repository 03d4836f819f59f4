import type { ReactNode } from 'react';
import { latestMark, readsOf, type Timeline } from './timeline.ts';

export interface TimelineChartProps {
  timeline: Timeline;
  /** Rows of fields to draw at most (list items beyond it are summarised). Default 24. */
  maxRows?: number;
  /** Deepest path drawn as its own row (default 2: `users` and `users.0`, not `users.0.name`). */
  maxDepth?: number;
}

const W = 420;
const LABEL = 92;
const BYTES_H = 50;
const ROW = 14;
const AXIS = 18;

const label = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('');

/**
 * The timeline as an SVG picture: cumulative bytes over time (one tick per network read), then one row
 * per field or list item from when it first appeared to when it closed (hollow while still open),
 * validation issues as red marks at the moment they were found, resets and reconnects as dashed lines.
 */
/**
 * Where a mark's label goes: right of its line, or left of it in the right half of the chart, so that a
 * mark near the end (a reconnect while the run is still under way) keeps its label inside the chart.
 */
const beside = (px: number) =>
  px > W / 2 ? { x: px - 3, textAnchor: 'end' as const } : { x: px + 3, textAnchor: 'start' as const };

export function TimelineChart({ timeline, maxRows = 24, maxDepth = 2 }: TimelineChartProps): ReactNode {
  const { chunks, fields, issues, resets, reconnects, unlisted } = timeline;
  const end = Math.max(timeline.endedAt ?? 0, latestMark(timeline), 1);
  const shown = fields.filter((f) => f.path.length <= maxDepth);
  const rows = shown.slice(0, maxRows);
  const hidden = shown.length - rows.length;
  const unlistedIssues = timeline.unlistedIssues ?? 0;
  const noted = hidden > 0 || unlisted.count > 0 || unlistedIssues > 0;
  const height = BYTES_H + AXIS + rows.length * ROW + (noted ? ROW : 0) + 6;
  const x = (t: number) => LABEL + (t / end) * (W - LABEL - 8);
  const rowOf = (path: readonly PropertyKey[]) => {
    for (let depth = Math.min(path.length, maxDepth); depth > 0; depth--) {
      const i = rows.findIndex((r) => r.path.length === depth && r.path.every((p, k) => p === path[k]));
      if (i >= 0) return i;
    }
    return -1;
  };
  let total = 0;
  const points = chunks.map((c) => {
    total += c.bytes;
    return [x(c.t), total] as const;
  });
  const maxBytes = Math.max(total, 1);
  const y = (bytes: number) => BYTES_H - 4 - (bytes / maxBytes) * (BYTES_H - 12);
  const step = points.reduce(
    (d, [px, b], i) => `${d}${i ? ` H${px.toFixed(1)}` : `M${px.toFixed(1)},${y(0)}`} V${y(b).toFixed(1)}`,
    '',
  );
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * end);
  const top = BYTES_H + AXIS;
  const summary = `${fields.length + unlisted.count} fields, ${issues.length + unlistedIssues} validation issues, ${readsOf(chunks)} chunks over ${Math.round(end)} ms`;
  const more = [
    hidden > 0 && `+ ${hidden} more`,
    unlisted.count > 0 && `${unlisted.count.toLocaleString('en-US')} more fields counted, not drawn`,
    unlistedIssues > 0 && `${unlistedIssues.toLocaleString('en-US')} more issues counted, not drawn`,
  ].filter(Boolean);
  return (
    <svg
      viewBox={`0 0 ${W} ${height}`}
      width="100%"
      role="img"
      aria-label={`Stream timeline: ${summary}`}
      className="pk-timeline"
      style={{ display: 'block', font: '10px ui-monospace, SFMono-Regular, Menlo, monospace' }}
    >
      <title>{`Stream timeline: ${summary}`}</title>
      <text x={4} y={14} fill="currentColor">
        bytes
      </text>
      <text x={4} y={28} fill="currentColor" opacity={0.75}>
        {timeline.tapped ? `${timeline.bytes.toLocaleString('en-US')} B` : 'not tapped'}
      </text>
      <line x1={LABEL} x2={W - 8} y1={y(0)} y2={y(0)} stroke="currentColor" opacity={0.25} />
      {step && <path d={step} fill="none" stroke="#2563eb" strokeWidth={1.5} />}
      {points.map(([px], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: ticks only append
        <line key={i} x1={px} x2={px} y1={y(0)} y2={y(0) + 3} stroke="#2563eb" opacity={0.6} />
      ))}
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={BYTES_H} y2={height} stroke="currentColor" opacity={0.1} />
          <text
            x={x(t)}
            y={BYTES_H + 12}
            textAnchor={t === end ? 'end' : 'middle'}
            fill="currentColor"
            opacity={0.75}
          >
            {`${Math.round(t)} ms`}
          </text>
        </g>
      ))}
      {rows.map((f, i) => {
        const yy = top + i * ROW;
        const open = f.closedAt === undefined;
        const x1 = x(f.firstAt);
        const x2 = Math.max(x(f.closedAt ?? end), x1 + 2);
        return (
          <g key={f.path.join('.')} data-path={f.path.join('.')}>
            <text x={4 + (f.path.length - 1) * 7} y={yy + 10} fill="currentColor">
              {label(f.path)}
            </text>
            <rect
              x={x1}
              y={yy + 3}
              width={x2 - x1}
              height={ROW - 6}
              rx={2}
              fill={open ? 'none' : f.path.length === 1 ? '#0f766e' : '#14b8a6'}
              stroke={open ? '#b45309' : 'none'}
              strokeDasharray={open ? '3 2' : undefined}
            >
              <title>{`${label(f.path)}: appeared ${f.firstAt} ms, ${open ? 'never closed' : `closed ${f.closedAt} ms`}`}</title>
            </rect>
          </g>
        );
      })}
      {more.length > 0 && (
        <text x={4} y={top + rows.length * ROW + 10} fill="currentColor" opacity={0.75}>
          {more.join(', ')}
        </text>
      )}
      {issues.map(({ t, issue }, i) => {
        const row = rowOf(issue.path);
        const yy = row >= 0 ? top + row * ROW + ROW / 2 : BYTES_H + 4;
        const cx = x(t);
        return (
          <path
            // biome-ignore lint/suspicious/noArrayIndexKey: issues only append, and a re-asked attempt may repeat one
            key={i}
            d={`M${cx},${yy - 5} L${cx + 5},${yy} L${cx},${yy + 5} L${cx - 5},${yy} Z`}
            fill="#dc2626"
          >
            <title>{`${label(issue.path)}: ${issue.message} (at ${t} ms)`}</title>
          </path>
        );
      })}
      {resets.map((r) => (
        <g key={r.attempt}>
          <line x1={x(r.t)} x2={x(r.t)} y1={0} y2={height} stroke="#7c3aed" strokeDasharray="4 3" />
          <text {...beside(x(r.t))} y={10} fill="#7c3aed">{`reset → attempt ${r.attempt}`}</text>
        </g>
      ))}
      {reconnects.map((r) => (
        <g key={`reconnect-${r.attempt}-${r.t}`} data-mark="reconnect">
          <line x1={x(r.t)} x2={x(r.t)} y1={0} y2={height} stroke="#b45309" strokeDasharray="2 2" />
          <text {...beside(x(r.t))} y={22} fill="#b45309">{`reconnect ${r.attempt}`}</text>
        </g>
      ))}
    </svg>
  );
}
