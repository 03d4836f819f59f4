import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import { expect, test } from '@playwright/test';
import { demo } from './demo-page.ts';

interface Added {
  t: number;
  name: string;
  /** How many cards before it were already complete when it was added. */
  completeBefore: number;
  cardsBefore: number;
}

test('cards appear one after another, in order, each after the one before it closed; the page ends equal to the object', async ({
  page,
}) => {
  const d = demo(page);
  await d.open('conference', '4');
  // A MutationObserver logs every card the moment React adds it, and every card and tile size seen.
  await page.evaluate(() => {
    const w = window as unknown as { added: Added[]; heights: number[]; detailsTop: number[] };
    w.added = [];
    w.heights = [];
    w.detailsTop = [];
    const results = document.querySelector('[data-testid=results]') as HTMLElement;
    new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (!(node instanceof HTMLElement) || node.dataset.testid !== 'user') continue;
          const before = [...document.querySelectorAll<HTMLElement>('[data-testid=user]')].filter(
            (c) => c !== node,
          );
          w.added.push({
            t: performance.now(),
            name: node.querySelector('.card-name')?.textContent ?? '',
            completeBefore: before.filter((c) => c.dataset.complete === 'true').length,
            cardsBefore: before.length,
          });
        }
      }
      for (const c of document.querySelectorAll<HTMLElement>('.card'))
        w.heights.push(c.getBoundingClientRect().height);
      w.detailsTop.push((document.querySelector('.details') as HTMLElement).getBoundingClientRect().top);
    }).observe(results, { childList: true, subtree: true, characterData: true, attributes: true });
  });
  await d.extract.click();
  await expect(d.status).toHaveAttribute('data-status', 'success', { timeout: 20_000 });

  const { added, heights, detailsTop } = await page.evaluate(() => {
    const w = window as unknown as { added: Added[]; heights: number[]; detailsTop: number[] };
    return { added: w.added, heights: w.heights, detailsTop: w.detailsTop };
  });
  expect(added.map((a) => [a.cardsBefore, a.completeBefore])).toEqual([
    [0, 0],
    [1, 1],
    [2, 2],
  ]);
  // The first characters of each name, as the card appears (the name streams in afterwards).
  added.forEach((a, i) => {
    expect(MEETING_RESULT.users[i]?.name.startsWith(a.name)).toBe(true);
  });
  // One after another: later cards arrive later, not in one batch.
  expect(added[1]!.t - added[0]!.t).toBeGreaterThan(50);
  expect(added[2]!.t - added[1]!.t).toBeGreaterThan(50);
  // No layout shift: every card (skeleton, streaming, complete) has one height, and the details stay put.
  expect(new Set(heights.map(Math.round)).size).toBe(1);
  expect(new Set(detailsTop.map(Math.round)).size).toBe(1);

  // The final page shows exactly MEETING_RESULT.
  const cards = await d.cards.evaluateAll((els) =>
    els.map((el) => ({
      name: el.querySelector('.card-name')?.textContent,
      email: el.querySelector('[data-testid=email]')?.textContent,
      twitter: el.querySelector('[data-testid=twitter]')?.textContent,
    })),
  );
  expect(cards).toEqual(MEETING_RESULT.users);
  await expect(page.getByTestId('date')).toHaveText(MEETING_RESULT.date);
  await expect(page.getByTestId('deadline')).toHaveText(MEETING_RESULT.deadline);
  await expect(page.getByTestId('budget')).toHaveText(`$${MEETING_RESULT.budget.toLocaleString('en-US')}`);
  await expect(page.getByTestId('location')).toHaveText(MEETING_RESULT.location);
  await expect(page.getByTestId('issue')).toHaveCount(0);
});
