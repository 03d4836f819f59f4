import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { expect, test } from '@playwright/test';

const STORYBOOK = 'http://127.0.0.1:6007';
const story = (id: string, args = '') =>
  `${STORYBOOK}/iframe.html?id=${id}&viewMode=story${args ? `&args=${args}` : ''}`;

test('the PartialList story streams a replay in the browser, holds, and replays on demand', async ({
  page,
}) => {
  await page.goto(story('react-partiallist--streaming', 'speed:0'));
  const status = page.getByTestId('harness-status');
  await expect(status).toHaveAttribute('data-status', 'streaming');
  await expect(page.getByTestId('row')).toHaveCount(2);
  await expect(page.getByTestId('row').first()).toHaveAttribute('data-complete', 'true');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toHaveAttribute('data-status', 'aborted');
  await page.getByRole('button', { name: 'Replay' }).click();
  await expect(status).toHaveAttribute('data-status', 'streaming');
  await expect(page.getByTestId('row')).toHaveCount(2);
});

test('a story replays its fixture at the chosen speed and chunk size', async ({ page }) => {
  await page.goto(story('react-partiallist--complete', 'speed:0;chunkSize:5'));
  await expect(page.getByTestId('harness-status')).toHaveAttribute('data-status', 'success');
  await expect(page.getByTestId('row').locator('strong')).toHaveText(MEETING_RESULT.users.map((u) => u.name));
});

test('the demo story extracts from the replayed stream', async ({ page }) => {
  await page.goto(story('demo-conference-extraction--replayed', 'initialSpeed:0'));
  await page.getByRole('button', { name: 'Extract' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'success', { timeout: 20_000 });
  await expect(page.getByTestId('user')).toHaveCount(3);
  await expect(page.getByTestId('budget')).toHaveText('$50,000');
});

test('PartialText marks a streaming string as busy', async ({ page }) => {
  await page.goto(story('react-partialtext--streaming', 'speed:0'));
  const busy = page.locator('#storybook-root [aria-busy="true"]');
  await expect(busy).toContainText('Grand Tech Arena located at 4521');
  await expect(busy.locator('[data-partial-caret]')).toHaveText('▍');
});

test('the inspector story draws the timeline', async ({ page }) => {
  await page.goto(story('inspector-streaminspector--validation-issues', 'speed:0'));
  await expect(page.locator('[data-metric=issues] dd')).toHaveText('3');
  await expect(
    page.getByRole('img', { name: /^Stream timeline: 17 fields, 3 validation issues/ }),
  ).toBeVisible();
});

test('the docs pages render, and the manager shows no onboarding checklist', async ({ page }) => {
  await page.goto(`${STORYBOOK}/iframe.html?id=introduction--docs&viewMode=docs`);
  await expect(page.getByRole('heading', { name: 'partialkit', level: 1 })).toBeVisible();
  await page.goto(`${STORYBOOK}/iframe.html?id=react-partiallist--docs&viewMode=docs`);
  await expect(page.getByText('renders an array that is still growing').first()).toBeVisible();
  await page.goto(`${STORYBOOK}/?path=/docs/introduction--docs`);
  await expect(
    page.getByRole('link', { name: 'Introduction' }).or(page.getByText('Introduction')).first(),
  ).toBeVisible();
  await expect(page.getByText('Get started')).toHaveCount(0);
});
