import * as z4 from 'zod/v4/core';
import { jsonPath, type PartialIssue, SchemaThrew } from '../errors.ts';
import { ARRAY_KIND, kindOf, OBJECT_KIND, STRING_KIND } from '../schema/kinds.ts';
import type { Plan } from '../schema/plan.ts';
import type { Path } from '../types.ts';
import { markComplete } from './completeness.ts';
import { Frame, type Shown, SUPERSEDED, setKey } from './frame.ts';
import type { TokenSink } from './tokenizer.ts';

const MISSING = Symbol('missing');

/** The issues of one failing node (none once a later value of its repeated key passed). */
interface IssueEntry {
  readonly path: Path;
  readonly issues: readonly PartialIssue[];
}
/** The root value before the JSON is complete. */
const NONE: unique symbol = Symbol('partialkit.none');
/** Keys remembered per depth (see `key`): records have a few dozen at most; a huge object gains nothing. */
const MAX_CACHED_KEYS = 64;
/**
 * A container with this many levels of containers below it, or more, is validated with the root, not as
 * it closes. zod walks the whole subtree at each check, and its issue paths grow as they go up: a
 * chain of d failing levels cost O(d⁴) (400 levels: 52 s, zod on the whole value 0.4 s). With the bound,
 * each value is validated at most this many times besides the root's.
 */
const MAX_CHECKED_HEIGHT = 32;

/**
 * Builds the working tree from tokens, guided by the schema plan, and hands out immutable snapshots.
 * Writes only mark what changed; snapshots are materialised on read by path-copying the open containers.
 */
export class Builder implements TokenSink {
  private readonly stack: Frame[] = [];
  /** Per depth, the keys of the object last parsed there, by position (see `key`). */
  private readonly keyRows: string[][] = [];
  /** Where the open string's text is read from (the tokenizer), set once by the parser. */
  text: { readonly str: string } = { str: '' };
  private shownLength = -1;
  /** Whether the open string was part of a snapshot. */
  private shownOpen = false;
  private strOpen = false;
  private strVisible = true;
  private root: unknown = NONE;
  private dirty = false;
  private snap: unknown = undefined;
  /**
   * Outputs of closed nodes, made at the first one. A Map, not a WeakMap: its keys are nodes of this
   * parser's tree, which it holds anyway, and an ephemeron table per parser (one per item in
   * `streamItems`) costs every collection.
   */
  private outputs: Map<object, unknown> | undefined;
  /**
   * The failing subtrees' issues, in the order they closed. A node's descendants closed after it opened,
   * so they are the entries past its `issueMark`: closing it drops them in O(their number), never a scan
   * of every issue (a list with thousands of invalid items stays linear).
   */
  private readonly issueEntries: IssueEntry[] = [];
  /** Built on read: flattening every entry at each close would be quadratic in the number of issues. */
  private issueList: readonly PartialIssue[] | undefined = [];
  /** Incremented whenever the issue list changes. */
  issueVersion = 0;
  /**
   * Closed containers that show less than their JSON (a member of a kind its schema never takes), to
   * their full value; rare, so made at the first.
   */
  private fulls: Map<object, object> | undefined;
  /** The result of validating the root, recorded when the root container closed. */
  rootResult: z4.util.SafeParseResult<unknown> | undefined;

  constructor(private readonly rootPlan: Plan | undefined) {}

  // ---- TokenSink ----

  openContainer(isArray: boolean): void {
    const top = this.stack[this.stack.length - 1];
    const slot = top === undefined ? '' : top.isArray ? top.count : top.key!;
    const frame = new Frame(isArray, this.slotPlan(top), slot, top === undefined);
    if (top !== undefined) refuse(top, frame.plan, isArray ? ARRAY_KIND : OBJECT_KIND);
    if (top?.duplicate || top?.wrong || top?.cut) frame.hide();
    frame.issueMark = this.issueEntries.length;
    frame.quiet = top?.quiet === true || frame.plan?.alwaysPasses === true;
    frame.strict =
      (top === undefined || (top.strict && top.rules === top.plan)) && frame.plan?.closed === true;
    this.stack.push(frame);
    this.dirty = true;
  }

