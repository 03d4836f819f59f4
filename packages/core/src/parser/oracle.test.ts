import { jsonText, llmDocument } from '@partialkit/test-utils/harness';
import fc from 'fast-check';
import { parse as partialJson } from 'partial-json';
import { describe, expect, it } from 'vitest';
import { createPartialParser } from './create-partial-parser.ts';

/** Offsets just after a `,` that is outside any string: there both libraries agree on what is complete. */
function commaPoints(text: string): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ',') out.push(i + 1);
  }
  return out;
}

function compareAtCommas(text: string): number {
  const p = createPartialParser();
  let last = 0;
  let compared = 0;
  for (const point of commaPoints(text)) {
    p.write(text.slice(last, point));
    last = point;
    expect(p.value).toEqual(partialJson(text.slice(0, point)));
    compared++;
  }
  return compared;
}

describe('partial-json as an oracle', () => {
  it('agrees on every prefix that ends after a value separator (LLM-style document)', () => {
    expect(compareAtCommas(llmDocument(20_000))).toBeGreaterThan(500);
  });

  it('agrees on random documents', () => {
    fc.assert(
      // partial-json assigns a "__proto__" key (setting the prototype) where JSON.parse, and we, define
      // an own property: it is no oracle for those documents.
      fc.property(
        jsonText.filter((text) => !text.includes('"__proto__"')),
        (text) => {
          compareAtCommas(text);
        },
      ),
      { numRuns: 200 },
    );
  });
});
