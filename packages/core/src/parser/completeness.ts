/**
 * Completion of nodes. A container the parser closed is frozen: it will never change again, and the
 * freeze both enforces that and marks it, so any code holding a node (a list component, a selector)
 * can ask whether it is final without a reference to the parser that built it. Validated outputs
 * (`end()` after transforms) are fresh objects the parser does not freeze (a transform may return the
 * app's own objects); they are remembered here.
 */
const outputs = new WeakSet<object>();

/**
 * Large finished outputs not yet walked. Most outputs are never asked about (a server consumer, a final
 * value handed on), and adding each node of a long list to one long-lived `WeakSet` costs as much as
 * parsing it, so an output of more than `SMALL` nodes is walked the first time an unmarked node is asked
 * about. Held weakly (a `WeakRef` keeps its target only to the end of the current job, which is why small
 * outputs, one per element of a long item stream, are marked at once); past `PENDING` of them, they are
 * walked.
 */
let pending: WeakRef<object>[] = [];
const PENDING = 16;
const SMALL = 64;

export function markComplete(node: object): void {
  Object.freeze(node);
}

/** Whether an object or array node taken from a snapshot is complete (will never change again). */
export function isCompleteNode(node: object): boolean {
  if (Object.isFrozen(node) || outputs.has(node)) return true;
  if (pending.length === 0) return false;
  walkPending();
  return outputs.has(node);
}

function walkPending(): void {
  const roots = pending;
  pending = [];
  for (const root of roots) markTree(root.deref());
}

/** Marks every object and array of a finished output value as complete. */
export function markTreeComplete(value: unknown): void {
  if (value === null || typeof value !== 'object' || markTree(value, SMALL)) return;
  // Those collected meanwhile cost nothing to walk.
  if (pending.length >= PENDING) walkPending();
  pending.push(new WeakRef(value));
}

/**
 * Marks the objects and arrays under `value`, skipping marked subtrees (they are marked throughout);
 * with a `limit`, gives up past that many, unmarking them, and returns false. Iterative; arrays by
 * index and objects by `for…in` (own keys only), so a long list of records allocates no key or value
 * arrays on the way.
 */
function markTree(value: unknown, limit?: number): boolean {
  const stack: unknown[] = [value];
  const marked: object[] | undefined = limit === undefined ? undefined : [];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || outputs.has(v)) continue;
    outputs.add(v);
    if (marked && marked.push(v) > limit!) {
      for (const node of marked) outputs.delete(node);
      return false;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i];
        if (child !== null && typeof child === 'object') stack.push(child);
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const key in o) {
        if (!Object.hasOwn(o, key)) continue;
        const child = o[key];
        if (child !== null && typeof child === 'object') stack.push(child);
      }
    }
  }
  return true;
}
