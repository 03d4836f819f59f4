/**
 * Reports an error thrown by a user callback without letting it change the stream: the host's
 * `reportError` (browsers, Deno, Bun) or `console.error` (Node, which has no `reportError`).
 */
export function reportCallbackError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}
