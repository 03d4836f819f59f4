import { HTTPError, ProviderError, type StreamStatus, TruncatedError } from '@partialkit/core';

export interface Outcome {
  /** `'error'` for failures, `'stopped'` for a stop. */
  tone: 'error' | 'stopped';
  title: string;
  detail: string;
  /** A short name for the status line. */
  short: string;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The message of a JSON error body (`{"error": {"message": …}}`), or the body itself. */
function bodyMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const e = parsed.error;
    return (typeof e === 'string' ? e : e?.message) ?? parsed.message ?? body;
  } catch {
    return body;
  }
}

/**
 * How the page explains the end of a stream that did not succeed; undefined while it runs or after
 * success. `left`: the stop was the visitor leaving the example (another tab), not Stop.
 */
export function outcomeOf(
  status: StreamStatus,
  error: Error | undefined,
  issueCount: number,
  left = false,
): Outcome | undefined {
  if (status === 'aborted') {
    return {
      tone: 'stopped',
      title: 'Stopped',
      detail: left
        ? 'The stream stopped when you left this example. What had arrived is kept.'
        : 'You stopped the stream. What had arrived is kept.',
      short: 'stopped',
    };
  }
  if (status !== 'error' || !error) return undefined;
  if (error instanceof HTTPError) {
    return {
      tone: 'error',
      title: `The API answered HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`,
      detail: bodyMessage(error.body) || 'No stream was started.',
      short: `HTTP ${error.status}`,
    };
  }
  if (error instanceof TruncatedError) {
    return {
      tone: 'error',
      title: 'The response was cut off',
      detail: `${error.message}. The JSON ended before it was complete; the fields that arrived are kept.`,
      short: 'truncated',
    };
  }
  if (error.name === 'ValidationError') {
    return {
      tone: 'error',
      title: 'The result does not match the schema',
      detail: `${plural(issueCount, 'value')} failed validation; each is marked where it appears.`,
      short: 'invalid',
    };
  }
  if (error.name === 'NetworkError') {
    return {
      tone: 'error',
      title: 'The connection was lost',
      detail: 'The stream stopped before it finished. What had arrived is kept; try again.',
      short: 'connection lost',
    };
  }
  if (error.name === 'RefusalError') {
    return { tone: 'error', title: 'The model refused', detail: error.message, short: 'refused' };
  }
  if (error instanceof ProviderError) {
    return {
      tone: 'error',
      title: 'The provider reported an error mid-stream',
      detail: `${error.message} (${error.type}). What had arrived is kept.`,
      short: 'provider error',
    };
  }
  return {
    tone: 'error',
    title: 'The stream failed',
    detail: `${error.name}: ${error.message}`,
    short: 'failed',
  };
}

/** The polite status line: progress while streaming, then how it ended. `reconnects`: the attempt under way. */
export function statusText(
  status: StreamStatus,
  count: number,
  outcome: Outcome | undefined,
  reconnects = 0,
): string {
  const people = plural(count, 'participant');
  switch (status) {
    case 'idle':
      return 'Ready';
    case 'streaming':
      return count === 0 ? 'Streaming…' : `${people} so far`;
    case 'reconnecting':
      // One line at any width (the banner says what is kept): a reconnect moves nothing.
      return `Reconnecting (attempt ${Math.max(1, reconnects)})…`;
    case 'success':
      return `Done: ${people}`;
    case 'aborted':
      return `Stopped: ${people} kept`;
    case 'error':
      return `Failed (${outcome?.short ?? 'error'}): ${people} kept`;
  }
}
