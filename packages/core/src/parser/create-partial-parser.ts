import * as z4 from 'zod/v4/core';
import {
  InvalidOptionError,
  jsonPath,
  type PartialIssue,
  PartialJSONError,
  PartialKitError,
  ValidationError,
} from '../errors.ts';
import { type Plan, planFor } from '../schema/plan.ts';
import { standardPlanFor } from '../schema/planners.ts';
import type {
  SchemaInput,
  SchemaOutput,
  StandardIssue,
  StandardResult,
  StandardSchemaV1,
} from '../schema/standard.ts';
import type { DeepPartial, Path } from '../types.ts';
import { Builder, copyOf } from './builder.ts';
import { isCompleteNode, markTreeComplete } from './completeness.ts';
import { Tokenizer } from './tokenizer.ts';

export interface PartialParserOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /**
   * Any Standard Schema (zod 4, valibot, arktype…): decides what may be shown partially and validates
   * the result. A zod 4 schema also validates each subtree as it closes (`issues`, `outputOf`); other
   * schemas stream by the rules of their JSON Schema and are validated whole at the end.
   */
  schema?: S | undefined;
  /**
   * Maximum nesting of arrays and objects (default 1000). A non-negative integer or `Infinity`; anything
   * else (`NaN`, `-1`, `2.5`, `"5"`) throws {@link InvalidOptionError} at creation. zod's own work on a
   * deep value that fails at every level grows fast with depth (1 000 levels: seconds): lower it for a
   * recursive schema that reads untrusted text.
   */
  maxDepth?: number | undefined;
  /**
   * Maximum total input length in UTF-16 code units (default: unbounded). A non-negative integer or
   * `Infinity`; anything else throws {@link InvalidOptionError} at creation. The text up to the bound is
   * parsed (and shown) whatever the chunking, then `write` throws a {@link PartialJSONError} at it.
   */
  maxLength?: number | undefined;
}

/**
 * An incremental JSON parser for streamed text. Invariants, for every chunking of the input:
 * 1. A value never changes type once shown.
 * 2. Strings only grow by appending; an escape or surrogate pair is shown whole or not at all.
 * 3. Atomic values (numbers, true/false/null, enums, literals, fields marked atomic) appear once, complete.
 * 4. Arrays and objects only gain members; only the last member of an open container can still change.
 * 5. Any subtree that is not on the stack of open containers is `===` across snapshots.
 * 6. A snapshot is never mutated after it was handed out.
 * 7. `end()` equals `JSON.parse` of the whole text, or fails where it fails.
 *
 * The one exception is a repeated key, where 7 (the last value wins, as with `JSON.parse`) comes first.
 * While its object is open, the key keeps showing its first value (a later one is parsed, not shown),
 * so 1, 2 and 4 hold for every snapshot of the open object. When the object closes, it holds the last
 * value of each key, in the place of the key's first occurrence: the one point where a member other
 * than the last changes, and may change type.
 *
 * Any failure, including one that is not about the JSON (a string past the engine's length limit, a
 * schema refinement that throws), marks the parser failed with a {@link PartialJSONError} that has the
 * position and the original error as `cause`.
 */
export interface PartialParser<TPartial = unknown, TFinal = unknown> {
  /**
   * Feeds text. Throws {@link PartialJSONError} at the first invalid character, or at `maxLength` once
   * the text up to it was taken; the parser then stays failed.
   */
  write(chunk: string): void;
  /** The current snapshot: `undefined` until the root value begins. Still readable after an error. */
  readonly value: TPartial | undefined;
  /** Whether an object or array node taken from any snapshot of this parser is complete (never changes again). */
  isComplete(node: object | undefined): boolean;
  /** Whether the value at `path` of the current snapshot is complete (absent values are not). */
  isCompleteAt(path: Path): boolean;
  /**
   * Finishes the input and returns the final value, validated against the schema when one was given.
   * Throws a {@link PartialKitError} when the schema validates asynchronously: use `endAsync()` then.
   */
  end(): TFinal;
  /** `end()` for schemas whose validation may be asynchronous (async refinements): awaits it. */
  endAsync(): Promise<TFinal>;
  /**
   * Validation issues of the subtrees closed so far, with paths from the root. (A container with 32 or
   * more levels of containers below it is validated with the root, which bounds the work on deep
   * recursive values.)
   */
  readonly issues: readonly PartialIssue[];
  /** Changes whenever `issues` changes (cheap change detection for stores). */
  readonly issuesVersion: number;
  /**
   * The validated (and transformed) output of a closed object or array node of a snapshot; `undefined`
   * if it failed, or stands 32 or more levels above its deepest member (see `issues`).
   */
  outputOf(node: object | undefined): unknown;
  /** Code units received so far. */
  readonly position: number;
  /** The error the parser failed with, if any. */
  readonly error: PartialJSONError | ValidationError | undefined;
  /** True once `end()` returned. */
  readonly done: boolean;
}

