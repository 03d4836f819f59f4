import { JsonExtractor } from '../decode/json-extractor.ts';
import { heldTooLong } from '../decode/sse.ts';
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
 * narration before a tool call that began like JSON: `Checking {"venue": first.`) the rest of the step
 * is held: the step is most likely not the answer, and failing the run on it would be wrong once the
 * next step starts. If the run ends with this step after all, {@link StepText.end} gives all it held,
 * so the consumer reads the step's whole text: one value fails where it failed, and JSON Lines reads
 * on past a line of prose (`see [the docs]`) or an invalid line to the lines after it.
 */
export class StepText {
  private readonly extractor = new JsonExtractor();
  // The parse stage bounds the depth of what it accepts; this only follows what it was given.
  private readonly syntax = new Tokenizer(NO_TOKENS, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  /** The deltas from the one the JSON broke at, once it did, and their length. */
  private held: string[] | undefined;
  private size = 0;
  /** Some of this step's JSON was passed on: the consumer's value holds part of it. */
  shown = false;

  /** Holds at most `maxHeld` characters of a step's text. */
  constructor(private readonly maxHeld: number) {}

  /** Whether to pass `delta` (of SSE event `n`) on now (if not, it is held). */
  take(delta: string, n: number): boolean {
    if (this.held !== undefined) {
      this.size += delta.length;
      if (this.size > this.maxHeld)
        throw heldTooLong("A step's text held after its JSON broke", this.maxHeld, n, delta);
      this.held.push(delta);
      return false;
    }
    const json = this.extractor.push(delta);
    if (!json) return true; // prose around the value, or what follows it: the consumer skips it too
    try {
      this.syntax.write(json);
    } catch {
      this.held = [delta];
      this.size = delta.length;
      return false;
    }
    this.shown = true;
    return true;
  }

  /** The run ended with this step: the text it held from where its JSON broke, to pass on last. */
  end(): string | undefined {
    return this.held?.join('');
  }
}
