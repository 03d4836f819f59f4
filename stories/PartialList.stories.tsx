import { PartialList } from '@partialkit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent } from 'storybook/test';
import { issueText } from '../apps/demo/src/meeting/issues.ts';
import { type HarnessArgs, harnessArgTypes, harnessDefaults, ReplayHarness } from './harness.tsx';
import { eventually, settled } from './play.ts';
import { eventsUntil } from './replay-fetcher.ts';

/** `<PartialList>` over `users` of the replayed stream: one row per participant, the open one marked. */
function ParticipantsList(args: HarnessArgs) {
  return (
    <ReplayHarness {...args}>
      {({ object, issues }) => (
        <ul className="story-list" aria-label="Participants">
          <PartialList
            items={object?.users}
            placeholder={<li className="missing">No participants yet</li>}
            render={(user, { index, complete }) => {
              const issue = issues.find((i) => i.path[0] === 'users' && i.path[1] === index);
              return (
                <li data-testid="row" data-complete={complete}>
                  <strong>{user.name}</strong>
                  <span className={issue ? 'value invalid' : 'value'}>{user.email}</span>
                  {issue && <span className="issue-note">{issueText(issue)}</span>}
                  <span className="mark">{complete ? 'closed' : 'streaming…'}</span>
                </li>
              );
            }}
          />
        </ul>
      )}
    </ReplayHarness>
  );
}

/**
 * `<PartialList>` renders an array that is still growing. Closed items are memoised by identity, so
 * they do not re-render while later ones stream; the open item gets `{ complete: false }`.
 */
const meta = {
  title: 'React/PartialList',
  component: ParticipantsList,
  args: harnessDefaults,
  argTypes: harnessArgTypes,
} satisfies Meta<typeof ParticipantsList>;

export default meta;
type Story = StoryObj<typeof meta>;

export const NotStarted: Story = {
  args: { autoplay: false },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'idle');
    await expect(canvas.getByText('No participants yet')).toBeVisible();
  },
};

/** Held open inside Jane's email: John's row is closed, Jane's streams. */
export const Streaming: Story = {
  args: { holdAfter: eventsUntil('conference', '"jane.smith@') },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'streaming');
    await eventually(() => expect(canvas.getAllByTestId('row')).toHaveLength(2));
    const [john, jane] = canvas.getAllByTestId('row');
    await expect(john).toHaveAttribute('data-complete', 'true');
    await expect(jane).toHaveAttribute('data-complete', 'false');
    await expect(jane).toHaveTextContent('Jane Smith');
    // The email is atomic: nothing of it shows until it is complete.
    await expect(jane).not.toHaveTextContent('@');
  },
};

export const Complete: Story = {
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'success');
    const rows = canvas.getAllByTestId('row');
    await expect(rows.map((r) => r.querySelector('strong')?.textContent)).toEqual([
      'John Doe',
      'Jane Smith',
      'Alex Johnson',
    ]);
    for (const row of rows) await expect(row).toHaveAttribute('data-complete', 'true');
  },
};

/** Each item is validated when it closes: Jane's email fails while the stream still runs. */
export const ValidationErrorPerItem: Story = {
  args: { fixture: 'validation' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'ValidationError');
    const rows = canvas.getAllByTestId('row');
    await expect(rows[1]).toHaveTextContent('Not a valid email address');
    await expect(rows[0]?.querySelector('.issue-note')).toBeNull();
    await expect(rows[2]?.querySelector('.issue-note')).toBeNull();
  },
};

export const ProviderErrorMidStream: Story = {
  args: { fixture: 'provider-error' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'ProviderError');
    const rows = canvas.getAllByTestId('row');
    await expect(rows).toHaveLength(3);
    await expect(rows[2]).toHaveAttribute('data-complete', 'false');
    await expect(rows[2]).toHaveTextContent('Alex Jo');
  },
};

export const Truncated: Story = {
  args: { fixture: 'truncated' },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'TruncatedError');
    await expect(canvas.getAllByTestId('row')).toHaveLength(3);
    await expect(canvas.getAllByTestId('row')[2]).toHaveAttribute('data-complete', 'false');
  },
};

/** Stopped while Jane streams: the partial list is kept. */
export const Aborted: Story = {
  args: { holdAfter: eventsUntil('conference', '"jane.smith@') },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'streaming');
    await eventually(() => expect(canvas.getAllByTestId('row')).toHaveLength(2));
    await userEvent.click(canvas.getByRole('button', { name: 'Stop' }));
    await settled(canvasElement, 'aborted');
    await expect(canvas.getAllByTestId('row')).toHaveLength(2);
  },
};

export const ThousandItems: Story = {
  args: { fixture: 'thousand', speed: 0 },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'success');
    const rows = canvas.getAllByTestId('row');
    await expect(rows).toHaveLength(1000);
    await expect(rows[999]).toHaveTextContent('Participant 1000');
  },
};
