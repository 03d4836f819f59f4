import { MEETING_RESULT } from '@partialkit/test-utils/conference';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { MeetingExample } from '../apps/demo/src/meeting/MeetingExample.tsx';
import { demoReplayFetcher } from './replay-fetcher.ts';

/** The whole demo page, replayed in the browser (no server): pick a recording and press Extract. */
const meta = {
  title: 'Demo/Conference extraction',
  component: MeetingExample,
  args: { config: { mode: 'replay' }, initialScenario: 'conference', initialSpeed: 4 },
  argTypes: {
    initialScenario: {
      control: 'select',
      options: ['conference', 'provider-error', 'truncated', 'validation', 'http-error', 'dropped'],
    },
    initialSpeed: { control: { type: 'inline-radio' }, options: [1, 4, 0] },
    fetcher: { table: { disable: true } },
    config: { table: { disable: true } },
  },
  // The fetcher is a function, not an arg a control could edit.
  render: (args) => <MeetingExample {...args} fetcher={demoReplayFetcher()} />,
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof MeetingExample>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Replayed: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'Extract' }));
    await waitFor(() => expect(canvas.getByTestId('status')).toHaveAttribute('data-status', 'success'), {
      timeout: 15_000,
    });
    await expect(JSON.parse(canvas.getByTestId('raw').textContent ?? '')).toEqual(MEETING_RESULT);
  },
};

export const ValidationFailure: Story = {
  args: { initialScenario: 'validation' },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const notes = canvas.getByLabelText('Meeting notes (recorded input)') as HTMLTextAreaElement;
    await expect(notes.value).toContain('Email: not-an-email');
    await expect(notes).toHaveAttribute('readonly');
    await userEvent.click(canvas.getByRole('button', { name: 'Extract' }));
    await waitFor(() => expect(canvas.getByTestId('status')).toHaveAttribute('data-status', 'error'), {
      timeout: 15_000,
    });
    await expect(canvas.getAllByTestId('issue')).toHaveLength(3);
  },
};
