import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent } from 'storybook/test';
import { MeetingView } from '../apps/demo/src/meeting/MeetingView.tsx';
import { type HarnessArgs, harnessArgTypes, harnessDefaults, ReplayHarness } from './harness.tsx';
import { eventually, settled } from './play.ts';
import { eventsUntil } from './replay-fetcher.ts';

/** The demo's whole result view over the replayed stream. */
function StreamedMeeting(args: HarnessArgs) {
  return <ReplayHarness {...args}>{(meeting) => <MeetingView {...meeting} />}</ReplayHarness>;
}

/**
 * The meeting view: the status line, how the stream ended, the meeting details and the participant
 * cards, in every state a stream can be in.
 */
const meta = {
  title: 'Demo/MeetingView',
  component: StreamedMeeting,
  args: harnessDefaults,
  argTypes: harnessArgTypes,
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof StreamedMeeting>;

export default meta;
type Story = StoryObj<typeof meta>;

export const NotStarted: Story = {
  args: { autoplay: false },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'idle');
    await expect(canvas.getByTestId('status')).toHaveTextContent('Ready');
    await expect(canvas.getByText(/Nothing extracted yet/)).toBeVisible();
  },
};

export const Streaming: Story = {
  args: { holdAfter: eventsUntil('conference', '"jane.smith@') },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'streaming');
    await eventually(() => expect(canvas.getByTestId('status')).toHaveTextContent('2 participants so far'));
    await expect(canvas.getByTestId('results')).toHaveAttribute('aria-busy', 'true');
    // The stream holds after Jane's email began: John complete, Jane streaming.
    await eventually(() =>
      expect(canvas.getAllByTestId('user').map((c) => c.dataset.state)).toEqual(['complete', 'streaming']),
    );
  },
};

/**
 * What the view shows while a resumable stream reconnects (the demo's "Drop connection"): the stream
 * held after Jane's email, shown as the store reports a lost connection on its second attempt. The
 * cards stay loading, not broken; the reconnect is told once, politely. (The reconnect itself runs
 * for real in the demo's Playwright spec, against its server.)
 */
function ReconnectingMeeting(args: HarnessArgs) {
  return (
    <ReplayHarness {...args}>
      {(meeting) => <MeetingView {...meeting} status="reconnecting" reconnects={2} />}
    </ReplayHarness>
  );
}

export const Reconnecting: Story = {
  args: { holdAfter: eventsUntil('conference', '"jane.smith@') },
  render: (args) => <ReconnectingMeeting {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'streaming');
    await eventually(() =>
      expect(canvas.getByTestId('status')).toHaveTextContent('Reconnecting (attempt 2)…'),
    );
    await expect(canvas.getByTestId('status')).toHaveAttribute('data-reconnects', '2');
    await expect(canvas.getByTestId('reconnecting')).toHaveTextContent(
      'Connection lost: reconnecting (attempt 2)',
    );
    await expect(canvas.getByTestId('results')).toHaveAttribute('aria-busy', 'true');
    await expect(canvas.queryByTestId('outcome')).toBeNull();
    // The stream holds after Jane's email began: John complete, Jane streaming.
    await eventually(() =>
      expect(canvas.getAllByTestId('user').map((c) => c.dataset.state)).toEqual(['complete', 'streaming']),
    );
  },
};

export const Complete: Story = {
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'success');
    await expect(canvas.getByTestId('status')).toHaveTextContent('Done: 3 participants');
    await expect(canvas.getByTestId('results')).toHaveAttribute('aria-busy', 'false');
    await expect(canvas.getByTestId('location')).toHaveTextContent(MEETING_RESULT.location);
    await expect(canvas.getByTestId('budget')).toHaveTextContent('$50,000');
    await expect(canvas.queryByTestId('outcome')).toBeNull();
  },
};

export const ValidationError: Story = {
  args: { fixture: 'validation' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'ValidationError');
    await expect(canvas.getByTestId('outcome')).toHaveTextContent('3 values failed validation');
    await expect(canvas.getAllByTestId('issue').map((i) => i.textContent)).toEqual([
      'Not a real date (YYYY-MM-DD)',
      'Not a whole number',
      'Not a valid email address',
    ]);
  },
};

export const ProviderErrorMidStream: Story = {
  args: { fixture: 'provider-error' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'ProviderError');
    await expect(canvas.getByTestId('outcome')).toHaveTextContent(
      'The provider reported an error mid-stream',
    );
    await expect(canvas.getAllByTestId('user')).toHaveLength(3);
    await expect(canvas.queryByTestId('user-skeleton')).toBeNull();
  },
};

export const Truncated: Story = {
  args: { fixture: 'truncated' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error');
    await expect(canvas.getByTestId('outcome')).toHaveTextContent('The response was cut off');
    await expect(canvas.getByTestId('status')).toHaveTextContent('Failed (truncated): 3 participants kept');
  },
};

export const HTTPError: Story = {
  args: { fixture: 'http-error' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'HTTPError');
    await expect(canvas.getByTestId('outcome')).toHaveTextContent('The API answered HTTP 429');
  },
};

export const DroppedConnection: Story = {
  args: { fixture: 'dropped' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'NetworkError');
    await expect(canvas.getByTestId('outcome')).toHaveTextContent('The connection was lost');
    await expect(canvas.getAllByTestId('user').length).toBeGreaterThanOrEqual(1);
  },
};

export const Aborted: Story = {
  args: { holdAfter: eventsUntil('conference', '"jane.smith@') },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'streaming');
    await eventually(() => expect(canvas.getAllByTestId('user')).toHaveLength(2));
    await userEvent.click(canvas.getAllByRole('button', { name: 'Stop' })[0] as HTMLElement);
    await settled(canvasElement, 'aborted');
    await expect(canvas.getByTestId('status')).toHaveTextContent('Stopped: 2 participants kept');
    await expect(canvas.getAllByTestId('user')[1]).toHaveAttribute('data-state', 'incomplete');
  },
};

export const ThousandItems: Story = {
  args: { fixture: 'thousand', speed: 0 },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'success');
    await expect(canvas.getAllByTestId('user')).toHaveLength(1000);
    await expect(canvas.getByTestId('status')).toHaveTextContent('Done: 1000 participants');
  },
};
