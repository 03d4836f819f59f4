/**
 * `npm run bench`: every section, each table printed and written to bench/results/<date>-<commit>.json.
 * `-- --quick` runs a small subset; `-- --only=parse,render` picks sections.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleSection } from './bundle.ts';
import { consumersSection } from './consumers.ts';
import { itemsSection } from './items.ts';
import { benchFile, runChild } from './lib/child.ts';
import type { Table } from './lib/table.ts';
import { toMarkdown } from './lib/table.ts';
import { memorySection } from './memory.ts';
import { renderSection } from './render.ts';
import { resumeSection } from './resume.ts';

/** The parse section runs in a process of its own (see parse-child.ts); its peers are capped inside it. */
async function parseSection(quick: boolean): Promise<Table[]> {
  const { results } = await runChild<Table[]>(benchFile('parse-child.ts'), { quick }, { capMs: 3_600_000 });
  if (!results[0]) throw new Error('parse: no result');
  return results[0];
}

const SECTIONS: Record<string, (quick: boolean) => Promise<Table[]>> = {
  parse: parseSection,
  render: renderSection,
  bundle: bundleSection,
  memory: memorySection,
  consumers: consumersSection,
  items: itemsSection,
  resume: resumeSection,
};

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
for (const name of only ?? []) if (!(name in SECTIONS)) throw new Error(`unknown section "${name}"`);

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const commit = git('rev-parse', '--short', 'HEAD');
const dirty = git('status', '--porcelain').length > 0;
const started = new Date();
const meta = {
  date: started.toISOString(),
  commit: dirty ? `${commit}+dirty` : commit,
  quick,
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg().map((l) => Number(l.toFixed(2))),
};
console.log(`bench ${meta.date} ${meta.commit}${quick ? ' (quick)' : ''}, load ${meta.loadavg.join(' ')}\n`);

const tables: Record<string, Table> = {};
/** A section that fails (a missing redis-server, a child that crashed) loses only its own tables. */
const failed: Record<string, string> = {};
for (const [name, section] of Object.entries(SECTIONS)) {
  if (only && !only.includes(name)) continue;
  const t = performance.now();
  try {
    for (const table of await section(quick)) {
      tables[table.id] = table;
      console.log(`${toMarkdown(table)}\n`);
    }
  } catch (error) {
    failed[name] = error instanceof Error ? error.message : String(error);
    console.log(`${name} FAILED: ${failed[name]}`);
  }
  console.log(`(${name}: ${((performance.now() - t) / 1000).toFixed(0)} s)\n`);
}

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const stamp = meta.date.slice(0, 16).replace(/[:T]/g, '-');
const failures = Object.keys(failed);
// A run that lost a section is a partial one (git-ignored, as `--only` runs are).
const ran = Object.keys(SECTIONS).filter((n) => (!only || only.includes(n)) && !(n in failed));
const partial = only !== undefined || failures.length > 0 ? ran : undefined;
const file = `${dir}${stamp}-${meta.commit}${quick ? '-quick' : ''}${partial ? `-only-${partial.join('+')}` : ''}.json`;
writeFileSync(file, `${JSON.stringify({ ...meta, ...(failures.length && { failed }), tables }, null, 2)}\n`);
console.log(`written ${file}`);
if (failures.length) {
  console.log(`failed sections: ${failures.join(', ')}`);
  process.exitCode = 1;
}
