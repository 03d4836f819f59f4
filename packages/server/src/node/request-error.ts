import { PartialKitError } from '@partialkit/core';

/**
 * A request the Node adapter cannot pass on: a Host header or target that is no valid URL (400), a
 * method the web `Request` forbids (501), a body over `maxBodySize` (413). `status` is the answer.
 */
export class RequestError extends PartialKitError {
  override name = 'RequestError';
  constructor(
    readonly status: 400 | 413 | 501,
    message: string,
  ) {
    super(message);
  }
}