  closeContainer(): void {
    const frame = this.stack.pop()!;
    const value = frame.finish();
    markComplete(value as object);
    const parent = this.stack[this.stack.length - 1];
    if (parent !== undefined && frame.height >= parent.height) parent.height = frame.height + 1;
    // The value of a repeated key: its path was validated before (read before the commit clears it).
    const repeated = parent?.duplicate === true;
    // What the JSON holds here, rejected members included, when it is more than the value shown.
    const full = frame.tainted ? this.fullValue(frame, value as object) : value;
    if (parent !== undefined && full !== value) parent.tainted = true;
    // Committed before it is validated: a refinement that throws then leaves a consistent tree.
    this.commit(value);
    // Its own plan, never a variant's: a transform, refinement or intersection around the union counts.
    // A repeated key's value is checked at any height: it replaces the entries of the value before it.
    if (frame.plan && (parent === undefined || repeated || frame.height < MAX_CHECKED_HEIGHT))
      this.check(frame.plan, value, frame.slot, frame.issueMark, repeated, frame.quiet, full);
    else if (frame.plan && !frame.plan.closed) this.dropIssuesFrom(frame.issueMark);
  }

  /**
   * Drops the entries of a node left to the root whose members' plans do not say what it takes (a union
   * may take what its first option's plan of a member refuses): they may be no issue of the value.
   */
  private dropIssuesFrom(mark: number): void {
    const entries = this.issueEntries;
    if (entries.length === mark) return;
    entries.length = mark;
    this.issueList = undefined;
    this.issueVersion++;
  }

  /**
   * The JSON value of a closed container whose snapshot shows less: its rejected members, and the full
   * values of members that show less themselves. Kept for validation and `result` only.
   */
  private fullValue(frame: Frame, shown: object): object {
    this.fulls ??= new Map();
    const fulls = this.fulls;
    const full = (item: unknown) => (item !== null && typeof item === 'object' && fulls.get(item)) || item;
    let value: object;
    if (Array.isArray(shown)) {
      const items = shown.map(full);
      // The elements from the cut on (see `Frame.cut`), after those shown.
      if (frame.tail !== undefined) for (const item of frame.tail) items.push(full(item));
      value = items;
    } else {
      const members = shown as Record<string, unknown>;
      const keys = Object.keys(members);
      const rejected = frame.rejected ?? [];
      const copy: Record<string, unknown> = {};
      // The members in the JSON's order: each rejected one where it stood among those shown.
      for (let i = 0, r = 0; i <= keys.length; i++) {
        for (; r < rejected.length && rejected[r + 2] === i; r += 3) {
          const key = rejected[r] as string;
          const item = rejected[r + 1];
          // superseded: the value shown later stands in this one's place (its key's first)
          if (item === SUPERSEDED) setKey(copy, key, full(members[key]));
          else if (!Object.hasOwn(members, key)) setKey(copy, key, full(item));
        }
        if (i < keys.length) setKey(copy, keys[i]!, full(members[keys[i]!]));
      }
      // A repeated key whose last value was rejected: that one is the JSON's, in the first one's place.
      for (let r = 0; r < rejected.length; r += 3) {
        const key = rejected[r] as string;
        if (rejected[r + 1] !== SUPERSEDED && Object.hasOwn(members, key))
          setKey(copy, key, full(rejected[r + 1]));
      }
      value = copy;
    }
    fulls.set(shown, value);
    return value;
  }

