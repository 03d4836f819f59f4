export { type PartialIssue, PartialJSONError, PartialKitError, ValidationError } from './errors.ts';
export {
  createPartialParser,
  type PartialParser,
  type PartialParserOptions,
} from './parser/create-partial-parser.ts';
export { atomic, type PartialMeta, partial, partialRegistry } from './schema/plan.ts';
export type { DeepPartial, Path } from './types.ts';
