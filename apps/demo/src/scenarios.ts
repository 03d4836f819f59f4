/**
 * The recordings the demo can replay, with the input each one answers. Browser-safe and small: the
 * recordings' bytes live in `recordings.ts`, which only the server and Storybook import.
 */
import { MEETING_TEXT } from '@partialkit/test-utils/conference';

export type ScenarioId =
  | 'conference'
  | 'provider-error'
  | 'truncated'
  | 'validation'
  | 'http-error'
  | 'dropped';

export interface Scenario {
  id: ScenarioId;
  label: string;
  /** What the recording shows, in one sentence. */
  description: string;
  /** The notes the recorded model answered. */
  input: string;
  /** How the stream ends: `'success'`, or the error class the page should show. */
  ends: 'success' | 'ProviderError' | 'TruncatedError' | 'ValidationError' | 'HTTPError' | 'NetworkError';
}

const INVALID_TEXT = MEETING_TEXT.replace('jane.smith@example.com', 'not-an-email')
  .replace('March 15th, 2024', '2024-13-45')
  .replace('$50,000', '$12.5');

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'conference',
    label: 'Conference extraction',
    description: 'The full extraction: three participants, then the meeting details.',
    input: MEETING_TEXT,
    ends: 'success',
  },
  {
    id: 'provider-error',
    label: 'Provider error mid-stream',
    description: 'OpenAI reports a server_error while the third participant streams.',
    input: MEETING_TEXT,
    ends: 'ProviderError',
  },
  {
    id: 'truncated',
    label: 'Truncated (token limit)',
    description: 'The response stops with finish_reason "length" inside the third participant.',
    input: MEETING_TEXT,
    ends: 'TruncatedError',
  },
  {
    id: 'validation',
    label: 'Validation failure',
    description: 'Well-formed JSON whose email, date and budget break the schema.',
    input: INVALID_TEXT,
    ends: 'ValidationError',
  },
  {
    id: 'http-error',
    label: 'HTTP 429 (rate limit)',
    description: 'The API refuses the request before any stream starts.',
    input: MEETING_TEXT,
    ends: 'HTTPError',
  },
  {
    id: 'dropped',
    label: 'Dropped connection',
    description: 'The full extraction served without resume: the server drops the connection half-way.',
    input: MEETING_TEXT,
    ends: 'NetworkError',
  },
];

export function scenario(id: string | undefined): Scenario {
  return SCENARIOS.find((s) => s.id === id) ?? (SCENARIOS[0] as Scenario);
}
