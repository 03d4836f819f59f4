import type { Table } from './lib/table.ts';
export async function consumersSection(_quick: boolean): Promise<Table[]> {
  return [];
}
