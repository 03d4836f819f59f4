/** Base class of every error partialkit throws, so callers can catch them all with one `instanceof`. */
export class PartialKitError extends Error {
  override name = 'PartialKitError';
}

/** The text is not valid JSON (or exceeds a configured bound). `position` is the offset in the whole stream. */
export class PartialJSONError extends PartialKitError {
  override name = 'PartialJSONError';
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

/** One validation issue, with `path` measured from the root of the streamed value. */
export interface PartialIssue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly code: string;
}

/** The complete JSON did not satisfy the schema. `value` is the raw (unvalidated) JSON value. */
export class ValidationError extends PartialKitError {
  override name = 'ValidationError';
  readonly issues: readonly PartialIssue[];
  readonly value: unknown;
  constructor(issues: readonly PartialIssue[], value: unknown) {
    super(`Validation failed: ${issues.map(formatIssue).join('; ')}`);
    this.issues = issues;
    this.value = value;
  }
}

function formatIssue(issue: PartialIssue): string {
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}
