import type { StorybookConfig } from '@storybook/react-vite';
import { defaultClientConditions } from 'vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // The kit's catalogue, not a Storybook tutorial: no onboarding checklist.
  features: { sidebarOnboardingChecklist: false, menuOnboardingChecklist: false },
  // Workspace packages resolve to their TypeScript sources, as in tests and the demo.
  viteFinal: (config) => ({
    ...config,
    resolve: { ...config.resolve, conditions: ['@partialkit/source', ...defaultClientConditions] },
  }),
};

export default config;
