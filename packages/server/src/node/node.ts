import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
import { ignoredBody, type RequestBody, requestBody } from './request-body.ts';
import { RequestError } from './request-error.ts';

export interface NodeRequestOptions {
  /**
   * Largest request body accepted, in bytes (default 16 MiB; `Infinity` for no limit). A larger
   * `content-length` is refused at once; a body that grows past it fails with a 413 `RequestError`.
   * A body left unread (a GET's or HEAD's always is) is not read past it: the connection is closed
   * once the response is sent.
   */
  maxBodySize?: number | undefined;
}

export interface SendNodeResponseOptions {
  /**
   * Told of the error a response's body failed with mid-stream (its own bug, an upstream cut): the
   * connection is closed then, so the client sees a cut response. Not told of a client that left.
   * Default for `toNodeHandler`: its `onError`; for `sendNodeResponse`: nothing.
   */
  onError?: ((error: unknown) => void) | undefined;
}

export interface NodeHandlerOptions extends NodeRequestOptions {
  /**
   * Told of an exception the handler threw (the client gets a bare 500, never its message), and of a
   * response body that failed mid-stream (the connection is closed); not of the abort a client that
   * left causes. Default: `console.error`.
   */
  onError?: ((error: unknown) => void) | undefined;
}

/** Calls an app's error callback: neither its exception nor its rejected promise may end the process. */
function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    // An async logger (`(error) => void` accepts one) may reject: that must not end the process either.
    Promise.resolve(onError?.(error)).catch(() => {});
  } catch {
    // a failing logger must not take the server down
  }
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
/** Methods the fetch standard forbids in a `Request`. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

function maxBodySizeOf(options: NodeRequestOptions | undefined): number {
  const max = options?.maxBodySize ?? DEFAULT_MAX_BODY;
  if (typeof max !== 'number' || Number.isNaN(max) || max < 0) {
    throw new TypeError(`maxBodySize must be a number ≥ 0 or Infinity, got ${String(max)}`);
  }
  return max;
}

/** Waits until `res` can take more, or is gone; the listeners are removed either way. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Node's own fetch (undici) decodes zstd from 7.11 on, where `node:zlib` has it. */
const FETCH_DECODES_ZSTD = (() => {
  const [major = 0, minor = 0] = (process.versions.undici ?? '').split('.').map(Number);
  return 'createZstdDecompress' in zlib && (major > 7 || (major === 7 && minor >= 11));
})();

/**
 * Whether `fetch` decoded the body of `response`, so its `content-encoding` and `content-length`
 * describe bytes no longer there. Only fetch sets `url` (a Response the app builds has `''`, and its
 * body is what it says); fetch decodes only when it knows every coding listed, as undici does.
 */
function decodedByFetch(response: Response): boolean {
  const encoding = response.headers.get('content-encoding');
  if (response.url === '' || response.body === null || encoding === null) return false;
  return encoding
    .toLowerCase()
    .split(',')
    .every((coding) => {
      const c = coding.trim();
      return (
        c === 'gzip' ||
        c === 'x-gzip' ||
        c === 'deflate' ||
        c === 'br' ||
        (c === 'zstd' && FETCH_DECODES_ZSTD)
      );
    });
}

/** Headers that describe one connection (RFC 9110 §7.6.1): Node frames and keeps its own. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/**
 * The hop-by-hop headers of a Response, with those its `connection` header names. An upstream's
 * `connection: close` or `keep-alive: timeout=5` passed through would close or misdescribe the client's
 * connection to this server.
 */
function hopByHopOf(headers: Headers): Set<string> {
  const names = new Set(HOP_BY_HOP);
  for (const name of (headers.get('connection') ?? '').split(',')) {
    const n = name.trim().toLowerCase();
    if (n) names.add(n);
  }
  return names;
}

/**
 * Writes a web `Response` to Node's `ServerResponse`; a client disconnect cancels the body (and so the
 * upstream). A Response from `fetch` whose body fetch decoded is sent without its upstream
 * `content-encoding` and `content-length`; a Response you build is sent as its headers say. Hop-by-hop
 * headers (`connection`, `keep-alive`, `transfer-encoding`, … and those `connection` names) are dropped:
 * they describe the upstream's connection, not this one.
 */
export async function sendNodeResponse(
  res: ServerResponse,
  response: Response,
  options?: SendNodeResponseOptions,
): Promise<void> {
  // No prototype: a header named `__proto__` is a header like any other.
  const headers: Record<string, string | string[]> = Object.create(null);
  const hopByHop = hopByHopOf(response.headers);
  response.headers.forEach((value, key) => {
    if (!hopByHop.has(key)) headers[key] = value;
  });
  if (decodedByFetch(response)) {
    delete headers['content-encoding'];
    delete headers['content-length'];
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  try {
    if (response.statusText) res.writeHead(response.status, response.statusText, headers);
    else res.writeHead(response.status, headers);
    res.flushHeaders();
  } catch (error) {
    await response.body?.cancel(error).catch(() => {});
    res.destroy();
    return;
  }
  // A HEAD answer (or a status without content) sends no byte of the body: it is released, not read to
  // its end (a model call, a paced replay) while the connection waits.
  const bodiless = res.req?.method === 'HEAD' || response.status === 204 || response.status === 304;
  if (!response.body || bodiless) {
    res.end();
    // Not awaited: a body whose cancel is slow must not hold the answer (or the connection's next one).
    response.body?.cancel().catch(() => {});
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => {
    if (!res.writableFinished) reader.cancel(new Error('The client disconnected')).catch(() => {});
  };
  // A client that left while the handler ran closed the socket already: 'close' will not come again.
  if (res.destroyed) {
    onClose();
    return;
  }
  res.on('close', onClose);
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel(new Error('The client disconnected')).catch(() => {});
        return;
      }
      if (!res.write(value) && !res.destroyed) await drained(res);
    }
    res.end();
  } catch (error) {
    // A client that left first made the failure (its abort reached the upstream): nothing to report.
    const left = res.destroyed;
    res.destroy();
    if (!left) report(options?.onError, error);
  } finally {
    res.off('close', onClose);
  }
}

