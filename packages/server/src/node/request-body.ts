import type { IncomingMessage } from 'node:http';
import { NetworkError } from '@partialkit/core';
import { RequestError } from './request-error.ts';

/** How far the body is read ahead of the handler: the socket is paused beyond it. */
const READ_AHEAD = 64 * 1024;

export interface RequestBody {
  readonly stream: ReadableStream<Uint8Array>;
  /** True once more than `maxBodySize` bytes arrived (the stream then failed with a 413 `RequestError`). */
  readonly overLimit: boolean;
  /** After the response: drops what the handler left unread, so the connection can carry the next request. */
  discard(): void;
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
  const onError = (error: Error) => fail(new NetworkError(error));
  const onClose = () => {
    if (!req.complete)
      fail(new NetworkError(new Error('The client disconnected before the end of the body')));
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
    discard() {
      if (req.complete || req.destroyed) return;
      detach();
      // Still bounded: a client that keeps sending past the limit loses its connection.
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBodySize && !overLimit) req.destroy();
      });
      req.on('error', () => {});
      req.resume();
    },
  };
}
