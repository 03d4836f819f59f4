/** Review harness (not a test): a resumable app on 127.0.0.1 whose generation the test controls. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '../node/node.ts';
import { cancelResponse, type GenerationContext, resumeOffset, resumeResponse, toResumableResponse } from './resumable.ts';
import type { ResumeStore } from './resume-store.ts';

export interface ReviewApp {
  server: Server;
  port: number;
  base: string;
  calls: number;
  aborted: number;
  ids: string[];
  requests: string[];
  close(): Promise<void>;
}

export type Generation = (context: GenerationContext) => AsyncIterable<string>;

export async function startReviewApp(
  store: ResumeStore,
  generation: Generation,
  options: { resumeDelayMs?: () => number; heartbeatMs?: number } = {},
): Promise<ReviewApp> {
  const app = { calls: 0, aborted: 0, ids: [] as string[], requests: [] as string[] } as ReviewApp;
  const handler = toNodeHandler(async (request) => {
    const { pathname } = new URL(request.url);
    const id = decodeURIComponent(pathname.split('/')[2] ?? '');
    app.requests.push(`${request.method} ${pathname} ${request.headers.get('last-event-id') ?? '-'}`);
    if (request.method === 'POST') {
      return toResumableResponse(
        (context) => {
          app.calls++;
          app.ids.push(context.id);
          context.signal.addEventListener('abort', () => app.aborted++);
          return generation(context);
        },
        { store, request, resumeUrl: (streamId) => `/s/${encodeURIComponent(streamId)}`, heartbeatMs: options.heartbeatMs },
      );
    }
    if (!id) return new Response('not found', { status: 404 });
    if (request.method === 'DELETE') return cancelResponse(id, { store });
    const delay = options.resumeDelayMs?.() ?? 0;
    if (delay) await new Promise((r) => setTimeout(r, delay));
    return resumeResponse(id, resumeOffset(request), { store, heartbeatMs: options.heartbeatMs });
  });
  app.server = createServer(handler);
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  app.port = (app.server.address() as AddressInfo).port;
  app.base = `http://127.0.0.1:${app.port}`;
  app.close = () =>
    new Promise<void>((r) => {
      app.server.closeAllConnections();
      app.server.close(() => r());
    });
  return app;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(condition: () => boolean, what: string, ms = 3000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= ms) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Deltas as an async iterable, paced by `ms`, honouring the signal. */
export function paced(deltas: readonly string[], ms: number, signal: AbortSignal, fail?: { at: number; error: Error }): AsyncIterable<string> {
  return (async function* () {
    for (let i = 0; i < deltas.length; i++) {
      if (fail && i === fail.at) throw fail.error;
      if (signal.aborted) return;
      if (ms) await sleep(ms);
      yield deltas[i]!;
    }
    if (fail && fail.at >= deltas.length) throw fail.error;
  })();
}
