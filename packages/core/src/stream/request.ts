import type { FetchFunction } from '../decode/resume.ts';
import type { StreamSource } from '../decode/source.ts';
import { NetworkError, PartialKitError } from '../errors.ts';
import type { Fetcher } from './stream-store.ts';

/**
 * Starts a store's request: GETs `resumeUrl` when given (resuming a stream), else calls the fetcher,
 * or POSTs `input` as JSON when it is a URL (no body for `undefined`).
 */
export async function fetchSource<I>(
  fetcher: Fetcher<I> | string,
  request: FetchFunction,
  input: I | undefined,
  signal: AbortSignal,
  resumeUrl?: string,
): Promise<StreamSource> {
  let source: unknown;
  if (resumeUrl || typeof fetcher === 'string') {
    // Serialized first: an input JSON cannot hold (a bigint, a cycle) is the app's error, not the network's.
    const body = resumeUrl ? '' : jsonOf(input);
    try {
      source = resumeUrl
        ? await request(resumeUrl, { headers: { accept: 'text/event-stream' }, signal })
        : await postJson(request, fetcher as string, body, signal);
    } catch (error) {
      // fetch rejects with a bare TypeError when the network fails.
      if (error instanceof TypeError && !signal.aborted) throw new NetworkError(error, 'The request failed');
      throw error;
    }
  } else {
    // The app's own fetcher: what it throws is its own (a TypeError of its code is not a lost
    // connection), passed on as it is.
    source = await fetcher(input as I, { signal });
  }
  // `textOf` names what an object is not; a primitive (`42`, a forgotten `return`) fails here.
  if (source === null || typeof source !== 'object') {
    const what = source === undefined ? 'undefined' : `${typeof source} ${String(source).slice(0, 40)}`;
    throw new PartialKitError(
      `The fetcher returned ${what}: expected a Response, a ReadableStream or an (async) iterable of text or bytes`,
    );
  }
  return source as StreamSource;
}

/** What a store shows as its `error`: an Error, whatever was thrown. */
export function asError(caught: unknown): Error {
  if (caught instanceof Error) return caught;
  return new PartialKitError(String(caught));
}

function jsonOf(input: unknown): string | undefined {
  try {
    return JSON.stringify(input);
  } catch (error) {
    throw new PartialKitError(
      `The input cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function postJson(
  request: FetchFunction,
  url: string,
  body: string | undefined,
  signal: AbortSignal,
): Promise<Response> {
  const accept = 'text/event-stream, application/x-ndjson, application/json, text/plain';
  // `submit()` with no input (undefined has no JSON) posts no body, and so declares no JSON.
  const headers: Record<string, string> =
    body === undefined ? { accept } : { 'content-type': 'application/json', accept };
  return request(url, { method: 'POST', headers, body: body ?? null, signal });
}
