import type { Meta, StoryObj } from '@storybook/react-vite';
import { App } from '../apps/demo/src/App.tsx';
import '../apps/demo/src/styles.css';
import { conferenceReplay } from './replay-fetcher.ts';

const meta = {
  title: 'Demo/Conference extraction',
  component: App,
  args: { fetcher: conferenceReplay() },
} satisfies Meta<typeof App>;

export default meta;

/** The whole demo, fed by the recorded stream replayed in the browser. Press Extract. */
export const Replayed: StoryObj<typeof meta> = {};