  key(text: string): void {
    const depth = this.stack.length - 1;
    const top = this.stack[depth]!;
    // Records in a list repeat their keys in order: reuse the string seen at this depth and position
    // last time. That one has become a property key already, so V8 need not look the new text up.
    let row = this.keyRows[depth];
    if (row === undefined) {
      row = [];
      this.keyRows[depth] = row;
    }
    let key = row[top.keyIndex];
    if (key !== text) {
      key = text;
      if (top.keyIndex < MAX_CACHED_KEYS) row[top.keyIndex] = text;
    }
    top.keyIndex++;
    top.key = key;
    // Only committed members are in `obj` at this point (an open member's view is written after its key).
    top.duplicate = Object.hasOwn(top.obj, key);
    top.childPlan = top.rules?.child(key);
  }

  predictKey(): string | undefined {
    const depth = this.stack.length - 1;
    return this.keyRows[depth]?.[this.stack[depth]!.keyIndex];
  }

  beginString(): void {
    const top = this.stack[this.stack.length - 1];
    const plan = this.slotPlan(top);
    if (top !== undefined) refuse(top, plan, STRING_KIND);
    this.strOpen = true;
    this.strVisible = !plan?.stringAtomic && !top?.duplicate && !top?.wrong && !top?.cut;
    if (this.strVisible) this.dirty = true;
  }

  endString(value: string): void {
    this.strOpen = false;
    // A string a reader saw while it streamed is a rope of the chunks it came in; its reader will
    // render the final value, which needs it flat. Flattening it once here costs the same, and spares
    // the collector copying the rope's nodes for as long as the value lives.
    if (this.shownOpen) {
      this.shownOpen = false;
      value.charCodeAt(0);
    }
    this.primitive(value);
  }

