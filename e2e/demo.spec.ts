import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { expect, test } from '@playwright/test';

test('streams the replayed extraction into the page, never showing half a number or date', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('idle');
  await page.getByLabel('Replay speed').selectOption('4');
  await page.getByRole('button', { name: 'Extract' }).click();
  await expect(page.getByTestId('status')).toHaveText('streaming');

  // Sample the page while it streams: atomic values are absent or complete.
  const budgets = new Set<string>();
  const dates = new Set<string>();
  let sawStreamingCard = false;
  while ((await page.getByTestId('status').textContent()) === 'streaming') {
    budgets.add((await page.getByTestId('budget').textContent()) ?? '');
    dates.add((await page.getByTestId('date').textContent()) ?? '');
    if ((await page.locator('[data-testid=user][data-complete=false]').count()) > 0) sawStreamingCard = true;
    await page.waitForTimeout(15);
  }
  expect([...budgets].every((b) => b === 'budget' || b === '$50,000')).toBe(true);
  expect([...dates].every((d) => d === 'date' || d === '2024-03-15')).toBe(true);
  expect(sawStreamingCard).toBe(true);

  await expect(page.getByTestId('status')).toHaveText('success');
  await expect(page.getByTestId('user')).toHaveCount(3);
  await expect(page.getByTestId('location')).toHaveText(MEETING_RESULT.location);
  await expect(page.getByTestId('deadline')).toHaveText('2024-02-20');
  expect(JSON.parse((await page.getByTestId('raw').textContent()) ?? '')).toEqual(MEETING_RESULT);
  await page.screenshot({ path: 'test-results/demo-success.png', fullPage: true });
});

test('a completed participant card stops re-rendering while later ones stream', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Replay speed').selectOption('1');
  await page.getByRole('button', { name: 'Extract' }).click();
  const first = page.getByTestId('user').first();
  await expect(first).toHaveAttribute('data-complete', 'true', { timeout: 15_000 });
  const rendersWhenDone = await first.getByTestId('renders').textContent();
  await expect(page.getByTestId('status')).toHaveText('success', { timeout: 20_000 });
  expect(await first.getByTestId('renders').textContent()).toBe(rendersWhenDone);
});

test('Stop keeps the partial object and reports aborted', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Replay speed').selectOption('0.25');
  await page.getByRole('button', { name: 'Extract' }).click();
  await expect(page.getByTestId('user').first()).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('status')).toHaveText('aborted');
  const raw = JSON.parse((await page.getByTestId('raw').textContent()) ?? '{}');
  expect(raw.users.length).toBeGreaterThanOrEqual(1);
  await page.waitForTimeout(300);
  expect(JSON.parse((await page.getByTestId('raw').textContent()) ?? '{}')).toEqual(raw);
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(page.getByTestId('status')).toHaveText('idle');
});
