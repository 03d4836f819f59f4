/**
 * Resume section: what a resume store costs per generated character (bench/resume-store.ts measures;
 * a real redis-server on 127.0.0.1 for the Redis row), against the same text through
 * `toPartialResponse` with no store, in the same run.
 */
import type { Table } from './lib/table.ts';
import { fmtRatio } from './lib/table.ts';
import { measureResumeStore } from './resume-store.ts';

export async function resumeSection(quick: boolean): Promise<Table[]> {
  const rows = await measureResumeStore({ quick });
  const none = rows[0]!.msPerMChar;
  return [
    {
      id: 'resume',
      title: 'Resume store: cost per generated character',
      columns: [
        'store',
        'ms per million chars (wall)',
        '× no store',
        'CPU ms per million chars',
        'bytes per char held',
      ],
      rows: rows.map((r) => [
        r.store,
        Math.round(r.msPerMChar),
        fmtRatio(r.msPerMChar / none),
        Math.round(r.cpuMsPerMChar),
        r.bytesPerChar === undefined ? null : r.bytesPerChar.toFixed(1),
      ]),
      notes: [
        'A document in 4-character deltas through the server: no store (toPartialResponse), MemoryResumeStore and RedisResumeStore (toResumableResponse); medians of rotating rounds, each variant’s text checked first.',
      ],
    },
  ];
}
