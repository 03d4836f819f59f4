import type { Table } from './lib/table.ts';
export async function memorySection(_quick: boolean): Promise<Table[]> {
  return [];
}
