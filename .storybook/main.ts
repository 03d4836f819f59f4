import type { StorybookConfig } from '@storybook/react-vite';
import { defaultClientConditions } from 'vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Workspace packages resolve to their TypeScript sources, as in tests and the demo.
  viteFinal: (config) => ({
    ...config,
    resolve: { ...config.resolve, conditions: ['@partialkit/source', ...defaultClientConditions] },
  }),
};

export default config;
