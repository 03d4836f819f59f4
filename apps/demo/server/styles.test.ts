/** No animation runs for users who asked for reduced motion (the spinner, the status dot, the caret). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const css = readFileSync(new URL('../src/styles.css', import.meta.url), 'utf8');

/** The selectors whose rules set an `animation` outside `@media (prefers-reduced-motion: no-preference)`. */
function ungatedAnimations(text: string): string[] {
  const gated = /@media\s*\(prefers-reduced-motion:\s*no-preference\)\s*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g;
  const rest = text.replace(gated, '');
  const out: string[] = [];
  for (const m of rest.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    if (/(^|;|\s)animation\s*:/.test(m[2] ?? '') && !/@keyframes/.test(m[1] ?? ''))
      out.push((m[1] ?? '').trim());
  }
  return out;
}

it('no animation runs under prefers-reduced-motion: reduce', () => {
  const reduceOverride = /@media\s*\(prefers-reduced-motion:\s*reduce\)[^{]*\{[^}]*animation\s*:\s*none/.test(
    css,
  );
  expect(reduceOverride ? [] : ungatedAnimations(css)).toEqual([]);
});
