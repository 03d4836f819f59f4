import { expect, waitFor, within } from 'storybook/test';

/** Waits until the harness reports `status` (replays take up to a few seconds at 1×). */
export async function settled(canvasElement: HTMLElement, status: string, error?: string) {
  const canvas = within(canvasElement);
  await waitFor(() => expect(canvas.getByTestId('harness-status')).toHaveAttribute('data-status', status), {
    timeout: 15_000,
  });
  if (error) await expect(canvas.getByTestId('harness-status')).toHaveTextContent(error);
  return canvas;
}

/** Waits for a condition on the rendered story. */
export function eventually(check: () => void | Promise<void>) {
  return waitFor(check, { timeout: 15_000 });
}
