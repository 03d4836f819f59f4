/**
 * What `toPartialResponse` reads of an AI SDK `streamText` result: its UI message stream, the same
 * parts an AI SDK route sends (text and tool-input deltas, errors, the finish reason), decoded by
 * core's `'ai-sdk'` reader. Its `textStream` would drop errors and finish reasons silently.
 */
export interface StreamTextResultLike {
  readonly textStream: unknown;
  toUIMessageStream(): ReadableStream<unknown>;
}

export function isStreamTextResult(source: unknown): source is StreamTextResultLike {
  return (
    typeof source === 'object' &&
    source !== null &&
    'textStream' in source &&
    typeof (source as StreamTextResultLike).toUIMessageStream === 'function'
  );
}

/**
 * The result's UI message parts. An abort of `signal` (the client went away) cancels the AI SDK
 * stream at once, even while the model is silent; so does returning early.
 */
export async function* uiMessageParts(
  result: StreamTextResultLike,
  signal: AbortSignal,
): AsyncGenerator<unknown, void, undefined> {
  const reader = result.toUIMessageStream().getReader();
  const cancel = () => void reader.cancel(signal.reason).catch(() => {});
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    if (!done) cancel();
  }
}
