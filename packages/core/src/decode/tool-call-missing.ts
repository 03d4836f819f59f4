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

/**
 * The error of a response that finished well with tool calls and no text, read without
 * `decode.toolCall`: as JSON, its empty text would look like a cut stream.
 */
export function unreadToolCalls(names: readonly string[]): ProviderError {
  const first = names.find(Boolean);
  const called = names.map((n) => `"${n}"`).join(', ');
  const option =
    first === undefined ? 'decode: { toolCall: 0 }' : `decode: { toolCall: ${JSON.stringify(first)} }`;
  return new ProviderError(
    'tool_call_unread',
    `The response has no text: the model called ${called}; read a tool call's arguments with ${option}`,
  );
}
