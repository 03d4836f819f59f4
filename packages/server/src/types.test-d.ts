// Checked by `npm run typecheck` (a failing expectTypeOf is a type error).
import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { MemoryResumeStore, reask, toPartialResponse, toResumableResponse } from './index.ts';

describe('reask', () => {
  it('yields typed events, never any', async () => {
    const stream = reask({ schema: z.object({ a: z.string() }), messages: [], call: () => new Response('') });
    expectTypeOf((await stream.next()).value).not.toBeAny();
  });
});

describe('options forward an optional value as it is (exactOptionalPropertyTypes)', () => {
  it('reask, toPartialResponse and toResumableResponse take `undefined` for any option', () => {
    const given: { signal?: AbortSignal; request?: Request; max?: number } = {};
    const schema = z.object({ a: z.string() });
    reask({
      schema,
      messages: [],
      call: () => new Response(''),
      signal: given.signal,
      maxRetries: given.max,
      maxLength: given.max,
    });
    toPartialResponse(new Response(''), { status: given.max, headers: undefined, decode: undefined });
    toResumableResponse(async () => new Response(''), {
      store: new MemoryResumeStore(),
      signal: given.signal,
      request: given.request,
      id: undefined,
    });
  });
});

describe('toPartialResponse takes what it can stream', () => {
  it('text deltas, protocol events and provider event objects, not iterables of other values', () => {
    async function* of<T>(...values: T[]) {
      yield* values;
    }
    toPartialResponse(of('{"a":', '"b"}'));
    toPartialResponse(of({ type: 'delta' as const, text: '{}' }));
    toPartialResponse(of({ choices: [{ delta: { content: '{}' } }] }));
    // @ts-expect-error numbers are no stream of JSON
    toPartialResponse(of(1, 2));
    // @ts-expect-error nor is `undefined`
    toPartialResponse(of(undefined));
  });
});
