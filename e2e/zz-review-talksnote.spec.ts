import { expect, test } from '@playwright/test';

for (const width of [375, 1280]) {
  test(`${width} px: the rejected talk's reason fits inside its card`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    await page.getByTestId('mode').waitFor();
    await page.getByRole('tab', { name: 'Talks, one by one' }).click();
    const panel = page.getByRole('tabpanel');
    await panel.getByLabel('Replay speed').selectOption('0');
    await panel.getByRole('button', { name: 'Extract talks' }).click();
    await expect(panel.getByTestId('status')).toHaveAttribute('data-status', /success|error/);
    const card = panel.getByTestId('rejected-talk');
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/zz-review-rejected-${width}.png` });
    const [cardBox, noteBox] = [await card.boundingBox(), await card.getByTestId('issue').boundingBox()];
    expect(noteBox!.x + noteBox!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width);
  });
}
