import { heldTooLong } from '../decode/sse.ts';

interface Queued {
  readonly chunks: string[];
  ended: boolean;
}

/**
 * The text parts of a UI message stream (`text-start`, `text-delta`, `text-end`, each with its part's
 * `id`) as one text: each part whole, in the order the parts started, as AI SDK's `text` joins them.
 * Parts interleave when streams are merged (`writer.merge` of two `streamText` runs): spliced in the
 * order their deltas came, `{"name":"A` and `Summary: ` would make `{"name":"ASummary: …`. The part
 * that started first passes its deltas on as they come; a later part's deltas wait (at most
 * `maxHeld` characters in all) until every part before it has ended.
 *
 * Invariant: `live` is the first part not yet ended, in start order; every part in `queued` started
 * after it.
 */
export class TextParts {
  private live: unknown;
  private hasLive = false;
  private readonly queued = new Map<unknown, Queued>();
  private size = 0;

  constructor(private readonly maxHeld: number) {}

  /** Some part started and has not ended. */
  get open(): boolean {
    return this.hasLive;
  }

  /** A part began (`text-start`, or the first delta of an id never started). */
  start(id: unknown): void {
    if (this.hasLive && id === this.live) return;
    if (!this.hasLive) {
      this.live = id;
      this.hasLive = true;
    } else if (!this.queued.has(id)) this.queued.set(id, { chunks: [], ended: false });
  }

  /** A delta of part `id` (SSE event `n`): what to pass on now, in order. */
  delta(id: unknown, text: string, n: number): readonly string[] {
    this.start(id);
    if (id === this.live) return [text];
    const part = this.queued.get(id) as Queued;
    this.size += text.length;
    if (this.size > this.maxHeld)
      throw heldTooLong('The text of a part that started after another still open', this.maxHeld, n, text);
    part.chunks.push(text);
    return [];
  }

  /** Part `id` ended: what it lets through (the parts queued behind it, up to the next still open). */
  end(id: unknown): readonly string[] {
    if (!this.hasLive || id !== this.live) {
      const part = this.queued.get(id);
      if (part) part.ended = true;
      return [];
    }
    this.hasLive = false;
    const out: string[] = [];
    for (const [next, part] of this.queued) {
      this.queued.delete(next);
      for (const chunk of part.chunks) this.size -= chunk.length;
      out.push(...part.chunks);
      if (!part.ended) {
        this.live = next;
        this.hasLive = true;
        break;
      }
    }
    return out;
  }

  /** The step or the run ended: every part's text still waiting, in order. */
  flush(): readonly string[] {
    const out: string[] = [];
    for (const part of this.queued.values()) out.push(...part.chunks);
    this.queued.clear();
    this.size = 0;
    this.hasLive = false;
    return out;
  }
}
