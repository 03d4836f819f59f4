/**
 * The production server: the built page (dist/client) and the API from one Node process. Built by
 * `vite build --ssr` into dist/server/main.js, so the recordings are bundled in and nothing is
 * compiled on the first request. `PORT` (default 4173) and `HOST` (default 127.0.0.1) choose where.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { toNodeHandler } from '@partialkit/server/node';
import { API_BODY_LIMIT, handleApi } from './api.ts';
import { serveStatic } from './static-files.ts';

const api = toNodeHandler(handleApi, { maxBodySize: API_BODY_LIMIT });
const files = serveStatic(join(import.meta.dirname, '..', 'client'));
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

createServer((req, res) => {
  if (req.url?.startsWith('/api/')) api(req, res);
  else files(req, res);
}).listen(port, host, () => {
  const mode = process.env.OPENAI_API_KEY ? 'calling OpenAI' : 'replaying recordings';
  console.log(`partialkit demo (${mode}) at http://${host}:${port}`);
});
