import type { Plan } from '../schema/plan.ts';
import { markSettled } from './completeness.ts';

/**
 * What a reader sees of a slot. `undefined`, which no JSON value is, means nothing to show: a pending
 * number, a held-back object, an atomic string.
 */
export type Shown = unknown;

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
  /** Number of keys read so far (objects). */
  keyIndex = 0;
  /** Whether `key` already has a value (objects): the member being parsed is then not shown. */
  duplicate = false;
  /** Later values of repeated keys, key then value, applied when the object closes (see `finish`). */
  private later: unknown[] | undefined = undefined;
  /**
   * Objects: the member being parsed is of a kind its schema never takes (a number for a string): it
   * is never shown, and is kept in `rejected` for validation only (see `Builder.closeContainer`).
   */
  wrong = false;
  /** Members of a kind their schema never takes: key, value and how many members shown precede it. */
  rejected: unknown[] | undefined = undefined;
  /** A member was rejected here, or a closed member shows less than it holds: validate its full value. */
  tainted = false;
  /**
   * Arrays: an element of a kind its schema never takes came. It and every element after it are kept
   * out of what is shown, in `tail` (hiding only it would shift the elements after it to its index), so
   * the array shown holds only elements of the kinds its schema takes.
   */
  cut = false;
  /** Arrays: the elements from the cut on, for validation only (see `Builder.fullValue`). */
  tail: unknown[] | undefined = undefined;
  /** How many issue entries the builder held when this frame opened (see `Builder.issueEntries`). */
  issueMark = 0;
  /** Levels of containers below it (0: none), for the cost bound on validation (see `MAX_CHECKED_HEIGHT`). */
  height = 0;
  /** Inside a value that always passes (a `.catch()`, here or above): failures here are not issues. */
  quiet = false;
  /** This plan and those above are closed (see `Plan.closed`): a member's kind may rule it out. */
  strict = false;
  /** Members shown or kept back: where a rejected member stands among those shown. */
  private hiddenKeys = 0;
  /** The keys of `rejected`, to tell at once whether a shown member supersedes one. */
  private rejectedKeys: Set<string> | undefined = undefined;
  /** Plan of the member being parsed. */
  childPlan: Plan | undefined = undefined;
  /**
   * Where members' plans are looked up: `plan`, or the variant its discriminator chose (see `adopt`).
   * `plan` itself stays: the closed value is validated against it.
   */
  rules: Plan | undefined;
  snap: unknown = undefined;
  /** Whether `snap` shows an open member (then it is not the final value). */
  private snapOpen = false;
  /** Whether a member was added (or the frame became visible) since `snap` was built. */
  changed = true;
  /** Arrays: `items` ends with a slot reserved for the open member (see `materialize`). */
  private reserved = false;
  /** Whether the frame may be shown: false while atomic, or while required keys are missing. */
  visible: boolean;
  /** Never shown: the frame is the value of a repeated key (see `duplicate`). */
  private hidden = false;
  private missing: number;
  private require: readonly string[];
  /** Show nothing until complete (the plan's, or the chosen variant's). */
  private atomic: boolean;

  constructor(
    readonly isArray: boolean,
    /** The plan of this position, fixed: the closed value is validated against it. */
    readonly plan: Plan | undefined,
    /** Key or index of this container in its parent. */
    readonly slot: string | number,
    /** The root container: every read copies it, so it gets a copy site of its own (see `cloneObject`). */
    private readonly isRoot = false,
  ) {
    this.items = isArray ? [] : (EMPTY_ITEMS as unknown[]);
    this.obj = isArray ? EMPTY_OBJ : {};
    this.require = isArray || !plan ? NO_KEYS : plan.require;
    this.missing = this.require.length;
    this.atomic = plan?.atomic === true;
    this.visible = !this.atomic && this.missing === 0;
    this.rules = plan;
  }

  /**
   * The discriminator chose `variant`: its members follow it from here on, and while the object is
   * still held back (it never is again once shown) the variant's own `atomic` and `require` apply too.
   */
  adopt(variant: Plan): void {
    this.rules = variant;
    if (this.visible || this.hidden || this.isArray) return;
    if (variant.atomic) this.atomic = true;
    for (const key of variant.require) {
      if (this.require.includes(key)) continue;
      this.require = [...this.require, key];
      if (!Object.hasOwn(this.obj, key)) this.missing++;
    }
  }

  /** Number of completed members of an array that are shown (all of them unless it was cut). */
  get shownCount(): number {
    return this.reserved ? this.items.length - 1 : this.items.length;
  }

  /** Number of completed members of an array (the JSON index of the next one). */
  get count(): number {
    return this.shownCount + (this.tail?.length ?? 0);
  }

  /** Adds a completed member. */
  commit(value: unknown): void {
    if (this.isArray) {
      if (this.cut) {
        // Nothing shown changes: the snapshot stays the same array.
        if (this.tail === undefined) this.tail = [value];
        else this.tail.push(value);
        this.tainted = true;
        return;
      }
      if (this.reserved) {
        this.items[this.items.length - 1] = value;
        this.reserved = false;
      } else this.items.push(value);
    } else {
      const key = this.key!;
      this.key = undefined;
      if (this.wrong) {
        this.wrong = false;
        this.duplicate = false;
        this.tainted = true;
        // Where it stands among the members shown: the keys read before it that are in `obj`.
        const at = this.keyIndex - 1 - this.hiddenKeys++;
        if (this.rejected === undefined) {
          this.rejected = [key, value, at];
          this.rejectedKeys = new Set([key]);
        } else {
          this.rejected.push(key, value, at);
          this.rejectedKeys!.add(key);
        }
        return;
      }
      // A later value of a key whose first was rejected is the one JSON.parse keeps, in the first one's place.
      if (this.rejectedKeys?.has(key)) supersede(this.rejected!, key);
      if (this.duplicate) {
        this.hiddenKeys++;
        // Shown members keep their value while the object is open (they never change type or shrink).
        this.duplicate = false;
        if (this.later === undefined) this.later = [key, value];
        else this.later.push(key, value);
        return;
      }
      if (this.missing > 0 && this.require.includes(key) && !Object.hasOwn(this.obj, key)) {
        if (--this.missing === 0 && !this.atomic && !this.hidden) this.visible = true;
      }
      setKey(this.obj, key, value);
    }
    this.changed = true;
  }

  /** Makes the frame a never-shown value (of a repeated key). */
  hide(): void {
    this.hidden = true;
    this.visible = false;
  }

  /** Whether `key` will take a later value when this object closes. */
  repeats(key: string): boolean {
    const later = this.later;
    if (later === undefined) return false;
    for (let i = 0; i < later.length; i += 2) if (later[i] === key) return true;
    return false;
  }

  /**
   * The current immutable view of this container. `rebuild` is false when neither a member was added
   * nor the open member's view changed since the previous call (the caller knows: the text did not
   * grow, and the inner frame handed out its previous view); the previous snapshot is then current.
   */
  materialize(child: Shown, rebuild: boolean): unknown {
    if (!rebuild) return this.snap;
    let copy: unknown;
    if (this.isArray) {
      // The open member's view is written into the working store first (its final value commits to
      // the same slot), so a snapshot is one exact-size copy with nothing added after.
      if (child !== undefined) {
        if (this.reserved) this.items[this.items.length - 1] = child;
        else {
          this.items.push(child);
          this.reserved = true;
        }
      }
      const items = this.items.slice();
      // Every element shown is closed; a closed primitive cannot carry a mark of its own.
      if (child === undefined && !this.reserved && items.length > 0) {
        const tail = items[items.length - 1];
        if (tail === null || typeof tail !== 'object') markSettled(items);
      }
      copy = items;
    } else {
      if (child !== undefined && !this.duplicate) setKey(this.obj, this.key!, child);
      copy = this.isRoot ? { ...this.obj } : cloneObject(this.obj, this.keyIndex);
    }
    this.snap = copy;
    this.snapOpen = child !== undefined;
    this.changed = false;
    return copy;
  }

  /** The final value when the container closes: the last snapshot if still current, else the working store. */
  finish(): unknown {
    const later = this.later;
    if (later !== undefined) {
      // The last value of a repeated key wins, in the place of its first occurrence, as in JSON.parse.
      for (let i = 0; i < later.length; i += 2) setKey(this.obj, later[i] as string, later[i + 1]);
      return this.obj;
    }
    if (!this.changed && !this.snapOpen && this.snap !== undefined) return this.snap;
    return this.isArray ? this.items : this.obj;
  }
}

