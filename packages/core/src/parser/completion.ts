/**
 * Objects and arrays that a parser has closed. Nodes are unique objects and never change after they
 * close, so one registry serves every parser: any code holding a node (a list component, a selector)
 * can ask whether it is final without a reference to the parser that built it.
 */
const completed = new WeakSet<object>();

export function markComplete(node: object): void {
  completed.add(node);
}

/** Whether an object or array node taken from a snapshot is complete (will never change again). */
export function isCompleteNode(node: object): boolean {
  return completed.has(node);
}

/** Marks every object and array in a finished value (e.g. a validated, transformed output). Iterative. */
export function markTreeComplete(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || completed.has(v)) continue;
    completed.add(v);
    for (const child of Object.values(v)) stack.push(child);
  }
}

/** Arrays handed out in snapshots, so `isComplete(node)` can tell an array node from a path. */
const snapshotArrays = new WeakSet<unknown[]>();

export function markSnapshotArray(node: unknown[]): void {
  snapshotArrays.add(node);
}

export function isSnapshotArray(node: readonly unknown[]): boolean {
  return snapshotArrays.has(node as unknown[]) || completed.has(node);
}
