import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import { issuesUnder } from '../apps/demo/src/meeting/issues.ts';
import { ParticipantCard, SkeletonCard } from '../apps/demo/src/meeting/ParticipantCard.tsx';
import { type HarnessArgs, harnessArgTypes, harnessDefaults, ReplayHarness } from './harness.tsx';
import { eventually, settled } from './play.ts';
import { eventsUntil } from './replay-fetcher.ts';

/** One participant card of the demo, fed by `users[index]` of the replayed stream. */
function StreamedCard({ index, ...args }: HarnessArgs & { index: number }) {
  return (
    <ReplayHarness {...args}>
      {({ object, status, issues, isComplete }) => {
        const user = object?.users?.[index];
        const complete = user !== undefined && isComplete(user);
        const mine = issuesUnder(issues, ['users', index]);
        return (
          <ul className="story-card">
            {user ? (
              <ParticipantCard
                user={user}
                complete={complete}
                streaming={status === 'streaming' && !complete}
                issues={mine.size ? mine : undefined}
              />
            ) : (
              <SkeletonCard />
            )}
          </ul>
        );
      }}
    </ReplayHarness>
  );
}

/**
 * The demo's participant card: skeletons (hidden from screen readers) for fields still to come, the
 * values once they arrive, the failed field marked once the card closes, and "incomplete" when the
 * stream ended first. Every state has the same size.
 */
const meta = {
  title: 'Demo/ParticipantCard',
  component: StreamedCard,
  args: { ...harnessDefaults, index: 0 },
  argTypes: { ...harnessArgTypes, index: { control: { type: 'number', min: 0, max: 2 } } },
} satisfies Meta<typeof StreamedCard>;

export default meta;
type Story = StoryObj<typeof meta>;

export const NotStarted: Story = {
  args: { autoplay: false },
  play: async ({ canvasElement }) => {
    await settled(canvasElement, 'idle');
    const skeleton = canvasElement.querySelector('[data-testid=user-skeleton]');
    await expect(skeleton).toHaveAttribute('aria-hidden', 'true');
  },
};

/** Jane's card while her email streams: name shown, email and twitter still skeletons. */
export const Streaming: Story = {
  args: { index: 1, holdAfter: eventsUntil('conference', '"jane.smith@') },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'streaming');
    await eventually(() => expect(canvas.getByTestId('user')).toHaveAttribute('data-state', 'streaming'));
    await expect(canvas.getByTestId('user')).toHaveTextContent('Jane Smith');
    await expect(canvas.getByTestId('email').querySelector('.skeleton')).toHaveAttribute(
      'aria-hidden',
      'true',
    );
    await expect(canvas.getByTestId('email')).toHaveTextContent('');
  },
};

export const Complete: Story = {
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'success');
    await expect(canvas.getByTestId('user')).toHaveAttribute('data-state', 'complete');
    await expect(canvas.getByTestId('email')).toHaveTextContent('john.doe@example.com');
    await expect(canvas.getByTestId('twitter')).toHaveTextContent('@TechGuru44');
  },
};

/** Jane's email fails the schema: marked on the field, once. */
export const InvalidEmail: Story = {
  args: { fixture: 'validation', index: 1 },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'ValidationError');
    await expect(canvas.getByTestId('email')).toHaveTextContent('not-an-email');
    await expect(canvas.getAllByTestId('issue')).toHaveLength(1);
    await expect(canvas.getByTestId('issue')).toHaveTextContent('Not a valid email address');
  },
};

/** The provider failed inside Alex's card: it says "incomplete", not "loading". */
export const Incomplete: Story = {
  args: { fixture: 'provider-error', index: 2 },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'error', 'ProviderError');
    await expect(canvas.getByTestId('user')).toHaveAttribute('data-state', 'incomplete');
    await expect(canvas.getByTestId('user')).toHaveTextContent('incomplete');
    await expect(canvasElement.querySelector('.skeleton')).toBeNull();
  },
};
