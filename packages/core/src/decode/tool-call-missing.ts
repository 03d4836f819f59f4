import { ProviderError } from '../errors.ts';

/**
 * The error of a response that finished well without the tool call `decode.toolCall` asks for (the
 * model called another tool, or none): read as JSON, its empty text would look like a truncation.
 */
export function missingToolCall(target: number | string, names: readonly string[]): ProviderError {
  const wanted = typeof target === 'number' ? `number ${target} (counting from 0)` : `"${target}"`;
  const seen = names.length ? `it called ${names.map((n) => `"${n}"`).join(', ')}` : 'it called no tool';
  return new ProviderError('tool_call_missing', `The response has no tool call ${wanted}: ${seen}`);
}
