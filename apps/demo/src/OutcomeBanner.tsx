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
    <div className={`outcome ${outcome.tone}`} data-testid="outcome" data-error={error?.name}>
      <p className="outcome-title">{outcome.title}</p>
      <p className="outcome-detail">{outcome.detail}</p>
    </div>
  );
}
