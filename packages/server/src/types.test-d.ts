// Checked by `npm run typecheck` (a failing expectTypeOf is a type error).
import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { reask } from './index.ts';

describe('reask', () => {
  it('yields typed events, never any', async () => {
    const stream = reask({ schema: z.object({ a: z.string() }), messages: [], call: () => new Response('') });
    expectTypeOf((await stream.next()).value).not.toBeAny();
  });
});
