import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createPartialParser } from '../src/index.ts';

// Keeps the README's first usage sketch true.
describe('README usage sketch', () => {
  it('parses the talk exactly as documented', () => {
    const Talk = z.object({ title: z.string(), track: z.enum(['main', 'workshop']), minutes: z.number() });
    const parser = createPartialParser({ schema: Talk });
    parser.write('{"title": "Streaming JS');
    expect(parser.value).toEqual({ title: 'Streaming JS' });
    parser.write('ON", "track": "main", "minutes": 4');
    expect(parser.value).toEqual({ title: 'Streaming JSON', track: 'main' });
    parser.write('5}');
    expect(parser.end()).toEqual({ title: 'Streaming JSON', track: 'main', minutes: 45 });
  });
});
