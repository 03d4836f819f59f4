/** AI SDK's own mock language model, set up to stream given parts: for the AI SDK backend tests. */

import { simulateReadableStream } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { chunksOf } from './harness.ts';

type StreamResult = Awaited<ReturnType<MockLanguageModelV4['doStream']>>;
/** One part of a language model's stream (AI SDK's `LanguageModelV4StreamPart`). */
export type ModelPart = StreamResult['stream'] extends ReadableStream<infer P> ? P : never;

export const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 20, text: 20, reasoning: 0 },
};

/**
 * The mock model streaming `parts`: all at once, or `paced` one per macrotask (a 0 ms delay), as a
 * network delivers them, so a consumer sees each arrive on its own.
 */
export function mockModel(parts: ModelPart[], paced = false): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: parts,
        initialDelayInMs: null,
        chunkDelayInMs: paced ? 0 : null,
      }),
    }),
  });
}

/** A model answer of `text` in deltas of `size` characters, ending with `finish`. */
export function textParts(text: string, finish = 'stop', size = 9): ModelPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't1' },
    ...chunksOf(text, size).map((delta): ModelPart => ({ type: 'text-delta', id: 't1', delta })),
    { type: 'text-end', id: 't1' },
    { type: 'finish', finishReason: { unified: finish, raw: finish }, usage } as ModelPart,
  ];
}

/** A model text part of `deltas`, with its start and end. */
export function modelText(id: string, deltas: readonly string[]): ModelPart[] {
  return [
    { type: 'text-start', id },
    ...deltas.map((delta): ModelPart => ({ type: 'text-delta', id, delta })),
    { type: 'text-end', id },
  ];
}

/**
 * The mock model streaming `calls[i]` on its i-th call (a step of a run with tools, or a retried call),
 * the last one again after that; each part a macrotask apart when `paced`.
 */
export function mockModelCalls(calls: readonly ModelPart[][], paced = false): MockLanguageModelV4 {
  let call = 0;
  return new MockLanguageModelV4({
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: calls[Math.min(call++, calls.length - 1)]!,
        initialDelayInMs: null,
        chunkDelayInMs: paced ? 0 : null,
      }),
    }),
  });
}
