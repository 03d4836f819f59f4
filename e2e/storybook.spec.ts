import { expect, test } from '@playwright/test';

const STORYBOOK = 'http://127.0.0.1:6007';

test('the PartialList story streams the replay in the browser, without a server', async ({ page }) => {
  await page.goto(
    `${STORYBOOK}/iframe.html?id=react-partiallist--streaming&viewMode=story&args=msPerEvent:15`,
  );
  await expect(page.getByText('status: streaming')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('status: success')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('#storybook-root li')).toHaveCount(3);
  await expect(page.locator('#storybook-root li').first()).toHaveText('John Doe <john.doe@example.com> ✓');
});

test('the demo story extracts from the replayed stream', async ({ page }) => {
  await page.goto(`${STORYBOOK}/iframe.html?id=demo-conference-extraction--replayed&viewMode=story`);
  await page.getByLabel('Replay speed').selectOption('0');
  await page.getByRole('button', { name: 'Extract' }).click();
  await expect(page.getByTestId('status')).toHaveText('success', { timeout: 20_000 });
  await expect(page.getByTestId('user')).toHaveCount(3);
  await expect(page.getByTestId('budget')).toHaveText('$50,000');
});

test('PartialText marks a streaming string as busy', async ({ page }) => {
  await page.goto(`${STORYBOOK}/iframe.html?id=react-partialtext--streaming&viewMode=story`);
  const busy = page.locator('[aria-busy="true"]');
  await expect(busy).toHaveText('Grand Tech Arena located at 4521 Inno▍');
});
