/**
 * The parse section in its own process, so its heap holds only the parsers under test (not the other
 * sections' modules) and the paired rounds measure what they did before the sections existed.
 */
import { childInput, reply } from './lib/child.ts';
import { parseSection } from './parse.ts';

const { quick } = childInput<{ quick: boolean }>();
await reply(await parseSection(quick));
process.exit(0);
