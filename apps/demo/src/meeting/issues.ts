import type { PartialIssue } from '@partialkit/react';

/** The issues whose path is `prefix` followed by one key, by that key (the field of a card or the root). */
export function issuesUnder(
  issues: readonly PartialIssue[],
  prefix: readonly PropertyKey[],
): Map<string, PartialIssue> {
  const out = new Map<string, PartialIssue>();
  for (const issue of issues) {
    if (issue.path.length !== prefix.length + 1) continue;
    if (!prefix.every((p, i) => issue.path[i] === p)) continue;
    const field = String(issue.path[prefix.length]);
    if (!out.has(field)) out.set(field, issue);
  }
  return out;
}

/** A validation issue in words a reader of the page understands (zod's messages are for developers). */
export function issueText(issue: PartialIssue): string {
  const i = issue as PartialIssue & { format?: string; expected?: string };
  if (i.code === 'invalid_format' && i.format === 'email') return 'Not a valid email address';
  if (i.code === 'invalid_format' && i.format === 'date') return 'Not a real date (YYYY-MM-DD)';
  if (i.code === 'invalid_type' && i.expected === 'int') return 'Not a whole number';
  return issue.message;
}
