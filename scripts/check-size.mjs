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
    // The target is 10 KB (AI SDK's useObject is about 23 KB); the ceiling keeps today's size from growing
    // (it includes PartialList's blocks, ≈ 0.2 KB, which cut render CPU at N = 1 000 by 40 %, and the
    // decoder's direct iterators, ≈ 0.3 KB, which halved streamItems' cost per chunk, its release of a
    // body read before a setup failure or an early return, ≈ 0.1 KB, and of a body never read when the
    // signal aborts or the reader returns first, with CR-only SSE's last event, ≈ 0.1 KB; the server's
    // TruncatedError and RefusalError thrown as such in the browser, ≈ 0.1 KB; a body released during
    // setup, an initialValue that counts as complete and a StrictMode-safe detach, ≈ 0.1 KB; an
    // HTTPError's message read from its JSON or SSE error body, ≈ 0.1 KB; completeness answered for the
    // snapshot rendered and for primitive list items, ≈ 0.15 KB; the `fetch` option for the store's own
    // requests, ≈ 0.05 KB; a UI message stream told without its header, ≈ 0.1 KB; unions planned per
    // option and validated whole, ≈ 0.7 KB, and a string atomic where one side of an intersection is,
    // ≈ 0.1 KB: see the parser's ceiling; a body released when an aborted signal is given or a read
    // fails at setup, ≈ 0.05 KB; the first field of a stream delivered at once, not a frame after an
    // empty `{}`, ≈ 0.1 KB; resumable streams: no duplicate reset after a resume, the reconnect options
    // validated, no resume URL on another origin, reset and a newer submit cancelling on the server,
    // ≈ 0.1 KB; a resume of the stream already followed never cancelled, ≈ 0.1 KB; the zod rules of
    // the parser's ceiling, ≈ 0.6 KB; an SSE event closed by a CR at the end of a chunk delivered then, a
    // throwing onRetry reported, maxEventSize checked, ≈ 0.05 KB; an event of an unknown type and a raw
    // `[DONE]` not read as text, a mistyped format named as such, ≈ 0.05 KB; a resume whose first GET is
    // cut before its headers retried, ≈ 0.03 KB; an error object as the first raw JSON event failing the
    // stream, `extractJson: undefined` as the default, ≈ 0.03 KB; extraction that knows the schema: a
    // bracket in the prose that cannot open the value skipped, an answer with no value named as such,
    // ≈ 1.05 KB; a body already read or locked named as such (it was a truncation), a resume header that
    // is no URL reported with the answer kept, an input JSON cannot hold told from a lost connection,
    // ≈ 0.23 KB; a reasoning model's `<think>` block at the start cut before extraction, ≈ 0.17 KB; a
    // value of a kind its schema never takes never shown, ≈ 0.65 KB: see the parser's ceiling; an error
    // page served as an event stream named as such, ≈ 0.1 KB; an HTML page named as such, not read for
    // JSON in its scripts, and a request that got no response told from a connection lost, ≈ 0.15 KB).
    target: 10 * KB,
    ceiling: 19.9 * KB,
  },
  {
    name: 'createPartialParser alone',
    code: "export { createPartialParser } from '@partialkit/core';",
    target: 5.8 * KB,
    // Unions cost ≈ 0.7 KB: a discriminated union validated by the whole schema (a root union's
    // transform, refinement, intersected keys), and a key that several options give planned from all;
    // a string is atomic where one side of an intersection makes it so (≈ 0.1 KB: a uuid streamed), and
    // issues are kept per closed subtree (≈ 0.03 KB: thousands of invalid items were quadratic); zod
    // rules, ≈ 0.6 KB: a copy validated where a preprocess or transform gets the raw value (it threw
    // "object is not extensible"), a coerced number or boolean atomic, a checking pipe planned by both
    // sides (an enum or a uuid streamed), nothing inside a `.catch()` reported while open; the kinds of
    // value a position admits, for extraction, ≈ 0.1 KB; a member of a kind its schema never takes kept
    // out of every snapshot where the schema is closed from the root (the partial value's type holds),
    // and validated with the JSON as it came, in its order, ≈ 0.65 KB.
    ceiling: 9.5 * KB,
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