/**
 * A shallow copy of a working object. One spread site sees every shape of every object in the
 * document and turns megamorphic (≈3× slower in V8); a site per key count sees only objects of that
 * size, which in a stream of similar records are one or two shapes.
 */
function cloneObject(o: Record<string, unknown>, keys: number): Record<string, unknown> {
  switch (keys) {
    case 1:
      return { ...o };
    case 2:
      return { ...o };
    case 3:
      return { ...o };
    case 4:
      return { ...o };
    case 5:
      return { ...o };
    case 6:
      return { ...o };
    case 7:
      return { ...o };
    case 8:
      return { ...o };
    case 9:
      return { ...o };
    case 10:
      return { ...o };
    case 11:
      return { ...o };
    case 12:
      return { ...o };
    default:
      return { ...o };
  }
}

const NO_KEYS: readonly string[] = [];
const EMPTY_ITEMS: readonly unknown[] = Object.freeze([]);
const EMPTY_OBJ: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** A rejected member's value once a later value of its key was shown (see `Builder.fullValue`). */
export const SUPERSEDED: unique symbol = Symbol('superseded');

function supersede(rejected: unknown[], key: string): void {
  for (let i = 0; i < rejected.length; i += 3) if (rejected[i] === key) rejected[i + 1] = SUPERSEDED;
}

/** Sets an own data property; `__proto__` becomes a plain property exactly as with `JSON.parse`. */
export function setKey(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    o[key] = value;
  }
}
