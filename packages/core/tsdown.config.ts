import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'providers/index': 'src/providers/index.ts',
    'ai-sdk/index': 'src/ai-sdk/index.ts',
    'standard-schema/index': 'src/standard-schema/index.ts',
  },
  format: 'esm',
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
});
