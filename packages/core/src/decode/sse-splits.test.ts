import { everySplit } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import { sseEvents } from './sse.ts';

async function* iter(xs: string[]) {
  for (const x of xs) yield x;
}
async function all(chunks: string[]) {
  const out: unknown[] = [];
  for await (const e of sseEvents(iter(chunks), 1000)) out.push({ ...e });
  return out;
}
const wires = [
  'data: a\r\rdata: b\r\n\r\ndata: c\n\n',
  'data: a\r\n\r\n',
  'data: a\r\r\n',
  'data: a\r',
  'data: a\r\r',
  'data: a\n\r',
  'id: 1\rdata: x\r\r\r\ndata: y\r\n',
  ': ping\r\rdata: z\r\n\r',
  'retry: 5\r\rdata: q\r\n\r\n',
];

describe('sse: every split, with empty chunks between, equals the whole', () => {
  for (const wire of wires)
    it(JSON.stringify(wire), async () => {
      const whole = await all([wire]);
      for (const split of everySplit(wire)) {
        expect(await all(split), JSON.stringify(split)).toEqual(whole);
        const padded = split.flatMap((c) => ['', c, '']);
        expect(await all(padded), JSON.stringify(padded)).toEqual(whole);
      }
    });

  it('data: a then CR at the very end: one event, unterminated', async () => {
    expect(await all(['data: a\r'])).toMatchObject([{ data: 'a', unterminated: true }]);
    expect(await all(['data: a\r\r'])).toMatchObject([{ data: 'a', unterminated: false }]);
    expect(await all(['data: a\r', '\r'])).toMatchObject([{ data: 'a', unterminated: false }]);
    expect(await all(['data: a\r', '', '\n'])).toMatchObject([{ data: 'a', unterminated: true }]);
  });
});
