import * as z4 from 'zod/v4/core';
import { InvalidOptionError, type PartialIssue, type PartialJSONError, ValidationError } from '../errors.ts';
import { planFor } from '../schema/plan.ts';
import type { DeepPartial, Path } from '../types.ts';
import { Builder } from './builder.ts';
import { isCompleteNode, markTreeComplete } from './completeness.ts';
import { Tokenizer } from './tokenizer.ts';

export interface PartialParserOptions<S extends z4.$ZodType | undefined = undefined> {
  /** A zod 4 schema: decides what may be shown partially and validates closed subtrees and the result. */
  schema?: S;
  /**
   * Maximum nesting of arrays and objects (default 1000). A non-negative integer or `Infinity`; anything
   * else (`NaN`, `-1`, `2.5`, `"5"`) throws {@link InvalidOptionError} at creation.
   */
  maxDepth?: number;
  /**
   * Maximum total input length in UTF-16 code units (default: unbounded). A non-negative integer or
   * `Infinity`; anything else throws {@link InvalidOptionError} at creation. The text up to the bound is
   * parsed (and shown) whatever the chunking, then `write` throws a {@link PartialJSONError} at it.
   */
  maxLength?: number;
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
  isComplete(node: object): boolean;
  /** Whether the value at `path` of the current snapshot is complete (absent values are not). */
  isCompleteAt(path: Path): boolean;
  /** Finishes the input and returns the final value, validated against the schema when one was given. */
  end(): TFinal;
  /** Validation issues of the subtrees closed so far, with paths from the root. */
  readonly issues: readonly PartialIssue[];
  /** Changes whenever `issues` changes (cheap change detection for stores). */
  readonly issuesVersion: number;
  /** The validated (and transformed) output of a closed object or array node of a snapshot. */
  outputOf(node: object): unknown;
  /** Code units received so far. */
  readonly position: number;
  /** The error the parser failed with, if any. */
  readonly error: PartialJSONError | ValidationError | undefined;
  /** True once `end()` returned. */
  readonly done: boolean;
}

export function createPartialParser<S extends z4.$ZodType>(
  options: PartialParserOptions<S> & { schema: S },
): PartialParser<DeepPartial<z4.input<S>>, z4.output<S>>;
export function createPartialParser(options?: PartialParserOptions): PartialParser;
export function createPartialParser(
  options: PartialParserOptions<z4.$ZodType | undefined> = {},
): PartialParser {
  return new IncrementalParser(options);
}

/**
 * A bound option, checked once: `NaN` would switch the bound off (every comparison with it is false) and
 * a string would turn `position` arithmetic into concatenation.
 */
function bound(option: string, value: unknown, fallback: number): number {
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

class IncrementalParser implements PartialParser {
  private readonly tokenizer: Tokenizer;
  private readonly builder: Builder;
  private readonly schema: z4.$ZodType | undefined;
  /** A validation failure of `end()` (JSON errors live in the tokenizer). */
  private failure: ValidationError | undefined;
  private finished = false;
  private final: unknown;

  constructor(options: PartialParserOptions<z4.$ZodType | undefined>) {
    const maxDepth = bound('maxDepth', options.maxDepth, 1000);
    const maxLength = bound('maxLength', options.maxLength, Number.POSITIVE_INFINITY);
    this.schema = options.schema;
    this.builder = new Builder(this.schema ? planFor(this.schema) : undefined);
    this.tokenizer = new Tokenizer(this.builder, maxDepth, maxLength);
    this.builder.text = this.tokenizer;
  }

  write(chunk: string): void {
    this.tokenizer.write(chunk); // refuses input after end()
  }

  get value(): unknown {
    return this.builder.value();
  }

  isComplete(node: object): boolean {
    return isCompleteNode(node);
  }

  isCompleteAt(path: Path): boolean {
    return this.builder.isCompleteAt(path);
  }

  end(): unknown {
    if (this.finished) return this.final;
    if (this.failure) throw this.failure;
    this.tokenizer.end(); // throws unless the root value is complete
    const raw = this.builder.result;
    let final = raw;
    if (this.schema) {
      let result: z4.util.SafeParseResult<unknown>;
      try {
        result =
          this.builder.rootResult ??
          this.builder.validate(planFor(this.schema), raw, []) ??
          z4.safeParse(this.schema, raw);
      } catch (error) {
        throw this.tokenizer.failWith(error, 'finish the input'); // a refinement threw
      }
      if (!result.success) {
        this.failure = new ValidationError(this.builder.issues, raw);
        throw this.failure;
      }
      final = result.data;
    }
    if (final !== raw) markTreeComplete(final);
    this.finished = true;
    this.tokenizer.seal();
    this.final = final;
    return final;
  }

  get issues(): readonly PartialIssue[] {
    return this.builder.issues;
  }

  get issuesVersion(): number {
    return this.builder.issueVersion;
  }

  outputOf(node: object): unknown {
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
