/** The shape every section returns: printed as Markdown and written as JSON under bench/results/. */

export type Cell = string | number | null;

export interface Target {
  name: string;
  met: boolean;
  figure: string;
}

export interface Table {
  /** Stable id, e.g. `parse`, used as the key in the results file. */
  id: string;
  title: string;
  columns: string[];
  rows: Cell[][];
  notes?: string[];
  targets?: Target[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Spread of repeated runs: (max − min) / median, as a percentage. */
export function spread(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  return ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
}

export function fmtMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes.toFixed(0)} B`;
}

export const fmtRatio = (r: number) => `${r >= 100 ? r.toFixed(0) : r.toFixed(r >= 10 ? 1 : 2)}×`;

export function toMarkdown(t: Table): string {
  const lines = [
    `### ${t.title}`,
    '',
    `| ${t.columns.join(' | ')} |`,
    `| ${t.columns.map(() => '---').join(' | ')} |`,
  ];
  for (const r of t.rows) lines.push(`| ${r.map((c) => (c === null ? '-' : String(c))).join(' | ')} |`);
  for (const n of t.notes ?? []) lines.push('', n);
  if (t.targets?.length) {
    lines.push('');
    for (const g of t.targets) lines.push(`- ${g.met ? 'MET' : 'MISSED'}  ${g.name}: ${g.figure}`);
  }
  return lines.join('\n');
}
