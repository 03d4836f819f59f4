/**
 * Completion of nodes. A container the parser closed is frozen: it will never change again, and the
 * freeze both enforces that and marks it, so any code holding a node (a list component, a selector)
 * can ask whether it is final without a reference to the parser that built it. Validated outputs
 * (`end()` after transforms) are fresh objects the parser does not freeze; they are remembered here.
 */
const outputs = new WeakSet<object>();

export function markComplete(node: object): void {
  Object.freeze(node);
}

/** Whether an object or array node taken from a snapshot is complete (will never change again). */
export function isCompleteNode(node: object): boolean {
  return Object.isFrozen(node) || outputs.has(node);
}

/**
 * Marks every object and array in a finished output value. Iterative; arrays by index and objects by
 * `for…in` (own keys only), so a long list of records allocates no key or value arrays on the way.
 */
export function markTreeComplete(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || outputs.has(v)) continue;
    outputs.add(v);
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
}
