import { PartialKitError } from '@partialkit/core';

/**
 * A recording (or a plain body given as one) that cannot be replayed. `source` names the file (or
 * `recording` for one built in code) and `line` the 1-based line at fault, when there is one.
 */
export class RecordingError extends PartialKitError {
  override name = 'RecordingError';
  constructor(
    readonly source: string,
    readonly line: number | undefined,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${source}${line === undefined ? '' : ` line ${line}`}: ${problem}`, options);
  }
}

/** A replay option (or the CLI flag behind it) that is out of range: refused before anything is served. */
export class ReplayOptionError extends PartialKitError {
  override name = 'ReplayOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
    /** The whole message, when the default (`<option> must be <expected>, got <value>`) does not fit. */
    message?: string,
  ) {
    super(
      message ??
        `${option} must be ${expected}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    );
  }
}
