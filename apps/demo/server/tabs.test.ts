// @vitest-environment jsdom
/**
 * The demo's example tabs (src/App.tsx), in jsdom against the demo's real API handler: the ARIA tabs
 * pattern (a roving tabindex, the arrows move), and leaving an example mid-stream gives its stream up.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { App } from '../src/App.tsx';
import { handleApi } from './api.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
const requests: string[] = [];

beforeEach(() => {
  delete process.env.OPENAI_API_KEY;
  // The page's requests go to the demo's real API handler.
  requests.length = 0;
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(`${init?.method ?? 'GET'} ${new URL(String(input), 'http://demo').pathname}`);
    return Promise.resolve(handleApi(new Request(new URL(String(input), 'http://demo'), init)));
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/'); // the tab a test left in the URL would open the next one there
});

/** The app, its conference extraction started at 1× and its first card shown. */
async function extracting(): Promise<void> {
  render(createElement(App));
  await screen.findByTestId('mode');
  fireEvent.change(screen.getByLabelText('Replay speed'), { target: { value: '1' } });
  fireEvent.click(screen.getByRole('button', { name: 'Extract' }));
  await waitFor(() => expect(screen.getAllByTestId('user').length).toBeGreaterThan(0), { timeout: 10_000 });
}

it('the arrow keys move between the example tabs (the only keyboard path to the Talks tab)', async () => {
  render(createElement(App));
  const conference = screen.getByRole('tab', { name: 'Conference extraction' });
  const talks = screen.getByRole('tab', { name: 'Talks, one by one' });
  expect(talks.tabIndex).toBe(-1); // not in the Tab order: the ARIA tabs pattern relies on arrows
  conference.focus();
  fireEvent.keyDown(conference, { key: 'ArrowRight' });
  await waitFor(() => expect(document.activeElement).toBe(talks));
});

it('leaving the example mid-stream (another tab) cancels its stream on the server, as Stop does', async () => {
  await extracting();
  await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Talks, one by one' })));
  await waitFor(() => expect(requests.some((r) => /^DELETE \/api\/extract\/.+/.test(r))).toBe(true));
});

it('coming back to an example finds it as it was left: its result, and its stopped stream with what had arrived', async () => {
  render(createElement(App));
  await screen.findByTestId('mode');
  fireEvent.change(screen.getByLabelText('Replay speed'), { target: { value: '0' } });
  fireEvent.click(screen.getByRole('button', { name: 'Extract' }));
  await waitFor(() => expect(screen.getByTestId('status').dataset.status).toBe('success'), {
    timeout: 10_000,
  });
  const cards = screen.getAllByTestId('user').map((c) => c.textContent);
  const conference = screen.getByRole('tab', { name: 'Conference extraction' });
  const talks = screen.getByRole('tab', { name: 'Talks, one by one' });
  await act(async () => fireEvent.click(talks));
  const talksPanel = await screen.findByRole('tabpanel');
  expect(talksPanel.getAttribute('aria-labelledby')).toBe(talks.id);
  // The talks example streams while the conference one is hidden, then the conference one comes back.
  fireEvent.change(within(talksPanel).getByLabelText('Replay speed'), { target: { value: '1' } });
  fireEvent.click(within(talksPanel).getByRole('button', { name: 'Extract talks' }));
  await waitFor(() => expect(within(talksPanel).getAllByTestId('talk').length).toBeGreaterThan(0), {
    timeout: 10_000,
  });
  await act(async () => fireEvent.click(conference));
  const panel = screen.getByRole('tabpanel');
  expect(panel.getAttribute('aria-labelledby')).toBe(conference.id);
  expect({
    status: within(panel).getByTestId('status').dataset.status,
    cards: within(panel)
      .getAllByTestId('user')
      .map((c) => c.textContent),
  }).toEqual({ status: 'success', cards });
  // The talks stream was left mid-way: it stopped, and what had arrived is there when it is shown again.
  await waitFor(() => expect(requests).toContain('POST /api/talks'));
  await act(async () => fireEvent.click(talks));
  const again = screen.getByRole('tabpanel');
  await waitFor(() => expect(within(again).getByTestId('outcome').textContent).toMatch(/Stopped/));
  // Said as it happened: the visitor left, and pressed no Stop.
  expect(within(again).getByTestId('outcome').textContent).toContain('when you left this example');
  expect(within(again).getAllByTestId('talk').length).toBeGreaterThan(0);
});

it('coming back to an example left mid-stream says it stopped when it was left; Stop says "You stopped"', async () => {
  await extracting();
  await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Talks, one by one' })));
  await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Conference extraction' })));
  const panel = screen.getByRole('tabpanel');
  await waitFor(() =>
    expect(within(panel).getByTestId('outcome').textContent).toContain('when you left this example'),
  );
  fireEvent.click(within(panel).getByRole('button', { name: 'Extract' }));
  await waitFor(() => expect(within(panel).getAllByTestId('user').length).toBeGreaterThan(0), {
    timeout: 10_000,
  });
  fireEvent.click(within(panel).getByRole('button', { name: 'Stop' }));
  await waitFor(() => expect(within(panel).getByTestId('outcome').textContent).toContain('You stopped'));
});

it('the tab shown is in the title and the URL, and a URL naming a tab opens it', async () => {
  history.replaceState(null, '', '/#talks');
  render(createElement(App));
  expect(screen.getByRole('tab', { name: 'Talks, one by one' }).getAttribute('aria-selected')).toBe('true');
  await waitFor(() => expect(document.title).toBe('partialkit demo: talks, one by one'));
  await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Conference extraction' })));
  expect(document.title).toBe('partialkit demo: conference extraction');
  expect(location.hash).toBe('');
  await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Talks, one by one' })));
  expect(location.hash).toBe('#talks');
});
