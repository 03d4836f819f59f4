import { JsonExtractor } from '../decode/json-extractor.ts';
import { heldTooLong } from '../decode/sse.ts';
import { Tokenizer, type TokenSink } from '../parser/tokenizer.ts';

const QUOTE = 0x22;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

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
 * (found as `extractJson` finds it) is well formed so far. Prose before the value (`Let me look that
 * up.` before a tool call) is held until the value starts: a step of prose alone is not the output
 * unless the run ends with it. From the delta where the text stops being JSON (a narration that began
 * like JSON: `Checking {"venue": first.`) the rest of the step is held: the step is most likely not
 * the answer, and failing the run on it would be wrong once the next step starts. If the run ends with
 * this step after all, {@link StepText.end} gives all it held, so the consumer reads the step's whole
 * text: one value fails where it failed, and JSON Lines reads on past a line of prose (`see [the
 * docs]`) or an invalid line to the lines after it.
 */
export class StepText {
  private readonly extractor = new JsonExtractor();
  // The parse stage bounds the depth of what it accepts; this only follows what it was given.
  private readonly syntax = new Tokenizer(NO_TOKENS, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  /** The deltas held: prose before the value, then, once the JSON broke, all from there on. */
  private held: string[] = [];
  private size = 0;
  /** The JSON broke: every delta from there on is held. */
  private broke = false;
  /** Some of this step's text was passed on: the consumer's value may hold part of it. */
  shown = false;
  /** The step's first character that is not white space came. */
  private begun = false;
  /**
   * The step's text begins as a JSON string or number does (JSON Lines of them, which `extractJson`
   * finds no bracket in): it is passed on as it comes.
   */
  private atoms = false;

  /** Holds at most `maxHeld` characters of a step's text. */
  constructor(private readonly maxHeld: number) {}

  /** What to pass on now of `delta` (of SSE event `n`), with what it held before; undefined: held. */
  take(delta: string, n: number): string | undefined {
    if (this.broke) return this.hold(delta, n, true);
    if (!this.begun) {
      const at = delta.search(/\S/);
      if (at >= 0) {
        this.begun = true;
        const c = delta.charCodeAt(at);
        this.atoms = c === QUOTE || c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9);
      }
    }
    if (this.atoms) {
      this.shown = true;
      return this.release(delta);
    }
    const json = this.extractor.push(delta);
    // After the value, prose is skipped by the consumer too; before it, it waits for the value.
    if (!json) return this.shown ? delta : this.hold(delta, n, false);
    try {
      this.syntax.write(json);
    } catch {
      this.broke = true;
      return this.hold(delta, n, true);
    }
    this.shown = true;
    return this.release(delta);
  }

  /** The run ended with this step: the text it held, to pass on last. */
  end(): string | undefined {
    return this.held.length ? this.release('') : undefined;
  }

  private hold(delta: string, n: number, broke: boolean): string | undefined {
    this.size += delta.length;
    if (this.size > this.maxHeld) {
      if (broke) throw heldTooLong("A step's text held after its JSON broke", this.maxHeld, n, delta);
      // Prose too long to be an aside before the value: passed on, as a step without JSON would be.
      this.shown = true;
      return this.release(delta);
    }
    this.held.push(delta);
    return undefined;
  }

  private release(delta: string): string {
    if (!this.held.length) return delta;
    const all = this.held.join('') + delta;
    this.held = [];
    this.size = 0;
    return all;
  }
}
