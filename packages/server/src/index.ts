export type { DeepPartial } from '@partialkit/core';
