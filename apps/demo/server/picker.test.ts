// @vitest-environment jsdom
/**
 * The Recording picker is locked while a stream runs: switching it mid-stream would show notes and a result
 * that do not belong together.
 */
import { MEETING_TEXT } from '@partialkit/test-utils/conference';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { MeetingExample } from '../src/meeting/MeetingExample.tsx';
import { handleApi } from './api.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeEach(() => {
  delete process.env.OPENAI_API_KEY;
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
    Promise.resolve(handleApi(new Request(new URL(String(input), 'http://demo'), init))),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

it('changing the recording mid-stream does not relabel the running extraction', async () => {
  render(createElement(MeetingExample, { config: { mode: 'replay' }, initialSpeed: 4 }));
  fireEvent.click(screen.getByRole('button', { name: 'Extract' }));
  await waitFor(() => expect(screen.getAllByTestId('user').length).toBeGreaterThan(0), { timeout: 10_000 });
  const picker = screen.getByLabelText('Recording') as HTMLSelectElement;
  const locked = picker.disabled || picker.getAttribute('aria-disabled') === 'true';
  fireEvent.change(picker, { target: { value: 'validation' } });
  expect(screen.getByTestId('status').getAttribute('data-status')).toBe('streaming');
  const notes = screen.getByLabelText('Meeting notes (recorded input)') as HTMLTextAreaElement;
  // Either the picker is locked while streaming, or the notes stay those of the running extraction.
  expect(locked || notes.value === MEETING_TEXT).toBe(true);
});

it('choosing another recording after a run clears the result, which belonged to the one before', async () => {
  render(createElement(MeetingExample, { config: { mode: 'replay' }, initialSpeed: 0 }));
  fireEvent.click(screen.getByRole('button', { name: 'Extract' }));
  await waitFor(() => expect(screen.getByTestId('status').getAttribute('data-status')).toBe('success'), {
    timeout: 10_000,
  });
  expect(screen.getAllByTestId('user').length).toBe(3);
  fireEvent.change(screen.getByLabelText('Recording'), { target: { value: 'validation' } });
  expect(screen.getByTestId('status').getAttribute('data-status')).toBe('idle');
  expect(screen.queryAllByTestId('user')).toEqual([]);
});
