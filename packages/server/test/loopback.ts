/** Real HTTP servers on 127.0.0.1 for the fault-injection tests, closed (connections and all) after each test. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** Servers listened on in this test file; `afterEach` closes them with their open connections. */
export function loopback(): { listen(server: Server): Promise<number> } {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (s) =>
          new Promise<void>((r) => {
            s.closeAllConnections();
            s.close(() => r());
          }),
      ),
    );
  });
  return {
    async listen(server) {
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return (server.address() as AddressInfo).port;
    },
  };
}

/** Resolves when `condition` holds, polling every 5 ms; rejects naming `what` after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 2000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= ms) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
