/**
 * Completion of nodes. A container the parser closed is frozen: it will never change again, and the
 * freeze both enforces that and marks it, so any code holding a node (a list component, a selector)
 * can ask whether it is final without a reference to the parser that built it. Validated outputs
 * (`end()` after transforms) are fresh objects the parser does not freeze; they are remembered here.
 */
const outputs = new WeakSet<object>();
/**
 * Snapshots of open arrays whose last element is a complete primitive (a number, an enum, a closed
 * string): a primitive cannot be frozen, so the array that holds it carries the mark.
 */
const settled = new WeakSet<readonly unknown[]>();

export function markComplete(node: object): void {
  Object.freeze(node);
}

/**
 * Whether an object or array node taken from a snapshot is complete (will never change again). A node
 * not there yet (`snapshot.users[3]` still undefined) is not.
 */
export function isCompleteNode(node: object | undefined): boolean {
  // Not `Object.isFrozen` alone: it is true of undefined and every primitive.
  return typeof node === 'object' && node !== null && (Object.isFrozen(node) || outputs.has(node));
}

/** Marks a snapshot of an open array whose every element is complete and the last one a primitive. */
export function markSettled(list: readonly unknown[]): void {
  settled.add(list);
}

/**
 * Whether element `index` of an array node taken from a snapshot is complete. Every element but the
 * last is (a later one starts only after it closed); the last is when the array is, when it is a
 * complete object or array, or when it is a primitive its parser had closed (a number, an enum, a
 * string whose closing quote came) when the snapshot was taken.
 */
export function isCompleteItem(list: readonly unknown[], index: number): boolean {
  if (!(index >= 0 && index < list.length)) return false;
  if (index < list.length - 1 || isCompleteNode(list) || settled.has(list)) return true;
  const item = list[index];
  return isCompleteNode(item as object | undefined);
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