  primitive(value: string | number | boolean | null): void {
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined && !top.isArray) {
      if (top.childPlan !== undefined && rejects(top, kindOf(value), value)) top.wrong = true;
    } else if (top?.isArray && top.rules) {
      const plan = top.rules.element(top.count);
      if (plan) {
        if (top.strict && cuts(top, plan, kindOf(value), value)) top.cut = true;
        const index = top.count;
        this.commit(value);
        this.check(plan, value, index, this.issueEntries.length, false, top.quiet);
        return;
      }
    }
    this.commit(value);
  }

  // ---- reading ----

  /** The current snapshot (see the invariants on `createPartialParser`). */
  value(): unknown {
    // The open string lives in the tokenizer; it only grows, so its length tells whether it changed.
    const open = this.strOpen && this.strVisible;
    const length = open ? this.text.str.length : -1;
    if (!this.dirty && length === this.shownLength) return this.snap;
    // Whether the view handed to the next frame out differs from the one it saw at the last read:
    // first the open text (it only grows, so a new length is new text), then each frame's snapshot.
    let fresh = length !== this.shownLength;
    this.dirty = false;
    this.shownLength = length;
    const stack = this.stack;
    let child: Shown = open ? this.text.str : undefined;
    if (open) this.shownOpen = true;
    for (let i = stack.length - 1; i >= 0; i--) {
      const frame = stack[i]!;
      if (frame.visible) {
        fresh = fresh || frame.changed;
        child = frame.materialize(child, fresh);
      } else {
        // A held-back frame shows nothing, as it did at the last read (frames are never hidden again).
        child = undefined;
        fresh = false;
      }
    }
    if (stack.length === 0 && this.root !== NONE) child = this.root;
    this.snap = child;
    return this.snap;
  }

  /** The root value once the JSON is complete (`end()` reads it only then), rejected members included. */
  get result(): unknown {
    const root = this.root;
    return (root !== null && typeof root === 'object' && this.fulls?.get(root)) || root;
  }

  /** Whether the value at `path` of the current snapshot is complete. */
  isCompleteAt(path: Path): boolean {
    if (this.root !== NONE) return lookup(this.root, path, 0) !== MISSING;
    const stack = this.stack;
    for (let i = 0; i < path.length; i++) {
      const frame = stack[i];
      if (!frame) return false; // inside an open string or number
      const seg = path[i]!;
      if (frame.isArray) {
        const index = typeof seg === 'number' ? seg : Number(seg);
        if (index === frame.count) {
          if (frame.cut) return false; // not shown
          continue; // the open last element
        }
        if (!(index >= 0 && index < frame.shownCount)) return false;
        return lookup(frame.items[index], path, i + 1) !== MISSING;
      }
      const key = String(seg);
      // A repeated key shows its first value, which the last one replaces at the close.
      if (key === frame.key) {
        if (frame.duplicate || frame.wrong) return false;
        continue;
      }
      if (!Object.hasOwn(frame.obj, key) || frame.repeats(key)) return false;
      return lookup(frame.obj[key], path, i + 1) !== MISSING;
    }
    return false;
  }

  /** Validation issues of the subtrees closed so far (the whole value after `end()`). */
  get issues(): readonly PartialIssue[] {
    this.issueList ??= this.issueEntries.flatMap((e) => e.issues);
    return this.issueList;
  }

  /** The validated (transformed) output of a closed object or array node, if it passed its schema. */
  outputOf(node: object | undefined): unknown {
    return node === undefined ? undefined : this.outputs?.get(node);
  }

  /** Validates the root value (a primitive root: containers are validated as they close). */
  validate(plan: Plan, value: unknown): z4.util.SafeParseResult<unknown> | undefined {
    return this.check(plan, value, '', 0);
  }

  // ---- internals ----

  /**
   * Validates a closed member `slot` of the top container (the root when the stack is empty); its result
   * replaces what was recorded for anything inside it. The path is built only when needed.
   */
  private check(
    plan: Plan,
    value: unknown,
    slot: string | number,
    /** Where the entries of the node's descendants start (see `issueEntries`). */
    mark: number,
    /** A repeated key's value: the entry of the value before it is replaced. */
    repeated = false,
    /** Inside a `.catch()`: a failure is no issue (nothing inside was recorded either). */
    quiet = false,
    /** What is validated: the JSON value, when `value` (the node shown) lacks rejected members. */
    input: unknown = value,
  ): z4.util.SafeParseResult<unknown> | undefined {
    // Plans built from a JSON Schema carry no validator: such schemas are validated whole at the end.
    if (plan.schema === undefined) return undefined;
    let result: z4.util.SafeParseResult<unknown>;
    try {
      result = z4.safeParse(plan.schema, plan.validatesCopy ? copyOf(input) : input);
    } catch (error) {
      if (error instanceof z4.$ZodAsyncError) return undefined; // async checks run only in final validation
      throw new SchemaThrew(this.pathTo(slot), error);
    }
    const isRoot = this.stack.length === 0;
    if (isRoot) this.rootResult = result;
    const entries = this.issueEntries;
    if (result.success) {
      if (value !== null && typeof value === 'object') {
        this.outputs ??= new Map();
        this.outputs.set(value, result.data);
      }
      // A passing subtree holds no failing one: nothing recorded inside it is left to drop, usually.
      if (entries.length === mark && !repeated) return result;
    } else if (quiet) return result;
    const path = this.pathTo(slot);
    // What its descendants recorded is replaced by the node's own result (an emptied entry counts as none).
    let changed = false;
    for (let i = mark; i < entries.length; i++) if (entries[i]!.issues.length) changed = true;
    entries.length = mark;
    let index = mark;
    if (repeated) {
      // The entries of the value before it: its own, or its members' where it was left to the root.
      for (let i = 0; i < mark; i++) {
        const entry = entries[i]!;
        if (!startsWith(entry.path, path)) continue;
        if (entry.issues.length) changed = true;
        if (index === mark) index = i;
        entries[i] = { path: entry.path, issues: [] };
      }
      if (index !== mark) entries[index] = { path, issues: [] };
    }
    if (!result.success) {
      const issues = result.error.issues.map(
        (issue): PartialIssue => ({ ...issue, path: [...path, ...jsonPath(issue.path)] }),
      );
      entries[index] = { path, issues };
      changed = true;
    }
    if (changed) {
      this.issueList = undefined;
      this.issueVersion++;
    }
    return result;
  }

  private slotPlan(top: Frame | undefined): Plan | undefined {
    if (top === undefined) return this.rootPlan;
    return top.isArray ? top.rules?.element(top.count) : top.childPlan;
  }

  private commit(value: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) this.root = value;
    else {
      const rules = top.rules;
      if (rules?.discriminator !== undefined && top.key === rules.discriminator) {
        // The members follow the chosen variant from here on; the object is still validated whole.
        const variant = rules.variant(value);
        if (variant !== undefined) top.adopt(variant);
      }
      top.commit(value);
    }
    this.dirty = true;
  }

  /** Path of a member of the top container (or of the root when the stack is empty). */
  private pathTo(slot: string | number): Path {
    const stack = this.stack;
    if (stack.length === 0) return [];
    const path: Array<string | number> = [];
    for (let i = 1; i < stack.length; i++) path.push(stack[i]!.slot);
    path.push(slot);
    return path;
  }
}

