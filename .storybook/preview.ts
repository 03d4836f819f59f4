import type { Preview } from '@storybook/react-vite';
import '../apps/demo/src/styles.css';
import './stories.css';

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    options: { storySort: { order: ['Introduction', 'React', 'Demo', 'Inspector'] } },
  },
};

export default preview;
