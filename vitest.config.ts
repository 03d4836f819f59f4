import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources, so tests never need a build first.
const SOURCE = '@partialkit/source';
// React 18 and its react-dom, installed apart (packages/react18) because react-dom 18's peer is react 18.
const REACT_18 = fileURLToPath(new URL('./packages/react18/node_modules/', import.meta.url));
const TESTING_LIBRARY_ESM = fileURLToPath(
  new URL('./node_modules/@testing-library/react/dist/@testing-library/react.esm.js', import.meta.url),
);

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions], externalConditions: [SOURCE] } },
  test: {
    // CI has two cores: the heavier React and property tests get room when the machine is busy.
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['packages/core/**/*.test.ts', 'examples/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          include: [
            'packages/server/**/*.test.ts',
            'packages/replay/**/*.test.ts',
            'apps/demo/server/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'react',
          include: ['packages/react/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          env: { PARTIALKIT_REACT_MAJOR: '19' },
          typecheck: {
            enabled: true,
            include: ['packages/react/**/*.test-d.{ts,tsx}'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        // The same tests against React 18 (the peer range is >=18): react, react-dom and their subpaths
        // resolve to the React 18 copies; Testing Library is inlined so its imports take the alias too.
        extends: true,
        resolve: {
          alias: [
            { find: /^(react|react-dom)(\/.*)?$/, replacement: `${REACT_18}$1$2` },
            // Its ES build, whose imports Vite resolves (the CommonJS one would `require` React 19).
            { find: /^@testing-library\/react$/, replacement: TESTING_LIBRARY_ESM },
          ],
        },
        test: {
          name: 'react-18',
          include: ['packages/react/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          env: { PARTIALKIT_REACT_MAJOR: '18' },
          server: { deps: { inline: ['@testing-library/react'] } },
        },
      },
      {
        extends: true,
        test: {
          // Every Storybook story as a test: rendered with its args, then its play function.
          name: 'stories',
          include: ['stories/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['.storybook/vitest.setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
