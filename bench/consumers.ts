/**
 * Consumers section: `streamPartial` and the store over a 40 000-record document (the case that was
 * quadratic: a snapshot per event copied the open array), against the parser's writes alone over the
 * same deltas. Sources: the whole body in one `Response` (every event available at once) and the body
 * in paced 4 KiB chunks (one per macrotask, as a network delivers them); as plain JSON text and as
 * OpenAI chat SSE in 4-character deltas. Each case runs in its own process (consumers-child.ts), capped.
 */
import type { Case, CaseRun, Consumer } from './consumers-child.ts';
import { benchFile, runChild } from './lib/child.ts';
import { recordsDocument } from './lib/records.ts';
import { type Cell, fmtMs, fmtRatio, median, spread, type Table, type Target } from './lib/table.ts';

export async function consumersSection(quick: boolean): Promise<Table[]> {
  const count = quick ? 4_000 : 40_000;
  const reps = quick ? 3 : 5;
  const capMs = quick ? 20_000 : 60_000;
  const chars = recordsDocument(count).length;
  const run = (c: Omit<Case, 'count' | 'reps'>, n = reps) =>
    runChild<CaseRun>(benchFile('consumers-child.ts'), { ...c, count, reps: n } satisfies Case, { capMs });
  const writes = (await run({ sse: false, paced: false, consumer: 'writes' }, reps * 4)).results.map(
    (r) => r.ms,
  );
  const floor = median(writes);
  const rows: Cell[][] = [
    [
      '-',
      'parser writes alone (floor)',
      fmtMs(floor),
      '1.00×',
      null,
      null,
      `${writes.length}, ±${spread(writes).toFixed(0)} %`,
    ],
  ];
  const validated = (
    await run({ sse: false, paced: false, consumer: 'writes + validation' }, reps * 2)
  ).results.map((r) => r.ms);
  rows.push([
    '-',
    'parser writes + zod validation of the final value',
    fmtMs(median(validated)),
    fmtRatio(median(validated) / floor),
    null,
    null,
    `${validated.length}, ±${spread(validated).toFixed(0)} %`,
  ]);
  // The consumers' floor: the same parser with the same schema (every record, the list and the root
  // validated as they close), over the same deltas. Validation is work every consumer must do.
  const schemaWrites = (
    await run({ sse: false, paced: false, consumer: 'writes + schema' }, reps * 2)
  ).results.map((r) => r.ms);
  const schemaFloor = median(schemaWrites);
  rows.push([
    '-',
    "parser writes with the schema (consumers' floor)",
    fmtMs(schemaFloor),
    fmtRatio(schemaFloor / floor),
    '1.00×',
    null,
    `${schemaWrites.length}, ±${spread(schemaWrites).toFixed(0)} %`,
  ]);
  const targets: Target[] = [];
  for (const paced of [false, true]) {
    for (const sse of [false, true]) {
      const where = `${sse ? 'OpenAI SSE, 4-char deltas' : 'JSON text'}, ${paced ? 'paced 4 KiB chunks' : 'whole body in one Response'}`;
      let decodeMs: number | undefined;
      for (const [consumer, name] of [
        ['decode', 'decode alone'],
        ['streamPartial', 'streamPartial'],
        ['store', 'PartialObjectStore (default throttle)'],
      ] as Array<[Consumer, string]>) {
        const { results, timedOut } = await run({ sse, paced, consumer });
        if (!results.length) {
          rows.push([where, name, `> ${capMs / 1000} s`, null, null, null, '0 (capped)']);
          if (!sse && consumer !== 'decode')
            targets.push({
              name: `${name}, ${where}: ≤ 2× the parser's writes with the schema`,
              met: false,
              figure: `> ${capMs / 1000} s`,
            });
          continue;
        }
        const times = results.map((r) => r.ms);
        const ms = median(times);
        if (consumer === 'decode') decodeMs = ms;
        const reads =
          consumer === 'decode'
            ? ''
            : `, ${median(results.map((r) => r.reads))} ${consumer === 'store' ? 'notifications' : 'snapshots'}`;
        rows.push([
          where,
          name,
          fmtMs(ms),
          fmtRatio(ms / floor),
          consumer === 'decode' ? null : fmtRatio(ms / schemaFloor),
          consumer === 'decode' || decodeMs === undefined
            ? null
            : fmtRatio(ms / Math.max(decodeMs, schemaFloor)),
          `${results.length}${timedOut ? ' (capped)' : ''}, ±${spread(times).toFixed(0)} %${reads}`,
        ]);
        if (!sse && consumer !== 'decode') {
          targets.push({
            name: `${name}, ${where}: ≤ 2× the parser's writes with the schema`,
            met: ms <= 2 * schemaFloor,
            figure: `${fmtRatio(ms / schemaFloor)} (${fmtRatio(ms / floor)} schemaless writes)`,
          });
        }
      }
    }
  }
  return [
    {
      id: 'consumers',
      title: `Consumers: a ${count.toLocaleString('en')}-record document (${(chars / 1e6).toFixed(2)} MB, ${Math.ceil(chars / 4).toLocaleString('en')} 4-character deltas)`,
      columns: [
        'source',
        'consumer',
        'median',
        '× writes alone',
        '× writes with the schema',
        '× max(decode, writes with the schema)',
        'runs, spread, reads',
      ],
      rows,
      notes: [
        "Writes alone: `createPartialParser().write` over the 4-character deltas, no reads; with the schema: the same with `{ schema }` (the consumers' own parser: each record, the list and the root validated as they close) and `endAsync()`. The target is read against the latter, since validation is work every consumer does; `× max(…)` charges a consumer against the slower of decode and those writes. The SSE rows pay one `JSON.parse` per event in the decoder, so the 2× target is read on the JSON-text rows.",
      ],
      targets,
    },
  ];
}
