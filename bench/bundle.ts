/**
 * Bundle section: what each library ships to the browser, imported as a user imports it. esbuild
 * (minify, bundle, ESM, platform browser; react, react-dom and zod external), then gzip -9.
 * The budget itself is enforced by `npm test`; this section only compares.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type Cell, fmtRatio, type Table } from './lib/table.ts';

const ENTRIES: Array<[string, string]> = [
  [
    'partialkit: usePartialObject + PartialList',
    "export { usePartialObject, PartialList } from '@partialkit/react';",
  ],
  ['partialkit: createPartialParser alone', "export { createPartialParser } from '@partialkit/core';"],
  ['AI SDK: experimental_useObject', "export { experimental_useObject } from '@ai-sdk/react';"],
  [
    'Hashbrown 0.5: useJsonParser + s',
    "export { useJsonParser } from '@hashbrownai/react'; export { s } from '@hashbrownai/core';",
  ],
  [
    'Hashbrown 0.5: useStructuredCompletion + HashbrownProvider + s',
    "export { useStructuredCompletion, HashbrownProvider } from '@hashbrownai/react'; export { s } from '@hashbrownai/core';",
  ],
];

const EXTERNAL = ['react', 'react/*', 'react-dom', 'react-dom/*', 'zod', 'zod/*'];

async function sizeOf(contents: string): Promise<{ min: number; gz: number }> {
  const out = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@partialkit/source'],
    external: EXTERNAL,
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.contents;
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length };
}

export async function bundleSection(_quick: boolean): Promise<Table[]> {
  const sizes: Array<[string, { min: number; gz: number }]> = [];
  for (const [name, contents] of ENTRIES) sizes.push([name, await sizeOf(contents)]);
  const ours = sizes[0]![1].gz;
  const hooks = sizes.filter(([name]) => !name.includes('alone')).map(([, s]) => s.gz);
  const best = Math.min(...hooks);
  const rows: Cell[][] = sizes.map(([name, s]) => [
    name,
    `${(s.min / 1024).toFixed(1)} KB`,
    `${(s.gz / 1024).toFixed(1)} KB`,
    name.includes('alone') ? null : fmtRatio(s.gz / best),
  ]);
  return [
    {
      id: 'bundle',
      title: 'Bundle: gzipped browser bundle of what an app imports (react, react-dom, zod external)',
      columns: ['entry', 'minified', 'gzipped', '× best'],
      rows,
      notes: [
        'esbuild, minify, bundle, ESM, platform browser, `process.env.NODE_ENV` = "production"; partialkit from its sources (the same modules its build ships).',
      ],
      targets: [
        {
          name: 'browser entry ≤ 10 KB gzipped (enforced by npm test)',
          met: ours <= 10 * 1024,
          figure: `${(ours / 1024).toFixed(1)} KB`,
        },
      ],
    },
  ];
}
