/**
 * The responses the demo's server is sending, by stream id, so the page's "Drop connection" control can
 * cut them for real: the body errors, the Node server destroys the socket mid-body, and the browser's
 * fetch fails with `TypeError: network error` exactly as when a network drops. The resume store keeps
 * the generation running, so the page's store reconnects and gets the rest.
 */
import { STREAM_ID_HEADER } from '@partialkit/core';

export class LiveConnections {
  private readonly byId = new Map<string, Set<(reason: Error) => void>>();

  /** The response, with a body that {@link drop} can cut; a response without a stream id is returned as is. */
  track(response: Response): Response {
    const id = response.headers.get(STREAM_ID_HEADER);
    if (!id || !response.body) return response;
    const reader = response.body.getReader();
    const cuts = this.byId.get(id) ?? new Set();
    this.byId.set(id, cuts);
    let over = false;
    const end = () => {
      over = true;
      cuts.delete(cut);
      if (cuts.size === 0 && this.byId.get(id) === cuts) this.byId.delete(id);
    };
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const cut = (reason: Error) => {
      if (over) return;
      end();
      controller.error(reason);
      reader.cancel(reason).catch(() => {});
    };
    cuts.add(cut);
    const body = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
        },
        pull: async (c) => {
          const next = await reader.read().catch((error: unknown) => {
            if (!over) c.error(error);
            end();
            return undefined;
          });
          if (over || !next) return;
          if (next.done) {
            end();
            c.close();
          } else c.enqueue(next.value);
        },
        cancel: (reason) => {
          end();
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, headers: response.headers });
  }

  /** Cuts every response of stream `id` now being sent; how many there were. */
  drop(id: string): number {
    const cuts = [...(this.byId.get(id) ?? [])];
    for (const cut of cuts) cut(new Error('The demo dropped the connection'));
    return cuts.length;
  }
}
