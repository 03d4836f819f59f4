import type { Plan } from '../schema/plan.ts';

/** Marks "nothing to show" for a slot: a pending number, a held-back object, an atomic string. */
export const NONE: unique symbol = Symbol('partialkit.none');
export type Shown = unknown | typeof NONE;

/**
 * An open container. `items`/`obj` hold its completed members and are never handed out while it is
 * open; readers get shallow copies (`snap`), rebuilt only when a member was added or the open last
 * member changed since the previous read. One class for both kinds keeps the builder monomorphic.
 */
export class Frame {
  readonly items: unknown[];
  readonly obj: Record<string, unknown>;
  /** Key of the member being parsed (objects); `undefined` between members. */
  key: string | undefined = undefined;
  /** Plan of the member being parsed. */
  childPlan: Plan | undefined = undefined;
  snap: unknown = undefined;
  /** The open member's value the last `snap` was built with. */
  lastChild: Shown = NONE;
  changed = true;
  /** Arrays: `items` ends with a slot reserved for the open member (see `materialize`). */
  private reserved = false;
  /** Whether the frame may be shown: false while atomic, or while required keys are missing. */
  visible: boolean;
  private missing: number;
  private readonly require: readonly string[];

  constructor(
    readonly isArray: boolean,
    public plan: Plan | undefined,
    /** Key or index of this container in its parent. */
    readonly slot: string | number,
  ) {
    this.items = isArray ? [] : (EMPTY_ITEMS as unknown[]);
    this.obj = isArray ? EMPTY_OBJ : {};
    this.require = isArray || !plan ? NO_KEYS : plan.require;
    this.missing = this.require.length;
    this.visible = !plan?.atomic && this.missing === 0;
  }

  /** Number of completed members of an array. */
  get count(): number {
    return this.reserved ? this.items.length - 1 : this.items.length;
  }

  /** Adds a completed member. */
  commit(value: unknown): void {
    if (this.isArray) {
      if (this.reserved) {
        this.items[this.items.length - 1] = value;
        this.reserved = false;
      } else this.items.push(value);
    } else {
      const key = this.key!;
      if (this.missing > 0 && this.require.includes(key) && !Object.hasOwn(this.obj, key)) {
        if (--this.missing === 0 && !this.plan?.atomic) this.visible = true;
      }
      setKey(this.obj, key, value);
      this.key = undefined;
    }
    this.changed = true;
  }

  /** The current immutable view of this container, reusing the previous one if nothing changed. */
  materialize(child: Shown): unknown {
    if (!this.changed && child === this.lastChild) return this.snap;
    let copy: unknown;
    if (this.isArray) {
      // Reserve the open member's slot in the working store (its value commits there): a copy is then
      // one exact-size slice, where slice + push would allocate and copy twice.
      if (child !== NONE && !this.reserved) {
        this.items.push(undefined);
        this.reserved = true;
      }
      const a = this.items.slice();
      if (child !== NONE) a[a.length - 1] = child;
      copy = a;
    } else {
      const key = this.key!;
      // Reserve the open member's key in the working store (its value commits there before the
      // container closes): a clone then only overwrites an existing key, which V8 does far faster
      // than adding one to a fresh clone.
      if (child !== NONE && !Object.hasOwn(this.obj, key)) setKey(this.obj, key, undefined);
      const o = { ...this.obj };
      if (child !== NONE) setKey(o, key, child);
      copy = o;
    }
    this.snap = copy;
    this.lastChild = child;
    this.changed = false;
    return copy;
  }

  /** The final value when the container closes: the last snapshot if still current, else the working store. */
  finish(): unknown {
    if (!this.changed && this.lastChild === NONE && this.snap !== undefined) return this.snap;
    return this.isArray ? this.items : this.obj;
  }
}

const NO_KEYS: readonly string[] = [];
const EMPTY_ITEMS: readonly unknown[] = Object.freeze([]);
const EMPTY_OBJ: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Sets an own data property; `__proto__` becomes a plain property exactly as with `JSON.parse`. */
export function setKey(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    o[key] = value;
  }
}
