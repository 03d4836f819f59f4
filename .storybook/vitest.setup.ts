import { setProjectAnnotations } from '@storybook/react';
import * as preview from './preview.ts';

// The stories run in Vitest with the same annotations (decorators, parameters) as in Storybook.
setProjectAnnotations([preview]);