export function createPartialParser<S extends StandardSchemaV1>(
  options: PartialParserOptions<S> & { schema: S },
): PartialParser<DeepPartial<SchemaInput<S>>, SchemaOutput<S>>;
export function createPartialParser(options?: PartialParserOptions): PartialParser;
export function createPartialParser(
  options: PartialParserOptions<StandardSchemaV1 | undefined> = {},
): PartialParser {
  return new IncrementalParser(options);
}

/** zod 4 schemas (classic and mini) carry `_zod`; they get per-subtree validation and transforms. */
function isZod(schema: StandardSchemaV1): schema is StandardSchemaV1 & z4.$ZodType {
  return '_zod' in schema;
}

/** The streaming rules of a schema: zod's own, or any Standard Schema's from its JSON Schema. */
export function planOf(schema: StandardSchemaV1 | undefined): Plan | undefined {
  return !schema ? undefined : isZod(schema) ? planFor(schema) : standardPlanFor(schema);
}

type Outcome = { success: true; data: unknown } | { success: false; issues: readonly PartialIssue[] };

/**
 * A bound option, checked once: `NaN` would switch the bound off (every comparison with it is false) and
 * a string would turn `position` arithmetic into concatenation.
 */
export function bound(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (
    typeof value === 'number' &&
    (Number.isSafeInteger(value) || value === Number.POSITIVE_INFINITY) &&
    value >= 0
  ) {
    return value;
  }
  throw new InvalidOptionError(option, value, 'a non-negative integer or Infinity');
}

/** What `end()` throws for a schema that validates asynchronously: call `endAsync()` (the stages do). */
export class AsyncSchemaError extends PartialKitError {
  override name = 'AsyncSchemaError';
  constructor() {
    super(
      'The schema validates asynchronously (an async refinement or check): call endAsync() instead of end()',
    );
  }
}

class IncrementalParser implements PartialParser {
  /** The async validation an `end()` started, for `endAsync()` to finish. */
  private pendingOutcome: Promise<Outcome> | undefined;
  private readonly tokenizer: Tokenizer;
  private readonly builder: Builder;
  private readonly schema: StandardSchemaV1 | undefined;
  private readonly zod: z4.$ZodType | undefined;
  /** A validation failure of `end()` (JSON errors live in the tokenizer). */
  private failure: ValidationError | undefined;
  /** Issues of a whole-value validation (schemas other than zod), once it failed. */
  private finalIssues: readonly PartialIssue[] | undefined;
  private ended = false;
  private finished = false;
  private final: unknown;

  constructor(options: PartialParserOptions<StandardSchemaV1 | undefined>) {
    // From JavaScript, `createPartialParser(schema)` would otherwise read as options and drop the schema.
    if (typeof options !== 'object' || options === null || '~standard' in options) {
      throw new InvalidOptionError('options', options, 'an options object ({ schema } for a schema)');
    }
    const maxDepth = bound('maxDepth', options.maxDepth, 1000);
    const maxLength = bound('maxLength', options.maxLength, Number.POSITIVE_INFINITY);
    const schema = options.schema;
    this.schema = schema;
    this.zod = schema && isZod(schema) ? schema : undefined;
    this.builder = new Builder(planOf(schema));
    this.tokenizer = new Tokenizer(this.builder, maxDepth, maxLength);
    this.builder.text = this.tokenizer;
  }

  write(chunk: string): void {
    // A number or an object has no characters to scan: it would turn `position` (and maxLength) into NaN.
    if (typeof chunk !== 'string') {
      throw new PartialJSONError(`write() takes a string, got ${typeof chunk}`, this.tokenizer.position);
    }
    this.tokenizer.write(chunk); // refuses input after end()
  }

  get value(): unknown {
    return this.builder.value();
  }

  isComplete(node: object | undefined): boolean {
    return isCompleteNode(node);
  }

  isCompleteAt(path: Path): boolean {
    return this.builder.isCompleteAt(path);
  }

  end(): unknown {
    if (this.finished) return this.final;
    if (this.failure) throw this.failure;
    const raw = this.complete();
    const outcome = this.validateSync(raw);
    if (outcome instanceof Promise) {
      // Kept for endAsync, so that an async check runs once, not once here and again there.
      this.pendingOutcome = outcome;
      void outcome.catch(() => {});
      throw new AsyncSchemaError();
    }
    return this.settle(raw, outcome);
  }

