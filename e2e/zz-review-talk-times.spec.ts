import { expect, test } from '@playwright/test';

test('a talk card shows its start and end time as two times, not one run overlapping the title', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('mode').waitFor();
  await page.getByRole('tab', { name: 'Talks, one by one' }).click();
  const panel = page.getByRole('tabpanel');
  await panel.getByLabel('Replay speed').selectOption('0');
  await panel.getByRole('button', { name: 'Extract talks' }).click();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-status', /success|error/);
  const first = panel.locator('[data-testid=talk][data-state=complete]').first();
  const layout = await first.evaluate((card) => {
    const time = card.querySelector('.talk-time')!;
    const range = document.createRange();
    range.selectNodeContents(time);
    const lines = [...range.getClientRects()].map((r) => Math.round(r.top));
    const textRight = Math.max(...[...range.getClientRects()].map((r) => r.right));
    const titleLeft = card.querySelector('[data-testid=talk-title]')!.getBoundingClientRect().left;
    return { text: time.textContent, lines: new Set(lines).size, overlapsTitle: textRight > titleLeft };
  });
  // Expected: "09:00" above "09:45" (as the rejected card shows its times), left of the title.
  expect(layout).toEqual({ text: '09:0009:45', lines: 2, overlapsTitle: false });
});
