import type { PartialIssue } from '@partialkit/react';
import type { ReactNode } from 'react';
import { issueText } from './issues.ts';

/** How a value that has not arrived looks: a skeleton while it may still come, "not received" after. */
export type Pending = 'streaming' | 'ended' | 'idle';

export function Skeleton({ width }: { width: string }) {
  return <span className="skeleton" aria-hidden="true" style={{ width }} />;
}

/** A warning mark and the issue in words, beside the value that failed. */
export function IssueNote({ issue }: { issue: PartialIssue }) {
  return (
    <span className="issue-note" data-testid="issue">
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        <path d="M8 1.5 15 14H1z" fill="currentColor" />
        <path d="M8 6v3.5M8 11.2v.3" stroke="#fff" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
      {issueText(issue)}
    </span>
  );
}

/** The content of one field: its value (marked if it failed validation), a skeleton, or "not received". */
export function FieldValue({
  value,
  issue,
  pending,
  skeleton,
}: {
  value: ReactNode | undefined;
  issue: PartialIssue | undefined;
  pending: Pending;
  skeleton: string;
}) {
  if (value === undefined || value === null) {
    if (pending === 'streaming') return <Skeleton width={skeleton} />;
    if (pending === 'ended') return <span className="missing">not received</span>;
    return <span className="missing" aria-hidden="true" />;
  }
  return (
    <>
      <span className={issue ? 'value invalid' : 'value'}>{value}</span>
      {issue && <IssueNote issue={issue} />}
    </>
  );
}
