'use client';
export type { DeepPartial, PartialIssue, Path } from '@partialkit/core';
