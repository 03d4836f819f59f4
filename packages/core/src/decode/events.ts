/**
 * What a decoder produces: JSON text, or the start of a new attempt (the consumer clears its partial).
 * `id` is the event's SSE id where the stream has one (a resumable stream's offset).
 */
export type DecodedEvent = (
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'reset'; readonly attempt: number }
) & { readonly id?: string | undefined };

/** Options every wire-format adapter understands. */
export interface AdapterOptions {
  /** Which choice / candidate to read (default 0). */
  choice?: number | undefined;
  /** Read a tool call's arguments instead of the message text: its index among the tool calls, or its name. */
  toolCall?: number | string | undefined;
}
