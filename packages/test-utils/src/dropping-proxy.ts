/**
 * A TCP proxy on 127.0.0.1 that cuts every connection after a number of response bytes, as a lift,
 * a sleeping laptop or an idle-timeout proxy would: the client sees its body end mid-stream. Given a
 * function for its target, it is also a load balancer that picks a server per connection.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface DroppingProxy {
  readonly url: string;
  /** Connections made through the proxy so far, and how many of them it cut. */
  readonly connections: number;
  readonly drops: number;
  close(): Promise<void>;
}

export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * `cutAfter(n)` gives the byte count after which the n-th connection (0-based) is cut; undefined = never.
 * `target` is the server, or `(n) => server` for the n-th connection (see {@link roundRobin}).
 */
export async function startDroppingProxy(
  target: ProxyTarget | ((connection: number) => ProxyTarget),
  cutAfter: (connection: number) => number | undefined,
): Promise<DroppingProxy> {
  let connections = 0;
  let drops = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const n = connections++;
    const limit = cutAfter(n);
    const upstream = createConnection(typeof target === 'function' ? target(n) : target);
    sockets.add(client);
    sockets.add(upstream);
    let sent = 0;
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (limit === undefined || sent + chunk.length <= limit) {
        sent += chunk.length;
        client.write(chunk);
        return;
      }
      client.write(chunk.subarray(0, limit - sent), () => {
        drops++;
        cut();
      });
      sent = limit;
      upstream.pause();
    });
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', () => {
      upstream.destroy();
      sockets.delete(client);
    });
    upstream.on('close', () => {
      client.end();
      sockets.delete(upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get drops() {
      return drops;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Each new connection goes to the next server in turn: with two, every connection lands on the other one. */
export function roundRobin(targets: readonly ProxyTarget[]): (connection: number) => ProxyTarget {
  if (targets.length === 0) throw new RangeError('roundRobin needs at least one target');
  return (connection) => targets[connection % targets.length]!;
}

/** A deterministic sequence of cut points from `seed`, `min` to `min + spread` bytes (default 400–1 800). */
export function cutPoints(seed: number, min = 400, spread = 1400): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return min + (s % spread);
  };
}
