import { ProviderError } from '../errors.ts';

/**
 * The error of a response that finished without the choice (Gemini: candidate) that `choice` asks for,
 * though it had others: read as JSON, its empty text would look like a cut stream.
 */
export function missingChoice(choice: number, others: readonly number[]): ProviderError {
  const has = others.length === 1 ? `choice ${others[0]}` : `choices ${others.join(', ')}`;
  return new ProviderError(
    'choice_missing',
    `The response has no choice ${choice} (counting from 0): it has ${has}`,
  );
}
