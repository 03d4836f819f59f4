/**
 * Hashbrown 0.5's incremental parser as its React hooks drive it: `parseChunk` per chunk (an immutable
 * state, a new one per chunk), read either from the root node's resolved value or through the schema
 * projection `s.fromJsonAst` with its cache (what `useJsonParser` does with a schema).
 */
import { createParserState, finalizeJsonParse, getResolvedValue, parseChunk, s } from '@hashbrownai/core';

/** `llmDocument`'s shape; strings and arrays streaming so partial values show, as Hashbrown's docs do. */
const talk = s.object('talk', {
  id: s.streaming.string('id'),
  title: s.streaming.string('title'),
  speaker: s.object('speaker', {
    name: s.streaming.string('name'),
    affiliation: s.streaming.string('affiliation'),
    email: s.streaming.string('email'),
  }),
  track: s.streaming.string('track'),
  duration: s.number('duration'),
  rating: s.number('rating'),
  tags: s.streaming.array('tags', s.streaming.string('tag')),
  abstract: s.streaming.string('abstract'),
  recorded: s.boolean('recorded'),
});
export const documentSchema = s.object('document', {
  title: s.streaming.string('title'),
  summary: s.streaming.string('summary'),
  talks: s.streaming.array('talks', talk),
});

/**
 * Feeds the chunks, reading every `every` chunks (never for `Infinity`). Returns the final value, or
 * `undefined` when `deadline` (a `performance.now()` time) passed first.
 */
export function hashbrownRun(
  chunks: readonly string[],
  every: number,
  withSchema: boolean,
  deadline = Number.POSITIVE_INFINITY,
): { final: unknown } | undefined {
  let state = createParserState();
  let cache: Parameters<typeof s.fromJsonAst>[2];
  let seen: unknown;
  let left = every;
  for (let i = 0; i < chunks.length; i++) {
    state = parseChunk(state, chunks[i]!);
    if (--left === 0) {
      left = every;
      if (withSchema) {
        const out = s.fromJsonAst(documentSchema, state, cache);
        cache = out.cache;
        seen = out.result;
      } else if (state.rootId !== null) seen = state.nodes[state.rootId]!.resolvedValue;
    }
    if ((i & 255) === 0 && performance.now() > deadline) return undefined;
  }
  state = finalizeJsonParse(state);
  if (!withSchema) return { final: getResolvedValue(state) ?? seen };
  const out = s.fromJsonAst(documentSchema, state, cache);
  return { final: out.result.state === 'match' ? out.result.value : undefined };
}
