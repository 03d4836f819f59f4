import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { expect, test } from '@playwright/test';
import { demo } from './demo-page.ts';

test('streams the replayed extraction into the page, never showing half a number or date', async ({
  page,
}) => {
  const d = demo(page);
  await d.open('conference', '4');
  await expect(d.status).toHaveAttribute('data-status', 'idle');
  await d.extract.click();
  await expect(d.status).toHaveAttribute('data-status', 'streaming');

  // Sample the page while it streams: atomic values are absent (a skeleton, no text) or complete.
  const budgets = new Set<string>();
  const dates = new Set<string>();
  let sawStreamingCard = false;
  while ((await d.status.getAttribute('data-status')) === 'streaming') {
    budgets.add((await page.getByTestId('budget').textContent()) ?? '');
    dates.add((await page.getByTestId('date').textContent()) ?? '');
    if ((await page.locator('[data-testid=user][data-complete=false]').count()) > 0) sawStreamingCard = true;
    await page.waitForTimeout(15);
  }
  expect([...budgets].every((b) => b === '' || b === '$50,000')).toBe(true);
  expect([...dates].every((v) => v === '' || v === '2024-03-15')).toBe(true);
  expect(sawStreamingCard).toBe(true);

  await expect(d.status).toHaveAttribute('data-status', 'success');
  await expect(d.status).toHaveText('Done: 3 participants');
  await expect(d.cards).toHaveCount(3);
  await expect(page.getByTestId('location')).toHaveText(MEETING_RESULT.location);
  await expect(page.getByTestId('deadline')).toHaveText('2024-02-20');
  expect(JSON.parse((await page.getByTestId('raw').textContent()) ?? '')).toEqual(MEETING_RESULT);
});

test('a completed participant card stops re-rendering while later ones stream', async ({ page }) => {
  const d = demo(page);
  await d.open('conference', '1');
  await d.extract.click();
  const first = d.cards.first();
  await expect(first).toHaveAttribute('data-complete', 'true', { timeout: 15_000 });
  const rendersWhenDone = await first.getAttribute('data-renders');
  await expect(d.status).toHaveAttribute('data-status', 'success', { timeout: 20_000 });
  await expect(d.cards).toHaveCount(3);
  expect(await first.getAttribute('data-renders')).toBe(rendersWhenDone);
});

test('Stop keeps the partial object, says stopped, and leaves focus on Extract', async ({ page }) => {
  const d = demo(page);
  await d.open('conference', '1');
  await d.extract.click();
  await expect(d.cards.first()).toBeVisible({ timeout: 15_000 });
  await d.stop.click();
  await expect(d.status).toHaveAttribute('data-status', 'aborted');
  await expect(d.status).toHaveText(/^Stopped: \d participants? kept$/);
  await expect(d.outcome).toContainText('You stopped the stream');
  await expect(d.extract).toBeFocused();
  await expect(d.results).toHaveAttribute('aria-busy', 'false');
  await expect(page.getByTestId('user-skeleton')).toHaveCount(0);
  const raw = JSON.parse((await page.getByTestId('raw').textContent()) ?? '{}');
  expect(raw.users.length).toBeGreaterThanOrEqual(1);
  await page.waitForTimeout(300);
  expect(JSON.parse((await page.getByTestId('raw').textContent()) ?? '{}')).toEqual(raw);
  await d.reset.click();
  await expect(d.status).toHaveAttribute('data-status', 'idle');
});
