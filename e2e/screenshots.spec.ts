import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { demo } from './demo-page.ts';

// Screenshots of the demo mid-stream and done, at desktop and phone widths. They go to test-results/;
// `npm run screenshots` (SCREENSHOTS=docs) writes the ones committed in docs/ and shown in the README.
const OUT = process.env.SCREENSHOTS === 'docs' ? 'docs' : 'test-results/screenshots';
mkdirSync(OUT, { recursive: true });

for (const width of [1280, 375]) {
  test(`screenshots at ${width} px: mid-stream and done`, async ({ page }) => {
    await page.setViewportSize({ width, height: width > 720 ? 860 : 812 });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const d = demo(page);
    await d.open('conference', '1');
    await d.extract.click();
    // Mid-stream: two cards closed, the third just started (at 1× it streams for about 0.7 s).
    await expect(d.cards.nth(2)).toBeVisible({ timeout: 15_000 });
    await page.screenshot({ path: `${OUT}/demo-${width}-streaming.png`, fullPage: width < 720 });
    await expect(d.status).toHaveAttribute('data-status', 'success', { timeout: 20_000 });
    await page.locator('details.json summary').click();
    await page.screenshot({ path: `${OUT}/demo-${width}-done.png`, fullPage: width < 720 });
  });
}
