import { expect, test } from '@playwright/test';
import { demo } from './demo-page.ts';

const CASES = [
  {
    scenario: 'provider-error',
    error: 'ProviderError',
    title: 'The provider reported an error mid-stream',
    detail: 'The server had an error while processing your request',
    status: 'Failed (provider error): 3 participants kept',
    cards: 3,
  },
  {
    scenario: 'truncated',
    error: 'TruncatedError',
    title: 'The response was cut off',
    detail: 'finish_reason "length"',
    status: 'Failed (truncated): 3 participants kept',
    cards: 3,
  },
  {
    scenario: 'dropped',
    error: 'NetworkError',
    title: 'The connection was lost',
    detail: 'What had arrived is kept',
    status: /^Failed \(connection lost\): [1-3] participants? kept$/, // what was sent before the drop
    cards: undefined,
  },
] as const;

for (const c of CASES) {
  test(`${c.scenario}: the error is shown once, the cards are kept, nothing still looks like loading`, async ({
    page,
  }) => {
    const d = demo(page);
    await d.open(c.scenario, '4');
    await d.extract.click();
    await expect(d.status).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
    await expect(d.status).toHaveText(c.status);
    await expect(d.outcome).toHaveAttribute('data-error', c.error);
    await expect(d.outcome.locator('.outcome-title')).toHaveText(c.title);
    await expect(d.outcome).toContainText(c.detail);
    await expect(page.getByText(c.title)).toHaveCount(1);
    if (c.cards) await expect(d.cards).toHaveCount(c.cards);
    else expect(await d.cards.count()).toBeGreaterThanOrEqual(1);
    // An unfinished card says so (the last, when it holds something: one that opened and holds nothing
    // is no card); no skeleton, spinner or busy flag remains.
    const unfinished = page.locator('[data-testid=user][data-complete=false]');
    if (c.cards) await expect(unfinished).toHaveCount(1);
    for (const card of await unfinished.all()) {
      await expect(card).toHaveAttribute('data-state', 'incomplete');
      await expect(card).toContainText('incomplete');
    }
    await expect(page.locator('[data-testid=user] .avatar:empty')).toHaveCount(0);
    await expect(page.getByTestId('user-skeleton')).toHaveCount(0);
    await expect(page.locator('.skeleton')).toHaveCount(0);
    await expect(d.results).toHaveAttribute('aria-busy', 'false');
    await expect(d.extract).toHaveText('Extract');
    // The cards before it are intact.
    await expect(d.cards.first()).toHaveAttribute('data-complete', 'true');
    await expect(d.cards.first().getByTestId('email')).toHaveText('john.doe@example.com');
  });
}

test('validation failure: each invalid value is marked on its own field, once', async ({ page }) => {
  const d = demo(page);
  await d.open('validation', '1');
  await d.extract.click();
  // Jane's card is marked as soon as it closes, while the stream still runs.
  const jane = d.cards.nth(1);
  await expect(jane.getByTestId('issue')).toHaveText('Not a valid email address', { timeout: 15_000 });
  await expect(d.status).toHaveAttribute('data-status', 'streaming');
  await expect(d.status).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
  await expect(d.outcome).toHaveAttribute('data-error', 'ValidationError');
  await expect(d.outcome).toHaveText(
    'The result does not match the schema3 values failed validation; each is marked where it appears.',
  );
  await expect(page.getByTestId('issue')).toHaveText([
    'Not a real date (YYYY-MM-DD)',
    'Not a whole number',
    'Not a valid email address',
  ]);
  await expect(page.getByTestId('date').locator('.value.invalid')).toHaveText('2024-13-45');
  await expect(page.getByTestId('budget').locator('.value.invalid')).toHaveText('$12.5');
  await expect(jane.locator('.value.invalid')).toHaveText('not-an-email');
  await expect(d.cards.first().locator('.invalid')).toHaveCount(0);
  await expect(d.cards).toHaveCount(3);
});

test('HTTP error: the status and the API message, no stream, no cards', async ({ page }) => {
  const d = demo(page);
  await d.open('http-error', '4');
  await d.extract.click();
  await expect(d.status).toHaveAttribute('data-status', 'error');
  await expect(d.outcome.locator('.outcome-title')).toHaveText(
    /^The API answered HTTP 429( Too Many Requests)?$/,
  );
  await expect(d.outcome).toContainText('Rate limit reached for gpt-4o');
  await expect(d.status).toHaveText('Failed (HTTP 429): 0 participants kept');
  await expect(d.cards).toHaveCount(0);
  await expect(page.getByText('No participants arrived.')).toBeVisible();
});
