// Bundle-size budgets, checked on the build (`npm run build` first): what an app pays for the kit.
// esbuild: bundle, minify, ESM, browser; react, react-dom and zod are the app's own (external).
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const KB = 1024;
const cases = [
  {
    name: 'browser app: usePartialObject + <PartialList>',
    code: "export { usePartialObject, PartialList } from '@partialkit/react';",
    budget: 10 * KB,
  },
  {
    name: 'createPartialParser alone',
    code: "export { createPartialParser } from '@partialkit/core';",
    // printed, with a ceiling just above today's size so that it cannot grow unnoticed
    budget: 6.5 * KB,
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
  const over = c.budget !== undefined && size > c.budget;
  const budget = c.budget === undefined ? '' : ` (budget ${(c.budget / KB).toFixed(1)} KB)`;
  console.log(`size: ${c.name}: ${(size / KB).toFixed(2)} KB gzipped${budget}${over ? '  OVER BUDGET' : ''}`);
  if (over) failed = true;
}
process.exitCode = failed ? 1 : 0;
