import { everySplit, splitAt } from '@partialkit/test-utils/harness';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonExtractor } from './json-extractor.ts';
import { ThinkBlock } from './think-block.ts';

const through = (chunks: readonly string[]) => {
  const think = new ThinkBlock();
  return chunks.map((c) => think.push(c)).join('');
};

describe('ThinkBlock', () => {
  const cases: Array<[string, string]> = [
    ['<think>I need {"title": "draft"} first.</think>\n{"title": "A"}', '\n{"title": "A"}'],
    ['\n  <think>a < b, </thin> is not the end</think>{"a": 1}', '\n  {"a": 1}'],
    ['<think></think>[1]', '[1]'],
    // Not a block at the start: everything passes, the tag's prefix included.
    ['<thinking>{"a": 1}</thinking>', '<thinking>{"a": 1}</thinking>'],
    ['Sure. <think>x</think>{"a": 1}', 'Sure. <think>x</think>{"a": 1}'],
    ['{"a": "<think>"}', '{"a": "<think>"}'],
    ['<thi', ''],
    ['<think>cut while thinking', ''],
  ];
  for (const [text, expected] of cases) {
    // Spaces before the block may pass or not, by the split: whitespace to JSON either way.
    it(`${JSON.stringify(text.slice(0, 40))}: the same under every split in two, and in 1-character chunks`, () => {
      for (const chunks of everySplit(text)) expect(through(chunks).trimStart()).toBe(expected.trimStart());
    });
  }

  it('a text that does not begin with the tag passes unchanged but for leading spaces, however split (property)', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.trimStart().startsWith('<')),
        fc.array(fc.nat(), { maxLength: 5 }),
        (text, points) => {
          const at = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
          // Leading spaces may be dropped (whitespace to JSON); from the first other character, all of it.
          expect(through(splitAt(text, at)).trimStart()).toBe(text.trimStart());
        },
      ),
    );
  });

  it('the JSON extractor takes the answer after the block, not the JSON inside it', () => {
    const text = '<think>\nMaybe {"title": "wrong"}?\n</think>\n\n```json\n{"title": "A"}\n```';
    for (const chunks of everySplit(text)) {
      const extractor = new JsonExtractor();
      expect(chunks.map((c) => extractor.push(c)).join('')).toBe('{"title": "A"}');
    }
  });
});
