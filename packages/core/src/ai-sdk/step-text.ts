import { JsonExtractor } from '../decode/json-extractor.ts';
import { Tokenizer, type TokenSink } from '../parser/tokenizer.ts';

/** Takes no token: the tokenizer then only checks the syntax, in constant memory. */
const NO_TOKENS: TokenSink = {
  openContainer() {},
  closeContainer() {},
  key() {},
  beginString() {},
  endString() {},
  primitive() {},
  predictKey: () => undefined,
};

/**
 * The text of one step of an AI SDK run, which is the run's output only if no step follows (AI SDK's
 * output is the last step's text). Its deltas are passed on as they come while the JSON value in them
 * (found as `extractJson` finds it) is well formed so far. From the delta where it stops being JSON (a
 * narration before a tool call: "Checking {venue} first.") nothing more is passed on: the step is most
 * likely not the answer, and failing the run on it would be wrong once the next step starts. If the run
 * ends with this step after all, {@link StepText.end} gives that delta, so the parse stage fails on it
 * exactly as it would have (the rest of the step cannot change a JSON syntax error).
 */
export class StepText {
  private readonly extractor = new JsonExtractor();
  // The parse stage bounds the depth of what it accepts; this only follows what it was given.
  private readonly syntax = new Tokenizer(NO_TOKENS, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  private broken: string | undefined;
  /** Some of this step's JSON was passed on: the consumer's value holds part of it. */
  shown = false;

  /** Whether to pass `delta` on now. */
  take(delta: string): boolean {
    if (this.broken !== undefined) return false;
    const json = this.extractor.push(delta);
    if (!json) return true; // prose around the value, or what follows it: the consumer skips it too
    try {
      this.syntax.write(json);
    } catch {
      this.broken = delta;
      return false;
    }
    this.shown = true;
    return true;
  }

  /** The run ended with this step: the delta its JSON broke at, if it did, to pass on last. */
  end(): string | undefined {
    return this.broken;
  }
}
