import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { demo } from './demo-page.ts';

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

test('no horizontal scroll at 375 px, idle, streaming and done; the panels stack', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const d = demo(page);
  await d.open('conference', '4');
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(await overflow()).toBe(0);
  await d.extract.click();
  await expect(d.cards.first()).toBeVisible();
  expect(await overflow()).toBe(0);
  await expect(d.status).toHaveAttribute('data-status', 'success', { timeout: 20_000 });
  expect(await overflow()).toBe(0);
  const input = await page.locator('.panel.input').boundingBox();
  const results = await page.locator('.panel.results').boundingBox();
  expect(results!.y).toBeGreaterThan(input!.y + input!.height - 1);
  expect(results!.width).toBeGreaterThan(340);
});

test('at 375 px, Extract brings the result into view, and a reconnect moves no card', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const d = demo(page);
  await d.open('conference', '1');
  // One column: the result begins at the bottom of the screen, under the input.
  const top = await page.locator('.panel.results').evaluate((e) => e.getBoundingClientRect().top);
  expect(top).toBeGreaterThan(600);
  await d.extract.click();
  await expect
    .poll(() => page.locator('.panel.results').evaluate((e) => Math.round(e.getBoundingClientRect().top)))
    .toBeLessThan(200); // at the top, or as near it as the page's end lets it
  await expect(d.cards.first()).toBeInViewport({ timeout: 15_000 });
  // The scroll is smooth: the card's place is read once the page has stopped moving.
  const scrolled = () => page.evaluate(() => window.scrollY);
  let last = -1;
  const still = async () => {
    const now = await scrolled();
    const same = now === last;
    last = now;
    return same;
  };
  await expect.poll(still, { intervals: [150], timeout: 10_000 }).toBe(true);
  const first = await d.cards.first().evaluate((e) => e.getBoundingClientRect().top);
  // The reconnect lasts a moment: what the page showed then is recorded as it happens.
  await page.evaluate(() => {
    const w = window as unknown as { seen?: { inView: boolean; card: number } };
    new MutationObserver(() => {
      const toast = document.querySelector('[data-testid=reconnecting]');
      const card = document.querySelector('[data-testid=user]');
      if (!toast || !card || w.seen) return;
      const r = toast.getBoundingClientRect();
      w.seen = { inView: r.top >= 0 && r.bottom <= innerHeight, card: card.getBoundingClientRect().top };
    }).observe(document.body, { childList: true, subtree: true });
  });
  await d.drop.click();
  const seen = () => page.evaluate(() => (window as unknown as { seen?: unknown }).seen);
  await expect.poll(seen, { timeout: 10_000 }).toBeDefined();
  // The banner floats over the page, in view: the cards stay where they were.
  expect(await seen()).toEqual({ inView: true, card: first });
  await d.stop.click();
});

test('keyboard only: pick, extract, stop, extract again; aria-busy follows the stream', async ({ page }) => {
  const d = demo(page);
  await page.goto('/');
  await page.getByTestId('mode').waitFor();
  await page.keyboard.press('Tab'); // the selected example's tab
  await expect(page.getByRole('tab', { name: 'Conference extraction' })).toBeFocused();
  await page.keyboard.press('Tab'); // the recording picker
  await expect(page.getByLabel('Recording')).toBeFocused();
  await page.keyboard.press('Tab'); // the notes
  await page.keyboard.press('Tab'); // the speed
  await expect(page.getByLabel('Replay speed')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(d.extract).toBeFocused();
  await expect(d.results).toHaveAttribute('aria-busy', 'false');
  await page.keyboard.press('Enter');
  await expect(d.results).toHaveAttribute('aria-busy', 'true');
  await expect(d.extract).toHaveAttribute('aria-disabled', 'true');
  await expect(d.extract).toBeFocused();
  // Enter on the busy button does not restart the stream.
  await page.keyboard.press('Enter');
  await expect(d.cards.first()).toBeVisible({ timeout: 15_000 });
  await page.keyboard.press('Tab');
  await expect(d.stop).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(d.status).toHaveAttribute('data-status', 'aborted');
  await expect(d.results).toHaveAttribute('aria-busy', 'false');
  await expect(d.extract).toBeFocused();
  // Choose instant replay with the arrow keys, then run to the end.
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByLabel('Replay speed')).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByLabel('Replay speed')).toHaveValue('0');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(d.status).toHaveAttribute('data-status', 'success');
  await expect(d.status).toHaveText('Done: 3 participants');
  await expect(d.results).toHaveAttribute('aria-busy', 'false');
  await expect(d.status).toHaveAttribute('aria-live', 'polite');
});

test('the polite status line counts participants while streaming', async ({ page }) => {
  const d = demo(page);
  await d.open('conference', '1');
  await d.extract.click();
  await expect(d.status).toHaveText('1 participant so far', { timeout: 15_000 });
  await expect(d.status).toHaveText('2 participants so far', { timeout: 15_000 });
  await expect(d.status).toHaveText('3 participants so far', { timeout: 15_000 });
  await d.stop.click();
});

test('axe: no serious or critical violation idle, mid-stream, done and failed', async ({ page }) => {
  const d = demo(page);
  await d.open('conference', '1');
  expect(await seriousViolations(page)).toEqual([]);
  await d.extract.click();
  await expect(d.cards.nth(1)).toBeVisible({ timeout: 15_000 });
  await expect(d.status).toHaveAttribute('data-status', 'streaming');
  expect(await seriousViolations(page)).toEqual([]);
  await expect(d.status).toHaveAttribute('data-status', 'success', { timeout: 20_000 });
  expect(await seriousViolations(page)).toEqual([]);
  // The JSON panel scrolls: a keyboard reaches it.
  await page.getByText('Validated result (JSON)').click();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('region', { name: 'Validated result as JSON' }).focus();
  await expect(page.getByRole('region', { name: 'Validated result as JSON' })).toBeFocused();
  await page.getByLabel('Recording').selectOption('validation');
  await page.getByLabel('Replay speed').selectOption('0');
  await d.extract.click();
  await expect(d.status).toHaveAttribute('data-status', 'error');
  expect(await seriousViolations(page)).toEqual([]);
});
