import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import Negotiator from 'negotiator';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Text worth compressing (the page's script is about 400 kB, 130 kB gzipped); images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg']);

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // missing, or a name the file system refuses (a NUL byte)
  }
}

/** The file for `path` under `root`: a directory's index.html; undefined when there is none. */
function fileFor(root: string, path: string): string | undefined {
  const file = join(root, path);
  if (isFile(file)) return file;
  const index = join(file, 'index.html');
  return isFile(index) ? index : undefined;
}

/**
 * Serves the built client from `root`; unknown paths get index.html (the app has one page). A URL that
 * does not decode is a 400, one outside `root` a 403, and with no index.html to stand in, a 404.
 */
/** Whether `path` is `root` or below it (by relative path, not prefix: /srv/client2 is not in /srv/client). */
function within(root: string, path: string): boolean {
  const inside = relative(root, path);
  return !(inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside));
}

/** The path with its links followed, or undefined when it is gone. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

export function serveStatic(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  root = resolve(root);
  return (req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      // A malformed escape (`/%E0%A4%A`) is the client's fault; thrown here it would end the process.
      res.writeHead(400).end();
      return;
    }
    // `..%2fclient2/` must not leave the root.
    if (!within(root, join(root, path))) {
      res.writeHead(403).end();
      return;
    }
    const found = fileFor(root, path);
    const page = join(root, 'index.html');
    const file = found ?? (isFile(page) ? page : undefined);
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    // A link under the root may lead out of it: what is read is where it leads.
    // The root itself may be a link (a deploy's `current`, re-pointed at each release): where it leads now.
    const real = realPath(file);
    if (real === undefined || !within(realPath(root) ?? root, real)) {
      res.writeHead(403).end();
      return;
    }
    // Hashed assets never change; the page itself (also when it stands in for a missing file, or is
    // reached through `/assets/..%2findex.html`) is revalidated: by the file served, not the URL.
    const immutable = found !== undefined && relative(root, file).startsWith(`assets${sep}`);
    const stream = createReadStream(real);
    // The head waits for the file to open. An error before it (the file went away since the stat) is a
    // status; after it the body is cut short, so the client sees a broken response, not a complete one.
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(error.code === 'ENOENT' ? 404 : 500).end();
    });
    const compressible = COMPRESSIBLE.has(extname(file));
    const gzip = compressible && new Negotiator(req).encoding(['gzip', 'identity']) === 'gzip';
    stream.once('open', () => {
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        // A cache keeps the gzipped and the plain answer apart.
        ...(compressible && { vary: 'accept-encoding' }),
        ...(gzip && { 'content-encoding': 'gzip' }),
      });
      // Also ends the read when the client goes away mid-file.
      if (gzip) pipeline(stream, createGzip(), res, () => {});
      else pipeline(stream, res, () => {});
    });
  };
}