function requestURL(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  const host = req.headers.host ?? 'localhost';
  // A Host with a path, query or credentials in it would move the URL elsewhere: refuse it.
  if (/[\s/?#@\\]/.test(host) || host === '') {
    throw new RequestError(400, `Invalid Host header: ${JSON.stringify(host.slice(0, 100))}`);
  }
  let url: URL;
  try {
    url = new URL(target.startsWith('/') ? `http://${host}${target}` : target);
  } catch {
    throw new RequestError(
      400,
      `Invalid request target or Host header: ${JSON.stringify(`${host} ${target}`.slice(0, 200))}`,
    );
  }
  // A web Request refuses a URL with credentials, as it refuses any scheme but these.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new RequestError(400, `Invalid request target: ${JSON.stringify(target.slice(0, 100))}`);
  }
  return url;
}

function webRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeRequestOptions | undefined,
): { request: Request; body: RequestBody | undefined } {
  const maxBodySize = maxBodySizeOf(options);
  const method = req.method ?? 'GET';
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
    throw new RequestError(501, `The method ${method} is not supported`);
  }
  const url = requestURL(req);
  const declared = Number(req.headers['content-length']);
  if (declared > maxBodySize) {
    throw new RequestError(413, `The request body exceeds maxBodySize (${maxBodySize} bytes)`);
  }
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    // Node has validated the names; a value fetch refuses (a stray byte) is dropped, not fatal.
    try {
      if (Array.isArray(value)) for (const v of value) headers.append(key, v);
      else if (value !== undefined) headers.set(key, value);
    } catch {}
  }
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('The client disconnected'));
  });
  const passesBody = method !== 'GET' && method !== 'HEAD';
  const body = passesBody ? requestBody(req, maxBodySize) : undefined;
  if (!passesBody && (req.headers['transfer-encoding'] !== undefined || declared > 0)) {
    ignoredBody(req, res, maxBodySize);
  }
  const request = new Request(url, {
    method,
    headers,
    signal: controller.signal,
    ...(body && { body: body.stream, duplex: 'half' }),
  } as RequestInit);
  return { request, body };
}

/**
 * A web `Request` for a Node request, whose `signal` aborts when the client goes away. The body is read
 * from the socket only as fast as it is consumed. Throws a `RequestError` (with the status to answer)
 * for a request no web `Request` can represent: a Host header or target that is no valid URL, a method
 * fetch forbids (`TRACE`…), a `content-length` over `maxBodySize`. Called by `toNodeHandler` inside its
 * promise chain; call it inside a `try` of your own, since the input is the client's.
 */
export function toWebRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options?: NodeRequestOptions,
): Request {
  return webRequest(req, res, options).request;
}

function answer(res: ServerResponse, status: number, text: string, close: boolean): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      ...(close && { connection: 'close' }),
    });
    res.end(text);
  } catch {
    res.destroy();
  }
}

/**
 * Adapts a fetch-style handler (`(request) => Response`) to Node's `http.createServer`. A request that
 * cannot be represented gets its 400, 413 or 501; an exception from the handler gets a bare 500 (the
 * error goes to `onError`). The server keeps serving either way.
 */
export function toNodeHandler(
  handler: (request: Request) => Response | Promise<Response>,
  options?: NodeHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  maxBodySizeOf(options);
  const onError = options?.onError ?? ((error: unknown) => console.error(error));
  return (req, res) => {
    let body: RequestBody | undefined;
    let signal: AbortSignal | undefined;
    Promise.resolve()
      .then(() => {
        const made = webRequest(req, res, options);
        body = made.body;
        signal = made.request.signal;
        return handler(made.request);
      })
      .then((response) => sendNodeResponse(res, response, { onError }))
      .catch((error: unknown) => {
        // The client went away and the handler's work aborted with it: nobody to answer, nothing to report.
        if (res.destroyed && signal?.aborted && error === signal.reason) return;
        // So did a client that left mid-upload: the body's read failed with the lost connection.
        if (body?.lost && error === body.lost) {
          res.destroy();
          return;
        }
        if (body?.overLimit || (error instanceof RequestError && error.status === 413)) {
          answer(res, 413, 'Payload Too Large', true);
        } else if (error instanceof RequestError) {
          answer(res, error.status, error.message, true);
        } else {
          report(onError, error);
          answer(res, 500, 'Internal Server Error', false);
        }
      })
      .finally(() => body?.discard(res));
  };
}
