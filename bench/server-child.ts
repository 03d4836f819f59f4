/**
 * The server under measurement, in its own process (run with --expose-gc): a real node:http server on
 * 127.0.0.1 with `toNodeHandler`, each request answered by `toPartialResponse` over an upstream that sends
 * half of a small document, then waits at a gate until the parent has measured the heap with every stream
 * open, then sends the rest.
 */
import { createServer } from 'node:http';
import { toPartialResponse } from '@partialkit/server';
import { toNodeHandler } from '@partialkit/server/node';
import { chunksOf, llmDocument } from '@partialkit/test-utils/harness';

type Command =
  | { type: 'expect'; count: number }
  | { type: 'measure' }
  | { type: 'release' }
  | { type: 'exit' };

const chunks = chunksOf(llmDocument(2_000), 4);
const half = chunks.length >> 1;
let release!: () => void;
let gate = new Promise<void>((resolve) => {
  release = resolve;
});
let parked = 0;
let expected = 0;

async function* upstream(): AsyncGenerator<string> {
  for (let i = 0; i < half; i++) yield chunks[i]!;
  if (++parked === expected) process.send!({ type: 'parked' });
  await gate;
  for (let i = half; i < chunks.length; i++) yield chunks[i]!;
}

const server = createServer(
  toNodeHandler((request) => toPartialResponse(upstream(), { signal: request.signal, heartbeatMs: 60_000 })),
);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('server-child: no address');
  process.send!({ type: 'listening', port: address.port });
});

const heap = () => {
  globalThis.gc!();
  globalThis.gc!();
  return process.memoryUsage();
};

process.on('message', (m: Command) => {
  if (m.type === 'expect') {
    expected = m.count;
    parked = 0;
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { heapUsed, rss } = heap();
    process.send!({ type: 'baseline', heapUsed, rss });
  } else if (m.type === 'measure') {
    const { heapUsed, rss } = heap();
    process.send!({ type: 'heap', heapUsed, rss });
  } else if (m.type === 'release') release();
  else {
    server.close();
    process.exit(0);
  }
});
