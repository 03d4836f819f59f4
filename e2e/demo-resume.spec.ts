import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { expect, type Page, test } from '@playwright/test';
import { demo } from './demo-page.ts';

/** Logs every status line text and every location text the page shows, from before the first Extract. */
async function watch(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { statuses: string[]; locations: string[] };
    w.statuses = [];
    w.locations = [];
    const status = document.querySelector('[data-testid=status]') as HTMLElement;
    const location = document.querySelector('[data-testid=location]') as HTMLElement;
    new MutationObserver(() => {
      const text = status.textContent ?? '';
      if (w.statuses.at(-1) !== text) w.statuses.push(text);
    }).observe(status, { childList: true, subtree: true, characterData: true });
    new MutationObserver(() => {
      if (location.querySelector('.skeleton, .missing')) return;
      const text = (location.textContent ?? '').replace('▍', ''); // the caret of a streaming string
      if (text && w.locations.at(-1) !== text) w.locations.push(text);
    }).observe(location, { childList: true, subtree: true, characterData: true });
  });
}

const logged = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { statuses: string[]; locations: string[] };
    return { statuses: w.statuses, locations: w.locations };
  });

test('Drop connection twice mid-stream: the page reconnects each time and ends equal to the recorded object', async ({
  page,
}) => {
  const d = demo(page);
  await d.open('conference', '1');
  await watch(page);
  await expect(d.drop).toHaveAttribute('aria-disabled', 'true'); // inactive unless streaming
  await d.extract.click();
  await expect(d.cards.first()).toBeVisible({ timeout: 15_000 });
  await d.drop.click();
  await expect(d.status).toHaveAttribute('data-status', 'streaming');
  await expect(d.cards.nth(1)).toBeVisible({ timeout: 15_000 });
  await expect
    .poll(async () => (await logged(page)).statuses.filter((s) => s.startsWith('Reconnecting')).length)
    .toBe(1);
  await d.drop.click();
  await expect(d.status).toHaveAttribute('data-status', 'success', { timeout: 20_000 });
  await expect(d.drop).toHaveAttribute('aria-disabled', 'true');

  const { statuses, locations } = await logged(page);
  // Each drop showed "Reconnecting (attempt 1)" with the cards kept, then streaming went on.
  const reconnecting = statuses.filter((s) => s.startsWith('Reconnecting'));
  expect(reconnecting).toHaveLength(2);
  for (const s of reconnecting) expect(s).toBe('Reconnecting (attempt 1)…');
  expect(statuses.at(-1)).toBe('Done: 3 participants');
  // Every location the page showed is a prefix of the final one: no character lost or repeated.
  expect(locations.length).toBeGreaterThan(1);
  for (const l of locations) expect(MEETING_RESULT.location.startsWith(l)).toBe(true);

  // The final page is exactly MEETING_RESULT.
  expect(JSON.parse((await page.getByTestId('raw').textContent()) ?? '')).toEqual(MEETING_RESULT);
  const cards = await d.cards.evaluateAll((els) =>
    els.map((el) => ({
      name: el.querySelector('.card-name')?.textContent,
      email: el.querySelector('[data-testid=email]')?.textContent,
      twitter: el.querySelector('[data-testid=twitter]')?.textContent,
    })),
  );
  expect(cards).toEqual(MEETING_RESULT.users);
  await expect(page.getByTestId('location')).toHaveText(MEETING_RESULT.location);
  await expect(page.getByTestId('outcome')).toHaveCount(0);
  // The inspector marked both reconnects on its timeline.
  await expect(page.locator('[data-metric=reconnects] dd')).toHaveText('2');
  await expect(page.locator('.inspector [data-mark=reconnect]')).toHaveCount(2);
});

test('Stop after a drop keeps the partial, stays stopped and cancels the stream on the server', async ({
  page,
}) => {
  const d = demo(page);
  await d.open('conference', '1');
  await watch(page);
  await d.extract.click();
  // A participant with a field, not only its opened object (which is no card once the stream ends).
  await expect(d.status).toHaveText(/^\d participants? so far$/, { timeout: 15_000 });
  const cancel = page.waitForRequest((r) => r.method() === 'DELETE');
  await d.drop.click();
  await expect
    .poll(async () => (await logged(page)).statuses.some((s) => s.startsWith('Reconnecting')))
    .toBe(true);
  await d.stop.click();
  const deleted = await cancel;
  expect((await deleted.response())?.status()).toBe(204);
  await expect(d.status).toHaveAttribute('data-status', 'aborted');
  await expect(d.status).toHaveText(/^Stopped: [123] participants? kept$/);
  await expect(d.outcome).toContainText('Stopped');
  await expect(d.results).toHaveAttribute('aria-busy', 'false');
  const kept = await d.cards.count();
  expect(kept).toBeGreaterThan(0);
  // Nothing resumes after the stop, and the server's log of the stream ends cancelled.
  await page.waitForTimeout(1000);
  await expect(d.status).toHaveAttribute('data-status', 'aborted');
  expect(await d.cards.count()).toBe(kept);
  const rest = await (await page.request.get(deleted.url())).text();
  expect(rest).toContain('"type":"cancelled"');
  expect(rest).not.toContain('"deadline"');
});

test('a page reload mid-stream follows the stream again from its start and ends equal to the recorded object', async ({
  page,
}) => {
  const d = demo(page);
  await d.open('conference', '1');
  const deletes: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'DELETE') deletes.push(r.url());
  });
  await d.extract.click();
  await expect(d.cards.first()).toBeVisible({ timeout: 15_000 });
  const resumed = page.waitForRequest((r) => r.method() === 'GET' && /\/api\/extract\/[\w-]+$/.test(r.url()));
  await page.reload();
  await resumed;
  await expect(page.getByLabel('Recording')).toHaveValue('conference');
  await expect(d.status).toHaveAttribute('data-status', 'success', { timeout: 30_000 });
  expect(JSON.parse((await page.getByTestId('raw').textContent()) ?? '')).toEqual(MEETING_RESULT);
  expect(deletes).toEqual([]); // the reload left the stream running: nothing cancelled it
  // Remembered only while it runs: after it ended, a reload starts idle.
  await page.reload();
  await page.getByTestId('mode').waitFor();
  await page.waitForTimeout(500);
  await expect(d.status).toHaveAttribute('data-status', 'idle');
});