  async endAsync(): Promise<unknown> {
    if (this.finished) return this.final;
    if (this.failure) throw this.failure;
    const raw = this.complete();
    const zod = this.zod;
    const pending = this.pendingOutcome;
    this.pendingOutcome = undefined;
    const outcome = pending
      ? await pending
      : zod && !this.builder.rootResult
        ? fromZod(await z4.safeParseAsync(zod, zodInput(zod, raw)), [])
        : await this.validateSync(raw);
    return this.settle(raw, outcome);
  }

  /** Ends the JSON text (once): the raw root value; throws unless the root value is complete. */
  private complete(): unknown {
    if (!this.ended) {
      this.tokenizer.end();
      this.ended = true;
    }
    return this.builder.result;
  }

  private validateSync(raw: unknown): Outcome | Promise<Outcome> {
    const schema = this.schema;
    if (!schema) return { success: true, data: raw };
    const zod = this.zod;
    if (zod) {
      try {
        const result =
          this.builder.rootResult ??
          this.builder.validate(planFor(zod), raw) ??
          z4.safeParse(zod, zodInput(zod, raw));
        return fromZod(result, this.builder.issues);
      } catch (error) {
        if (error instanceof z4.$ZodAsyncError)
          return z4.safeParseAsync(zod, zodInput(zod, raw)).then((r) => fromZod(r, []));
        throw this.tokenizer.failWith(error, 'finish the input'); // a refinement threw
      }
    }
    let result: StandardResult<unknown> | Promise<StandardResult<unknown>>;
    try {
      // A copy: a validator may write its output into what it is given (arktype's morphs do), and the
      // parser's tree is frozen and shared with the snapshots already handed out. (`__proto__` stays an
      // own property in the copy, as in the tree.)
      result = schema['~standard'].validate(structuredClone(raw));
    } catch (error) {
      throw this.tokenizer.failWith(error, 'finish the input'); // the validator threw
    }
    return result instanceof Promise ? result.then(fromStandard) : fromStandard(result);
  }

  private settle(raw: unknown, outcome: Outcome): unknown {
    if (!outcome.success) {
      // zod's sync issues are the builder's own list; anything else replaces it.
      if (outcome.issues !== this.builder.issues) {
        this.finalIssues = outcome.issues;
        this.builder.issueVersion++;
      }
      this.failure = new ValidationError(outcome.issues, raw);
      throw this.failure;
    }
    const final = outcome.data;
    if (final !== raw) markTreeComplete(final);
    this.finished = true;
    this.tokenizer.seal();
    this.final = final;
    return final;
  }

  get issues(): readonly PartialIssue[] {
    return this.finalIssues ?? this.builder.issues;
  }

  get issuesVersion(): number {
    return this.builder.issueVersion;
  }

  outputOf(node: object | undefined): unknown {
    return this.builder.outputOf(node);
  }

  get position(): number {
    return this.tokenizer.position;
  }

  get error(): PartialJSONError | ValidationError | undefined {
    return this.tokenizer.failure ?? this.failure;
  }

  get done(): boolean {
    return this.finished;
  }
}

/** What a zod schema validates: the tree itself, or a copy where the schema may write to its input. */
function zodInput(zod: z4.$ZodType, raw: unknown): unknown {
  return planFor(zod).validatesCopy ? copyOf(raw) : raw;
}

/** A zod result; failing, its issues are `recorded` (the builder's, per subtree) if any, else its own. */
function fromZod(result: z4.util.SafeParseResult<unknown>, recorded: readonly PartialIssue[]): Outcome {
  if (result.success) return { success: true, data: result.data };
  return { success: false, issues: recorded.length ? recorded : result.error.issues.map(zodIssue) };
}

function zodIssue(issue: z4.$ZodIssue): PartialIssue {
  return { ...issue, path: jsonPath(issue.path) };
}

/** A Standard Schema result, its issues with plain paths (`{ key }` segments unwrapped). */
function fromStandard(result: StandardResult<unknown>): Outcome {
  if (!result.issues) return { success: true, data: result.value };
  return { success: false, issues: result.issues.map(standardIssue) };
}

function standardIssue(issue: StandardIssue): PartialIssue {
  const code = (issue as { code?: unknown }).code;
  return {
    message: issue.message,
    code: typeof code === 'string' ? code : 'invalid',
    // Array.from, not map: a library's path may be an Array subclass with fields of its own (arktype).
    path: jsonPath(Array.from(issue.path ?? [], (s) => (typeof s === 'object' && s !== null ? s.key : s))),
  };
}
