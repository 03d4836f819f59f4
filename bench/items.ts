/**
 * Items section: `streamItems` over a long list in 4-character chunks, as NDJSON and as a root array,
 * against the parser's writes alone over the same text; and the heap after each run at two list
 * lengths, which stays flat when finished elements are handed over and not kept.
 */
import type { ItemsCase, ItemsRun } from './items-child.ts';
import { benchFile, runChild } from './lib/child.ts';
import { type Cell, fmtMs, fmtRatio, median, spread, type Table, type Target } from './lib/table.ts';

export async function itemsSection(quick: boolean): Promise<Table[]> {
  const counts = quick ? [2_000, 10_000] : [10_000, 100_000];
  const reps = quick ? 3 : 5;
  const capMs = quick ? 30_000 : 120_000;
  const rows: Cell[][] = [];
  const targets: Target[] = [];
  for (const shape of ['lines', 'array'] as const) {
    const heaps: number[] = [];
    for (const count of counts) {
      const run = (consumer: ItemsCase['consumer']) =>
        runChild<ItemsRun>(
          benchFile('items-child.ts'),
          { count, shape, consumer, reps } satisfies ItemsCase,
          {
            capMs,
            nodeArgs: ['--expose-gc'],
          },
        );
      const writes = (await run('writes')).results;
      const schemaWrites = (await run('writes + schema')).results;
      const reading = (await run('source')).results;
      const items = await run('streamItems');
      const where = `${shape === 'lines' ? 'NDJSON' : 'root array'}, ${count.toLocaleString('en')} items`;
      if (!writes.length || !schemaWrites.length || !reading.length || !items.results.length) {
        rows.push([where, `> ${capMs / 1000} s`, null, null, null, null, null, null]);
        continue;
      }
      const plain = median(writes.map((r) => r.ms));
      // streamItems' floor: reading the same source, plus the parser's writes with the item schema.
      const floor = median(reading.map((r) => r.ms)) + median(schemaWrites.map((r) => r.ms));
      const ms = median(items.results.map((r) => r.ms));
      const heap = median(items.results.map((r) => r.heapMB));
      heaps.push(heap);
      rows.push([
        where,
        fmtMs(plain),
        fmtMs(floor),
        fmtMs(ms),
        fmtRatio(ms / plain),
        fmtRatio(ms / floor),
        `${heap.toFixed(2)} MB`,
        `${items.results.length}, ±${spread(items.results.map((r) => r.ms)).toFixed(0)} %`,
      ]);
      if (count === counts[counts.length - 1]) {
        targets.push({
          name: `streamItems, ${where}: ≤ 2× (source + the parser's writes with the item schema)`,
          met: ms <= 2 * floor,
          figure: `${fmtRatio(ms / floor)} (${fmtRatio(ms / plain)} schemaless writes alone)`,
        });
      }
    }
    if (heaps.length === 2) {
      const growth = heaps[1]! - heaps[0]!;
      targets.push({
        name: `streamItems, ${shape}: heap left by the run flat in the item count (< 2 MB more at ${counts[1]!.toLocaleString('en')} than at ${counts[0]!.toLocaleString('en')})`,
        met: growth < 2,
        figure: `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`,
      });
    }
  }
  return [
    {
      id: 'items',
      title: 'Items: streamItems over a long list in 4-character chunks',
      columns: [
        'list',
        'writes alone',
        'source + writes with the schema',
        'streamItems',
        '× writes alone',
        '× source + writes with the schema',
        'heap left by the run',
        'runs, spread',
      ],
      rows,
      notes: [
        'Writes alone: one parser over the root array, or one parser per line for NDJSON, fed the same 4-character chunks; with the schema: the same parsers given the item schema (`z.array(Item)` for the array), plus the time to iterate the async source alone (a promise per chunk, whoever reads it). The target is read against that sum, the work any consumer of this source does. streamItems decodes the chunks (format text), finds element boundaries, parses and validates each element with zod, and yields it. The heap left by the run is the difference between forced collections before and after it: it would grow with the item count if finished elements were kept.',
      ],
      targets,
    },
  ];
}
