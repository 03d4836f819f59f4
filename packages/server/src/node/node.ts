import type { IncomingMessage, ServerResponse } from 'node:http';

/** Writes a web `Response` to Node's `ServerResponse`; a client disconnect cancels the body (and so the upstream). */
export async function sendNodeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  res.writeHead(response.status, response.statusText, headers);
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => {
    if (!res.writableFinished) reader.cancel(new Error('The client disconnected')).catch(() => {});
  };
  res.on('close', onClose);
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}

/** A web `Request` for a Node request, whose `signal` aborts when the client goes away. */
export function toWebRequest(req: IncomingMessage, res: ServerResponse): Request {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('The client disconnected'));
  });
  const host = req.headers.host ?? 'localhost';
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`http://${host}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    signal: controller.signal,
    ...(hasBody && {
      body: new ReadableStream<Uint8Array>({
        start(c) {
          req.on('data', (chunk: Buffer) => c.enqueue(new Uint8Array(chunk)));
          req.on('end', () => c.close());
          req.on('error', (e) => c.error(e));
        },
      }),
      duplex: 'half',
    }),
  } as RequestInit);
}

/** Adapts a fetch-style handler (`(request) => Response`) to Node's `http.createServer`. */
export function toNodeHandler(
  handler: (request: Request) => Response | Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const request = toWebRequest(req, res);
    Promise.resolve()
      .then(() => handler(request))
      .then((response) => sendNodeResponse(res, response))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
  };
}
