/**
 * Synthesised OpenAI Chat Completions streams, framed exactly like the verbatim recordings in
 * `fixtures/`: a JSON text cut into token-sized pieces (1–6 characters, deterministic by `seed`).
 * No API is reachable from this project's machines; the fixture scripts build their streams with this.
 */
export interface ChatStreamOptions {
  id: string;
  created: number;
  model?: string;
  systemFingerprint?: string;
  /** The seed of the piece sizes. */
  seed: number;
}

export class ChatStream {
  private readonly base: Record<string, unknown>;

  constructor(private readonly options: ChatStreamOptions) {
    this.base = {
      id: options.id,
      object: 'chat.completion.chunk',
      created: options.created,
      model: options.model ?? 'gpt-4o-2024-08-06',
      ...(options.systemFingerprint && { system_fingerprint: options.systemFingerprint }),
    };
  }

  /** One `data:` event holding one choice. */
  frame(choice: object): string {
    return `data: ${JSON.stringify({ ...this.base, choices: [{ index: 0, ...choice }] })}\n\n`;
  }

  /** The role chunk, then `json` (up to `upTo` characters) in pieces, as a model streams it. */
  content(json: string, upTo = json.length): string {
    let seed = this.options.seed;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return 1 + (seed % 6);
    };
    let out = this.frame({
      delta: { role: 'assistant', content: '', refusal: null },
      logprobs: null,
      finish_reason: null,
    });
    for (let i = 0; i < upTo; ) {
      const n = Math.min(next(), upTo - i);
      out += this.frame({ delta: { content: json.slice(i, i + n) }, logprobs: null, finish_reason: null });
      i += n;
    }
    return out;
  }

  /** The last chunk with `finish_reason`, then `[DONE]`. */
  finish(reason: 'stop' | 'length'): string {
    return `${this.frame({ delta: {}, logprobs: null, finish_reason: reason })}data: [DONE]\n\n`;
  }
}
