import type { Table } from './lib/table.ts';
export async function renderSection(_quick: boolean): Promise<Table[]> {
  return [];
}
