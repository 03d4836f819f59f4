import type { IncomingMessage, ServerResponse } from 'node:http';
import { NetworkError } from '@partialkit/core';
import { RequestError } from './request-error.ts';

/** How far the body is read ahead of the handler: the socket is paused beyond it. */
const READ_AHEAD = 64 * 1024;

export interface RequestBody {
  readonly stream: ReadableStream<Uint8Array>;
  /** True once more than `maxBodySize` bytes arrived (the stream then failed with a 413 `RequestError`). */
  readonly overLimit: boolean;
  /** The `NetworkError` the stream failed with when the connection was lost mid-body (the client left). */
  readonly lost: NetworkError | undefined;
  /**
   * After the response: drops what the handler left unread, so the connection can carry the next
   * request; past `maxBodySize` the connection is closed once `res` is sent instead.
   */
  discard(res: ServerResponse): void;
}

/** Closes the connection of `req` once `res` is out: cut earlier, the client would lose the answer. */
function closeAfter(req: IncomingMessage, res: ServerResponse): void {
  req.pause();
  if (res.writableFinished || res.destroyed) req.destroy();
  else res.once('finish', () => req.destroy());
}

/**
 * Bounds a body the handler never gets (a GET's or HEAD's: no web `Request` carries one). Node would
 * drain it to its end after the response, however long; it is dropped as it comes instead, and past
 * `maxBodySize` the socket is paused and the connection closed once `res` is sent, as for an unread POST.
 */
export function ignoredBody(req: IncomingMessage, res: ServerResponse, maxBodySize: number): void {
  req.on('error', () => {});
  if (maxBodySize < 0) {
    closeAfter(req, res);
    return;
  }
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= maxBodySize) return;
    req.off('data', onData);
    closeAfter(req, res);
  };
  req.on('data', onData);
  req.resume();
}

/**
 * The request body as a web stream that reads the socket only as fast as the handler consumes it
 * (the socket is paused while the stream's queue is full), failing with a 413 `RequestError` once
 * more than `maxBodySize` bytes arrive.
 */
export function requestBody(req: IncomingMessage, maxBodySize: number): RequestBody {
  let received = 0;
  let settled = false;
  let overLimit = false;
  let lost: NetworkError | undefined;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const detach = () => {
    settled = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    detach();
    controller?.error(error);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBodySize) {
      overLimit = true;
      req.pause();
      fail(new RequestError(413, `The request body exceeds maxBodySize (${maxBodySize} bytes)`));
      return;
    }
    controller?.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller?.desiredSize ?? 0) <= 0) req.pause();
  };
  const onEnd = () => {
    if (settled) return;
    detach();
    controller?.close();
  };
  const loseConnection = (error: NetworkError) => {
    if (settled) return;
    lost = error;
    fail(error);
  };
  const onError = (error: Error) => loseConnection(new NetworkError(error));
  const onClose = () => {
    if (!req.complete)
      loseConnection(new NetworkError(new Error('The client disconnected before the end of the body')));
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        if (req.readableEnded) {
          settled = true;
          c.close();
          return;
        }
        // Paused before the listener is attached, so attaching it does not start the flow.
        req.pause();
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('error', onError);
        req.on('close', onClose);
      },
      pull() {
        if (!settled) req.resume();
      },
      cancel() {
        detach();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: READ_AHEAD }),
  );
  return {
    stream,
    get overLimit() {
      return overLimit;
    },
    get lost() {
      return lost;
    },
    discard(res) {
      if (req.complete || req.destroyed) return;
      detach();
      // Still bounded by what is left of the limit; over it already (a handler may have caught the 413
      // and answered), nothing more is read.
      ignoredBody(req, res, maxBodySize - received);
    },
  };
}
