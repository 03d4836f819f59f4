import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources, so tests never need a build first.
const SOURCE = '@partialkit/source';

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions], externalConditions: [SOURCE] } },
  test: {
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
          typecheck: {
            enabled: true,
            include: ['packages/react/**/*.test-d.{ts,tsx}'],
            tsconfig: './tsconfig.json',
          },
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
