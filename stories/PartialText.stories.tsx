import { PartialText } from '@partialkit/react';
import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import { type HarnessArgs, harnessArgTypes, harnessDefaults, ReplayHarness } from './harness.tsx';
import { eventually, settled } from './play.ts';
import { eventsUntil } from './replay-fetcher.ts';

/** `<PartialText>` for the streamed `location`. */
function StreamedLocation(args: HarnessArgs) {
  return (
    <ReplayHarness {...args}>
      {({ object, isCompleteAt }) => (
        <p className="story-text" data-testid="text">
          <PartialText
            value={object?.location}
            complete={isCompleteAt(['location'])}
            placeholder={<span className="missing">No location yet</span>}
          />
        </p>
      )}
    </ReplayHarness>
  );
}

/**
 * `<PartialText>` shows a string that may still grow: `aria-busy` and a caret while it streams, plain
 * text once it closed, a placeholder before it starts.
 */
const meta = {
  title: 'React/PartialText',
  component: StreamedLocation,
  args: harnessDefaults,
  argTypes: harnessArgTypes,
} satisfies Meta<typeof StreamedLocation>;

export default meta;
type Story = StoryObj<typeof meta>;

export const NotStarted: Story = {
  args: { autoplay: false },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'idle');
    await expect(canvas.getByTestId('text')).toHaveTextContent('No location yet');
  },
};

/** Held open in the middle of the location. */
export const Streaming: Story = {
  args: { holdAfter: eventsUntil('conference', 'at 4521') },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'streaming');
    await eventually(() => expect(canvasElement.querySelector('[aria-busy="true"]')).not.toBeNull());
    const busy = canvasElement.querySelector('[aria-busy="true"]') as HTMLElement;
    const text = busy.firstChild?.textContent ?? '';
    await expect(MEETING_RESULT.location.startsWith(text)).toBe(true);
    await expect(text.length).toBeLessThan(MEETING_RESULT.location.length);
    await expect(busy.querySelector('[data-partial-caret]')).toHaveAttribute('aria-hidden', 'true');
    await expect(canvas.getByTestId('text')).toHaveTextContent('at 4521');
  },
};

export const Complete: Story = {
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'success');
    await expect(canvas.getByTestId('text')).toHaveTextContent(MEETING_RESULT.location);
    await expect(canvasElement.querySelector('[aria-busy]')).toBeNull();
    await expect(canvasElement.querySelector('[data-partial-caret]')).toBeNull();
  },
};

/** The stream stops before the location: the placeholder stays. */
export const NeverArrived: Story = {
  args: { fixture: 'truncated' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error');
    await expect(canvas.getByTestId('text')).toHaveTextContent('No location yet');
  },
};
