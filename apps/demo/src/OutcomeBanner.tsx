import type { Outcome } from './meeting/outcome.ts';

/** How a run ended, once: a stop, an HTTP or provider error, a truncation, a dropped connection. */
export function OutcomeBanner({
  outcome,
  error,
}: {
  outcome: Outcome | undefined;
  error: Error | undefined;
}) {
  if (!outcome) return null;
  return (
    // A failure is announced with its details (the status line says only how it ended); a stop is not.
    <div
      className={`outcome ${outcome.tone}`}
      data-testid="outcome"
      data-error={error?.name}
      role={outcome.tone === 'error' ? 'alert' : undefined}
    >
      <p className="outcome-title">{outcome.title}</p>
      <p className="outcome-detail">{outcome.detail}</p>
    </div>
  );
}
