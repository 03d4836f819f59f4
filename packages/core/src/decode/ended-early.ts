import { NetworkError } from '../errors.ts';

/**
 * The error of a provider stream whose body ended (a proxy or a dropped connection closing it cleanly)
 * before the event that ends every such stream, `final`: a {@link NetworkError}, as partialkit's own
 * protocol without its `done` event is. Read as a success, the cut text would pass for the whole answer.
 */
export function endedEarly(final: string): NetworkError {
  return new NetworkError(new Error(`the stream ended before the provider's final event (${final})`));
}
