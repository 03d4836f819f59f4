import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { serveStatic } from './static-files.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

function client(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zz-review-static-'));
  const root = join(dir, 'client');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>page');
  writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'x');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  return root;
}

async function serve(root: string): Promise<string> {
  const server = createServer(serveStatic(root));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('the page reached through /assets/..%2f is not cached as an immutable asset for a year', async () => {
  const base = await serve(client());
  const res = await fetch(`${base}/assets/..%2findex.html`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('<!doctype html>page');
  expect(res.headers.get('cache-control')).toBe('no-cache');
});

it('a symlink under root does not serve a file outside root', async () => {
  const root = client();
  symlinkSync(join(root, '..', 'secret.txt'), join(root, 'assets', 'link.txt'));
  const base = await serve(root);
  const res = await fetch(`${base}/assets/link.txt`);
  expect(await res.text()).not.toBe('secret');
});
