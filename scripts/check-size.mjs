// Bundle sizes, checked on the build (`npm run build` first): what an app pays for the kit. Each budget
// has the size it aims at and a ceiling that fails the run, so that the bundle cannot grow unnoticed.
// esbuild: bundle, minify, ESM, browser; react, react-dom and zod are the app's own (external).
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const KB = 1024;
const cases = [
  {
    name: 'browser app: usePartialObject + <PartialList>',
    code: "export { usePartialObject, PartialList } from '@partialkit/react';",
    // The target is 10 KB (AI SDK's useObject is about 23 KB); the ceiling is today's size, so that growth
    // is a decision. What the bytes above 12 KB bought: the parser's zod rules (see its ceiling, ≈ 2.4
    // KB), schema-aware extraction of JSON from prose, fences and `<think>` blocks (≈ 1.3 KB), resumable
    // streams (≈ 0.5 KB), bodies released on every early end (≈ 0.5 KB), typed errors that name the
    // failure (an HTML page, an error page served as SSE, a request with no response, error bodies read
    // for their message; ≈ 0.8 KB), list blocks that cut render CPU at N = 1 000 by 40 % (≈ 0.2 KB), the
    // decoder's direct iterators that halved streamItems' cost per chunk (≈ 0.3 KB), the first field
    // delivered at once (≈ 0.1 KB), heartbeats skipped in detection (≈ 0.02 KB), a provider's answer
    // asked for without streaming told apart from JSON text (≈ 0.05 KB), a stream that keeps the options
    // it was submitted with, its own leading edge when a listener starts it, its reconnect options checked
    // before any request and no JSON declared for a bodiless submit (≈ 0.1 KB), an array element of a
    // kind its schema never takes kept out with those after it, so a partial array keeps its element
    // type (≈ 0.15 KB, see the parser's ceiling), and an enum or literal value outside its set kept out
    // likewise (≈ 0.07 KB); a schema that throws named by the subtree it validated and issue paths as
    // JSON paths (≈ 0.09 KB); partialkit's stream opened by an event it does not know, and a character a
    // cut body holds half of dropped (≈ 0.04 KB); AI SDK's stream told by every part its route may
    // write first (sources, metadata, tool outputs), its header gone (≈ 0.08 KB); a format given that
    // the stream is not told as such (the check itself is the providers', ≈ 0.03 KB here) and a mistyped
    // one answered with the names it takes (≈ 0.04 KB).
    target: 10 * KB,
    ceiling: 20.7 * KB,
  },
  {
    name: 'createPartialParser alone',
    code: "export { createPartialParser } from '@partialkit/core';",
    target: 5.8 * KB,
    // Above 5.8 KB: unions planned per option and validated whole (≈ 0.7 KB); zod's rules for what a
    // preprocess, transform, coerce, pipe or `.catch()` may see (≈ 0.6 KB); a member of a kind its
    // schema never takes kept out of every snapshot (≈ 0.65 KB); strings atomic through intersections,
    // issues kept per closed subtree, validation of deep values bounded and its issues kept right
    // (≈ 0.25 KB); the kinds of value a position admits, for extraction (≈ 0.1 KB); an array cut at
    // its first element of a kind its schema never takes, so a partial array keeps its type (≈ 0.15 KB);
    // an enum or literal value outside its set kept out as such a value is (≈ 0.07 KB); a schema that
    // throws named by the path it validated (≈ 0.06 KB).
    ceiling: 9.9 * KB,
  },
  {
    name: 'provider readers (opt-in @partialkit/core/providers)',
    code: "import '@partialkit/core/providers'; export { decode } from '@partialkit/core';",
  },
  {
    name: '@partialkit/server for the browser platform (edge, workers, Deno)',
    code: "export * from '@partialkit/server';",
  },
];

let failed = false;
for (const c of cases) {
  let size;
  try {
    const result = await build({
      stdin: { contents: c.code, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      external: ['react', 'react-dom', 'react/jsx-runtime', 'zod', 'zod/*'],
      write: false,
      logLevel: 'silent',
    });
    size = gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
  } catch (error) {
    console.log(`size: ${c.name}: does not bundle: ${error.message.split('\n').slice(0, 3).join(' ')}`);
    failed = true;
    continue;
  }
  const kb = (n) => `${Number((n / KB).toFixed(2))} KB`;
  const over = c.ceiling !== undefined && size > c.ceiling;
  const limits = c.ceiling === undefined ? '' : ` (target ${kb(c.target)}, ceiling ${kb(c.ceiling)})`;
  const verdict = over
    ? '  OVER THE CEILING'
    : c.target !== undefined && size > c.target
      ? '  above target'
      : '';
  console.log(`size: ${c.name}: ${(size / KB).toFixed(2)} KB gzipped${limits}${verdict}`);
  if (over) failed = true;
}
process.exitCode = failed ? 1 : 0;
