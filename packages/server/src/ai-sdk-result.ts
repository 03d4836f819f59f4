import { ProviderError } from '@partialkit/core';
/**
 * What `toPartialResponse` reads of an AI SDK `streamText` result: its UI message stream, the same
 * parts an AI SDK route sends (text and tool-input deltas, errors, the finish reason), decoded by
 * core's `'ai-sdk'` reader. Its `textStream` would drop errors and finish reasons silently.
 */
export interface StreamTextResultLike {
  readonly textStream: unknown;
  toUIMessageStream(options?: { onError?: (error: unknown) => string }): ReadableStream<unknown>;
}

/** What AI SDK puts in an error part by default: the model's error itself stays on the server. */
const MASKED = 'An error occurred.';

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
 * stream at once, even while the model is silent; so does returning early. An error part is thrown as
 * a `ProviderError` with the model's error as its `raw` (AI SDK masks it in the part: the message stays
 * `An error occurred.`, so that `onError` decides what the browser learns).
 */
export async function* uiMessageParts(
  result: StreamTextResultLike,
  signal: AbortSignal,
): AsyncGenerator<unknown, void, undefined> {
  let failure: { error: unknown } | undefined;
  const reader = result
    .toUIMessageStream({
      onError: (error) => {
        failure = { error };
        return MASKED;
      },
    })
    .getReader();
  const cancel = () => void reader.cancel(signal.reason).catch(() => {});
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      // An abort cancels the reader, which then reads as ended: the run was stopped, not finished.
      if (signal.aborted) throw signal.reason;
      if (next.done) {
        done = true;
        return;
      }
      const part = next.value as { type?: unknown; errorText?: unknown } | null;
      if (failure && part?.type === 'error') throw providerErrorOf(failure.error, part.errorText);
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    if (!done) cancel();
  }
}

/**
 * The error a run's failure is to the browser, as `toPartialResponse` tells a raw provider stream's:
 * an error the provider sent in its stream (AI SDK's `StreamProviderError`, or a bare `{ type, message }`
 * / `{ error: { type, message } }` a provider passed on) with its type and message; an HTTP error of the
 * provider's API (`APICallError`, with `statusCode`) as `upstream_http_<status>` without its message
 * (it may quote the key); anything else (an exception, whose message may hold a secret) as AI SDK's
 * masked text.
 */
function providerErrorOf(error: unknown, errorText: unknown, raw: unknown = error): ProviderError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  // The retries AI SDK made (by default on 408, 409, 429 and 5xx) end in a RetryError: its last error
  // is the one the provider sent.
  if (e.name === 'AI_RetryError' && e.lastError !== undefined)
    return providerErrorOf(e.lastError, errorText, raw);
  const text = (v: unknown) =>
    typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined;
  if (e.name === 'AI_StreamProviderError') {
    const message = text(e.message);
    if (message) return new ProviderError(text(e.type) ?? text(e.code) ?? 'error', message, raw);
  }
  if (typeof e.statusCode === 'number') {
    return new ProviderError(
      `upstream_http_${e.statusCode}`,
      `The upstream answered HTTP ${e.statusCode}`,
      raw,
    );
  }
  if (!(error instanceof Error)) {
    const body = (typeof e.error === 'object' && e.error !== null ? e.error : e) as Record<string, unknown>;
    const type = text(body.type) ?? text(body.code);
    const message = text(body.message);
    if (type && message) return new ProviderError(type, message, raw);
  }
  return new ProviderError('error', typeof errorText === 'string' ? errorText : MASKED, raw);
}
