import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds } from './live-reader.ts';

describe('compareIds orders Redis stream ids as Redis does', () => {
  it('by milliseconds, then sequence, as numbers (not as text: "10-0" comes after "9-5")', () => {
    expect(compareIds('10-0', '9-5')).toBeGreaterThan(0);
    expect(compareIds('9-10', '9-9')).toBeGreaterThan(0);
    expect(compareIds('1700000000000-0', '1700000000000-0')).toBe(0);
    expect(compareIds('0-0', '1700000000000-3')).toBeLessThan(0);
  });

  it('agrees with the numeric order for any two ids', () => {
    const part = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(part, part, part, part, (am, as, bm, bs) => {
        const expected = am === bm ? Math.sign(Number(as - bs)) : Math.sign(Number(am - bm));
        expect(Math.sign(compareIds(`${am}-${as}`, `${bm}-${bs}`))).toBe(expected);
      }),
    );
  });
});
