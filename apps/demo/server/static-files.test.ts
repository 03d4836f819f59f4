import { mkdirSync, mkdtempSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { serveStatic } from './static-files.ts';

const PAGE = '<!doctype html><title>demo</title>';
const SCRIPT = 'console.log(1);';

/** A built client as `vite build` leaves it (`index` false: one without index.html), and a sibling folder. */
function client(index = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'partialkit-static-'));
  const root = join(dir, 'client');
  mkdirSync(join(root, 'assets'), { recursive: true });
  if (index) writeFileSync(join(root, 'index.html'), PAGE);
  writeFileSync(join(root, 'assets', 'app-1a2b.js'), SCRIPT);
  // Named like root with a suffix: a prefix check on the path let it through.
  mkdirSync(join(dir, 'client2'));
  writeFileSync(join(dir, 'client2', 'secret.txt'), 'secret');
  return root;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

/** The static handler on 127.0.0.1, as main.ts runs it for every path but /api/. */
async function serve(root: string): Promise<(path: string) => Promise<[number, string, string | null]>> {
  const server = createServer(serveStatic(root));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (path) => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5000) });
    return [response.status, await response.text(), response.headers.get('cache-control')];
  };
}

describe('demo static files never end the process on a request', () => {
  it('answers a malformed escape with a 400, and keeps serving', async () => {
    const get = await serve(client());
    expect((await get('/%E0%A4%A'))[0]).toBe(400);
    expect((await get('/%'))[0]).toBe(400);
    expect(await get('/')).toEqual([200, PAGE, 'no-cache']);
  });

  it('a directory without index.html gets the page, as an unknown path does, revalidated', async () => {
    const get = await serve(client());
    expect(await get('/assets/')).toEqual([200, PAGE, 'no-cache']);
    // A missing hashed asset is no asset: the page standing in for it is never cached as immutable.
    expect(await get('/assets/gone-9z9z.js')).toEqual([200, PAGE, 'no-cache']);
    expect(await get('/talks')).toEqual([200, PAGE, 'no-cache']);
    expect(await get('/assets/app-1a2b.js')).toEqual([200, SCRIPT, 'public, max-age=31536000, immutable']);
  });

  it('with no index.html to stand in, a 404 (never a 200 whose body fails), and keeps serving', async () => {
    const get = await serve(client(false));
    expect((await get('/assets/'))[0]).toBe(404);
    expect((await get('/'))[0]).toBe(404);
    expect((await get('/talks'))[0]).toBe(404);
    expect((await get('/assets/app-1a2b.js'))[0]).toBe(200);
  });

  it('refuses a sibling folder whose name begins with the root folder', async () => {
    const get = await serve(client());
    expect((await get('/..%2fclient2/secret.txt'))[0]).toBe(403);
    expect((await get('/..%2f..%2fetc/hostname'))[0]).toBe(403);
    expect(await get('/')).toEqual([200, PAGE, 'no-cache']);
  });

  it('a link under the root is followed only to a file inside it', async () => {
    const root = client();
    symlinkSync(join(root, '..', 'client2', 'secret.txt'), join(root, 'assets', 'out.txt'));
    symlinkSync(join(root, 'assets', 'app-1a2b.js'), join(root, 'assets', 'in.js'));
    const get = await serve(root);
    expect((await get('/assets/out.txt')).slice(0, 2)).toEqual([403, '']);
    expect(await get('/assets/in.js')).toEqual([200, SCRIPT, 'public, max-age=31536000, immutable']);
  });

  it('a root that is a link re-pointed at a new release serves the new release', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'partialkit-release-'));
    for (const release of ['r1', 'r2']) {
      mkdirSync(join(dir, release));
      writeFileSync(join(dir, release, 'index.html'), release);
    }
    symlinkSync(join(dir, 'r1'), join(dir, 'current'));
    const get = await serve(join(dir, 'current'));
    expect((await get('/')).slice(0, 2)).toEqual([200, 'r1']);
    unlinkSync(join(dir, 'current'));
    symlinkSync(join(dir, 'r2'), join(dir, 'current'));
    expect((await get('/')).slice(0, 2)).toEqual([200, 'r2']);
  });

  it('the page reached through /assets/ is revalidated: caching follows the file served, not the URL', async () => {
    const get = await serve(client());
    expect(await get('/assets/..%2findex.html')).toEqual([200, PAGE, 'no-cache']);
    expect(await get('/assets/app-1a2b.js')).toEqual([200, SCRIPT, 'public, max-age=31536000, immutable']);
  });
});

describe('demo static files are compressed for a client that takes gzip', () => {
  /** The raw answer (node:http, not fetch, which would decode it). */
  async function raw(root: string, path: string, headers: Record<string, string>) {
    const server = createServer(serveStatic(root));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('gzips text when asked, and sends it as it is when gzip is not accepted or refused', async () => {
    const root = client();
    writeFileSync(join(root, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const zipped = await raw(root, '/assets/app-1a2b.js', { 'accept-encoding': 'br, gzip;q=0.8' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(gunzipSync(zipped.body).toString()).toBe(SCRIPT);
    const page = await raw(root, '/', { 'accept-encoding': 'gzip' });
    expect(gunzipSync(page.body).toString()).toBe(PAGE);
    for (const headers of [{}, { 'accept-encoding': 'gzip;q=0, identity' }]) {
      const plain = await raw(root, '/assets/app-1a2b.js', headers);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(SCRIPT);
    }
    // An image is compressed already: sent as it is.
    const image = await raw(root, '/assets/logo.png', { 'accept-encoding': 'gzip' });
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.headers.vary).toBeUndefined();
    expect([...image.body]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
