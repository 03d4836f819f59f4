// Review-only config: the demo's dev server (React warnings visible) and its production server, on ports
// of their own; no Storybook server (storybook-static is not built here).
import { chromiumLaunchOptions } from '@partialkit/test-utils/chromium';
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  testMatch: /zz-review-.*\.spec\.ts/,
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: { baseURL: 'http://127.0.0.1:5194', browserName: 'chromium', launchOptions: chromiumLaunchOptions },
  webServer: [
    {
      command: 'cd apps/demo && npx vite --host 127.0.0.1 --port 5194 --strictPort',
      url: 'http://127.0.0.1:5194',
      reuseExistingServer: false,
      timeout: 60_000,
      env: { OPENAI_API_KEY: '' },
    },
    {
      command: 'PORT=5195 node apps/demo/dist/server/main.js',
      url: 'http://127.0.0.1:5195/api/config',
      reuseExistingServer: false,
      timeout: 30_000,
      env: { OPENAI_API_KEY: '' },
    },
  ],
});
