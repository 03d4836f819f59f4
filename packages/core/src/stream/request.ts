import type { StreamSource } from '../decode/source.ts';
import { NetworkError, PartialKitError } from '../errors.ts';
import type { Fetcher } from './partial-object-store.ts';

/** Starts a store's request: calls the fetcher, or POSTs `input` as JSON when it is a URL. */
export async function fetchSource<I>(
  fetcher: Fetcher<I> | string,
  input: I,
  signal: AbortSignal,
): Promise<StreamSource> {
  try {
    return typeof fetcher === 'string'
      ? await postJson(fetcher, input, signal)
      : await fetcher(input, { signal });
  } catch (error) {
    // fetch rejects with a bare TypeError when the network fails.
    if (error instanceof TypeError && !signal.aborted) throw new NetworkError(error);
    throw error;
  }
}

/** What a store shows as its `error`: an Error, whatever was thrown. */
export function asError(caught: unknown): Error {
  if (caught instanceof Error) return caught;
  return new PartialKitError(String(caught));
}

function postJson(url: string, input: unknown, signal: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream, application/x-ndjson, application/json, text/plain',
    },
    body: JSON.stringify(input),
    signal,
  });
}
