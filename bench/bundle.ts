import type { Table } from './lib/table.ts';
export async function bundleSection(_quick: boolean): Promise<Table[]> {
  return [];
}
