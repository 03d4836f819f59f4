import { PartialText } from '@partialkit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';

const meta = {
  title: 'React/PartialText',
  component: PartialText,
  args: { value: 'Grand Tech Arena located at 4521 Inno', complete: false },
} satisfies Meta<typeof PartialText>;

export default meta;

/** Still streaming: `aria-busy` and a caret. */
export const Streaming: StoryObj<typeof meta> = {};

/** Complete: plain text. */
export const Complete: StoryObj<typeof meta> = {
  args: { value: 'Grand Tech Arena located at 4521 Innovation Drive', complete: true },
};

/** Not started yet: the placeholder. */
export const NotStarted: StoryObj<typeof meta> = { args: { value: undefined, placeholder: '…' } };
