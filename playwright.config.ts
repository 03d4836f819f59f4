import { chromiumLaunchOptions } from '@partialkit/test-utils/chromium';
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.test-reports/playwright.json' }]],
  use: {
    baseURL: 'http://127.0.0.1:5174',
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions,
  },
  webServer: [
    {
      command: 'npm run serve:e2e -w @partialkit/demo',
      url: 'http://127.0.0.1:5174',
      reuseExistingServer: false,
      timeout: 60_000,
      // The replayed stream, never a live API, whatever the environment holds.
      env: { OPENAI_API_KEY: '' },
    },
    {
      // The production build of the demo: its own Node server, page and API from one process.
      command: 'npm run build -w @partialkit/demo && PORT=5175 npm run serve -w @partialkit/demo',
      url: 'http://127.0.0.1:5175/api/config',
      reuseExistingServer: false,
      timeout: 90_000,
      env: { OPENAI_API_KEY: '' },
    },
    {
      // The static Storybook build (`npm run build-storybook` runs first in `npm test`).
      command: 'node scripts/serve-static.mjs storybook-static 6007',
      url: 'http://127.0.0.1:6007/iframe.html',
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
