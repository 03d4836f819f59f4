import type { Page } from '@playwright/test';

/** The demo page, driven as a user drives it (labels and roles, not CSS). */
export function demo(page: Page) {
  return {
    status: page.getByTestId('status'),
    results: page.getByTestId('results'),
    outcome: page.getByTestId('outcome'),
    cards: page.getByTestId('user'),
    extract: page.getByRole('button', { name: /^Extract/ }),
    stop: page.getByRole('button', { name: 'Stop' }),
    reset: page.getByRole('button', { name: 'Reset' }),
    drop: page.getByRole('button', { name: 'Drop connection' }),
    async open(scenario = 'conference', speed = '4') {
      await page.goto('/');
      await page.getByTestId('mode').waitFor();
      await page.getByLabel('Recording').selectOption(scenario);
      await page.getByLabel('Replay speed').selectOption(speed);
    },
  };
}