/**
 * A writable copy of a closed value, for a schema that hands its input to user code (a preprocess that
 * fills in a default): the tree is frozen and shared with the snapshots. `__proto__` stays an own
 * property, as in the tree.
 */
export function copyOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

/** The value at `path` in a plain value, or undefined when the path leads nowhere (own keys only). */
export function valueAt(value: unknown, path: Path): unknown {
  const v = lookup(value, path, 0);
  return v === MISSING ? undefined : v;
}

function lookup(value: unknown, path: Path, from: number): unknown {
  let v = value;
  for (let i = from; i < path.length; i++) {
    if (v === null || typeof v !== 'object') return MISSING;
    const key = path[i]!;
    if (!Object.hasOwn(v, key)) return MISSING;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/**
 * Whether `plan` takes a value of `kind`: `value` (undefined while it is open) must be one of its enum
 * and literal values where only those take its kind (`'keynote'` in a `z.enum(['main', 'workshop'])`).
 */
function takes(plan: Plan, kind: number, value: unknown): boolean {
  return (
    (plan.kinds & kind) !== 0 &&
    (value === undefined || (plan.only & kind) === 0 || plan.values.includes(value))
  );
}

/**
 * Whether the member of object frame `top` being parsed, of `kind` (and `value`, once complete), is one
 * its schema never takes: then it is never shown, and the type of the partial value holds. Only where
 * every plan from the root is closed (one container schema, nothing that takes any value) and no
 * discriminator chose a variant (a repeated one may choose another at the close): there the member's
 * plan says all the schema takes. `__proto__` is one zod never checks.
 */
function rejects(top: Frame, kind: number, value?: unknown): boolean {
  const plan = top.childPlan;
  return (
    plan !== undefined &&
    !takes(plan, kind, value) &&
    top.strict &&
    top.rules === top.plan &&
    top.key !== '__proto__'
  );
}

/**
 * A value of `kind` (whose plan is `plan`) opens in `top`: a member its schema never takes is marked
 * `wrong`, an element of that kind cuts the array (see `cuts`).
 */
function refuse(top: Frame, plan: Plan | undefined, kind: number): void {
  if (!top.isArray) {
    if (rejects(top, kind)) top.wrong = true;
  } else if (cuts(top, plan, kind)) top.cut = true;
}

/**
 * Whether an element of `kind` ends what is shown of array `top` (see `Frame.cut`): the element's plan
 * never takes that kind, under a chain of closed plans from the root, as `rejects` has it for members.
 * Once cut, an array stays cut.
 */
function cuts(top: Frame, plan: Plan | undefined, kind: number, value?: unknown): boolean {
  return top.strict && !top.cut && plan !== undefined && !takes(plan, kind, value);
}

/** Whether `path` is `prefix` or lies under it. */
function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return path.length >= prefix.length && prefix.every((seg, i) => seg === path[i]);
}

/** Whether two paths (a builder's, or a validation issue's) name the same place. */
export function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && startsWith(a, b);
}
