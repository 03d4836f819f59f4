import { composeStories } from '@storybook/react';
import { cleanup } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

type StoryModule = Parameters<typeof composeStories>[0];
interface RunnableStory {
  args: Record<string, unknown>;
  run: (context?: { args?: Record<string, unknown> }) => Promise<void>;
}

// Every story file, so a new story is a new test without touching this file.
const modules = import.meta.glob<StoryModule>('./*.stories.tsx', { eager: true });

afterEach(() => cleanup());

describe.each(Object.entries(modules))('%s', (_file, module) => {
  const stories = Object.entries(composeStories(module) as Record<string, RunnableStory>);
  it('has stories', () => expect(stories.length).toBeGreaterThan(0));
  it.each(stories)('%s renders and its play function passes', async (_name, Story) => {
    // Instant replay: every play function waits for states, never for time.
    await Story.run({ args: { ...Story.args, speed: 0 } });
  });
});
