/** The consumers section's document: `count` small records in one array, the case that was quadratic. */
export function recordsDocument(count: number): string {
  const records = Array.from({ length: count }, (_, i) => ({ id: i, name: `record ${i}`, ok: i % 2 === 0 }));
  return JSON.stringify({ records });
}
