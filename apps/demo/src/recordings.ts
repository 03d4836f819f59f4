/** The recordings' bytes (Vite `?raw` imports), for the demo's API route and for Storybook. */
import conference from '@partialkit/test-utils/fixtures/conference-extraction.sse?raw';
import httpError from '@partialkit/test-utils/fixtures/conference-http-429.rec.jsonl?raw';
import truncated from '@partialkit/test-utils/fixtures/conference-length-truncated.sse?raw';
import providerError from '@partialkit/test-utils/fixtures/conference-provider-error-midstream.sse?raw';
import validation from '@partialkit/test-utils/fixtures/conference-validation-failure.sse?raw';
import type { ScenarioId } from './scenarios.ts';

export const RECORDINGS: Readonly<Record<ScenarioId, string>> = {
  conference,
  'provider-error': providerError,
  truncated,
  validation,
  'http-error': httpError,
  dropped: conference,
};

/** Untimed recordings (plain `.sse`) replay at this pace at 1×: about a model's token rate. */
export const MS_PER_EVENT = 40;
