import AxeBuilder from '@axe-core/playwright';
import { INVALID_TALK, TALKS } from '@partialkit/test-utils/talks';
import { expect, type Page, test } from '@playwright/test';

interface Arrived {
  t: number;
  title: string;
  rejected: boolean;
  /** Cards (closed or rejected) already on the page when this one arrived. */
  before: number;
}

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

async function openTalks(page: Page, speed: string) {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Talks, one by one' }).click();
  await expect(page.getByRole('tab', { name: 'Talks, one by one' })).toHaveAttribute('aria-selected', 'true');
  await panel(page).getByTestId('mode').waitFor();
  await panel(page).getByLabel('Replay speed').selectOption(speed);
}

/** The example shown: the one left stays on the page, hidden, with the same test ids. */
const panel = (page: Page) => page.getByRole('tabpanel');
const status = (page: Page) => panel(page).getByTestId('status');
const results = (page: Page) => panel(page).getByTestId('results');

test('talks arrive one by one in programme order; the invalid one is shown rejected while the rest arrive', async ({
  page,
}) => {
  await openTalks(page, '1');
  // A MutationObserver logs every closed or rejected card the moment React adds it.
  await page.evaluate(() => {
    const w = window as unknown as { arrived: Arrived[]; busy: string[] };
    w.arrived = [];
    w.busy = [];
    const region = document.querySelector(
      '[role=tabpanel]:not([hidden]) [data-testid=results]',
    ) as HTMLElement;
    const closed = () =>
      document.querySelectorAll('[data-testid=talk][data-state=complete], [data-testid=rejected-talk]');
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target === region)
          w.busy.push(region.getAttribute('aria-busy') ?? '');
        for (const node of r.addedNodes) {
          if (!(node instanceof HTMLElement)) continue;
          const rejected = node.dataset.testid === 'rejected-talk';
          if (!rejected && !(node.dataset.testid === 'talk' && node.dataset.state === 'complete')) continue;
          w.arrived.push({
            t: performance.now(),
            title: node.querySelector('.card-name')?.textContent ?? '',
            rejected,
            before: [...closed()].filter((c) => c !== node).length,
          });
        }
      }
    }).observe(region, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
  });
  await page.getByRole('button', { name: 'Extract talks' }).click();
  await expect(results(page)).toHaveAttribute('aria-busy', 'true');
  // Mid-stream: the talk being written is a loading card, announced politely.
  await expect(page.locator('[data-testid=talk][data-state=streaming]')).toBeVisible({ timeout: 15_000 });
  await expect(status(page)).toHaveAttribute('aria-live', 'polite');
  await expect(status(page)).toHaveText(/^\d+ talks? so far$/, { timeout: 15_000 });
  // The rejected talk is on the page, marked, while later talks are still to come.
  const rejected = panel(page).getByTestId('rejected-talk');
  await expect(rejected).toBeVisible({ timeout: 20_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'streaming');
  expect(await seriousViolations(page)).toEqual([]);
  await expect(status(page)).toHaveAttribute('data-status', 'success', { timeout: 20_000 });

  const { arrived, busy } = await page.evaluate(() => {
    const w = window as unknown as { arrived: Arrived[]; busy: string[] };
    return { arrived: w.arrived, busy: w.busy };
  });
  // Each talk once, in programme order, each after all the ones before it.
  expect(arrived.map((a) => a.title)).toEqual(TALKS.map((t) => t.title));
  expect(arrived.map((a) => a.before)).toEqual(TALKS.map((_, i) => i));
  expect(arrived.map((a) => a.rejected)).toEqual(TALKS.map((_, i) => i === INVALID_TALK));
  // One by one, not in one batch at the end.
  for (let i = 1; i < arrived.length; i++) expect(arrived[i]!.t - arrived[i - 1]!.t).toBeGreaterThan(20);
  expect(busy.at(-1)).toBe('false');

  // The final page: every valid talk, the rejected one in its place with zod's reason, the counts.
  await expect(status(page)).toHaveText(`Done: ${TALKS.length - 1} talks, 1 rejected`);
  await expect(results(page)).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('[data-testid=talk][data-state=complete]')).toHaveCount(TALKS.length - 1);
  await expect(page.locator('[data-testid=talk][data-state=streaming]')).toHaveCount(0);
  await expect(panel(page).getByTestId('talk-skeleton')).toHaveCount(0);
  await expect(rejected).toHaveCount(1);
  await expect(rejected).toHaveAttribute('data-index', String(INVALID_TALK));
  await expect(rejected.getByTestId('issue')).toHaveText(
    `Rejected by the schema (talk ${INVALID_TALK + 1}): The talk ends before it starts`,
  );
  await expect(panel(page).getByTestId('rejected-count')).toHaveText('1 rejected');
  const shown = await page
    .locator('ol.talks > li')
    .evaluateAll((els) => els.map((el) => el.querySelector('.card-name')?.textContent));
  expect(shown).toEqual(TALKS.map((t) => t.title));
  expect(await seriousViolations(page)).toEqual([]);
});

test('Stop keeps the talks that arrived and the one being written, marked incomplete', async ({ page }) => {
  await openTalks(page, '1');
  await page.getByRole('button', { name: 'Extract talks' }).click();
  await expect(page.locator('[data-testid=talk][data-state=complete]').nth(1)).toBeVisible({
    timeout: 15_000,
  });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'aborted');
  await expect(status(page)).toHaveText(/^Stopped: \d+ talks? kept$/);
  await expect(panel(page).getByTestId('outcome')).toContainText('Stopped');
  await expect(results(page)).toHaveAttribute('aria-busy', 'false');
  await expect(panel(page).getByTestId('talk-skeleton')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Extract talks' })).toBeFocused();
});

test('a card shows its start and end time on two lines beside the title, at 375 px and 1280 px', async ({
  page,
}) => {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await openTalks(page, '0');
    await panel(page).getByRole('button', { name: 'Extract talks' }).click();
    await expect(status(page)).toHaveAttribute('data-status', /success|error/);
    const layout = await panel(page)
      .locator('[data-testid=talk][data-state=complete]')
      .first()
      .evaluate((card) => {
        // Each time a box of its own (not one text run of both), one under the other.
        const rects = [...card.querySelector('.talk-time')!.children].map((c) => c.getBoundingClientRect());
        const title = card.querySelector('[data-testid=talk-title]')!.getBoundingClientRect();
        return {
          lines: new Set(rects.map((r) => Math.round(r.top))).size,
          besideTitle: Math.max(...rects.map((r) => r.right)) <= title.left,
        };
      });
    expect(layout, `${width} px`).toEqual({ lines: 2, besideTitle: true });
  }
});

test("the rejected talk's reason wraps inside its card: no sideways scroll at 375 px", async ({ page }) => {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await openTalks(page, '0');
    await panel(page).getByRole('button', { name: 'Extract talks' }).click();
    await expect(status(page)).toHaveAttribute('data-status', /success|error/);
    const card = panel(page).getByTestId('rejected-talk');
    const [cardBox, noteBox] = [await card.boundingBox(), await card.getByTestId('issue').boundingBox()];
    expect(noteBox!.x + noteBox!.width, `${width} px`).toBeLessThanOrEqual(cardBox!.x + cardBox!.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
  }
});
