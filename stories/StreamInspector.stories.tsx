import { StreamInspector, StreamRecorder } from '@partialkit/react/inspector';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect } from 'storybook/test';
import { type HarnessArgs, harnessArgTypes, harnessDefaults, ReplayHarness } from './harness.tsx';
import { eventually, settled } from './play.ts';

/** The inspector on the replayed stream, its recorder tapping the fetcher for byte counts. */
function InspectedStream(args: HarnessArgs) {
  const [recorder] = useState(() => new StreamRecorder());
  return (
    <ReplayHarness {...args} recorder={recorder}>
      {({ store }) => <StreamInspector store={store} recorder={recorder} className="panel inspector" />}
    </ReplayHarness>
  );
}

/**
 * `StreamInspector` from `@partialkit/react/inspector`: a development panel for one store, with time to
 * first field, chunks, bytes, characters per second and an SVG timeline of bytes, fields (appeared →
 * closed), validation issues (red marks) and resets.
 */
const meta = {
  title: 'Inspector/StreamInspector',
  component: InspectedStream,
  args: harnessDefaults,
  argTypes: harnessArgTypes,
} satisfies Meta<typeof InspectedStream>;

export default meta;
type Story = StoryObj<typeof meta>;

const metric = (root: HTMLElement, id: string) => root.querySelector(`[data-metric=${id}] dd`)?.textContent;

export const NotStarted: Story = {
  args: { autoplay: false },
  play: async ({ canvasElement }) => {
    const canvas = await settled(canvasElement, 'idle');
    await expect(canvas.getByText(/No run yet/)).toBeVisible();
  },
};

export const Complete: Story = {
  args: { chunkSize: 64 },
  play: async ({ canvasElement }) => {
    await settled(canvasElement, 'success');
    await eventually(() => expect(metric(canvasElement, 'fields')).toBe('17 / 17'));
    await expect(metric(canvasElement, 'chars')).toBe('377');
    await expect(metric(canvasElement, 'issues')).toBe('0');
    await expect(canvasElement.querySelector('svg[role=img]')?.getAttribute('aria-label')).toMatch(
      /^Stream timeline: 17 fields, 0 validation issues/,
    );
    // One row per field and list item: users, its three items, date, location, budget, deadline.
    await expect(canvasElement.querySelectorAll('svg [data-path]').length).toBe(8);
  },
};

export const ValidationIssues: Story = {
  args: { fixture: 'validation' },
  play: async ({ canvasElement }) => {
    await settled(canvasElement, 'error', 'ValidationError');
    await eventually(() => expect(metric(canvasElement, 'issues')).toBe('3'));
    await expect(canvasElement.querySelectorAll('svg path[fill="#dc2626"]').length).toBe(3);
  },
};

export const ProviderErrorMidStream: Story = {
  args: { fixture: 'provider-error' },
  play: async ({ canvasElement }) => {
    await settled(canvasElement, 'error', 'ProviderError');
    await eventually(() =>
      expect(canvasElement.querySelector('[data-metric=error]')).toHaveTextContent('ProviderError'),
    );
    // users, users[2] and its name never closed: drawn hollow.
    await expect(canvasElement.querySelectorAll('svg rect[fill="none"]').length).toBe(2);
  },
};

export const ThousandItems: Story = {
  args: { fixture: 'thousand', speed: 0 },
  play: async ({ canvasElement }) => {
    await settled(canvasElement, 'success');
    await eventually(() => expect(metric(canvasElement, 'fields')).toBe('4,005 / 4,005'));
    // Past MAX_FIELDS the fields are counted, not kept: the chart says how many.
    await expect(canvasElement.querySelector('svg')).toHaveTextContent(
      '+ 477 more, 2,005 more fields counted, not drawn',
    );
  },
};
