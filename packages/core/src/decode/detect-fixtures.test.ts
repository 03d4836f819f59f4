import '../providers/index.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '@partialkit/test-utils/fixtures';
import { decodeSettled } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import { detectSSE } from './detect.ts';
import { Peekable } from './peekable.ts';
import { sseEvents } from './sse.ts';

async function* one(s: string) {
  yield s;
}
async function events(text: string) {
  const out = [];
  for await (const e of sseEvents(one(text), 1 << 24)) out.push(e);
  return out;
}
async function* from<T>(xs: T[]) {
  for (const x of xs) yield x;
}

// With the providers loaded, an event none of them claims is the app's raw JSON: no provider event may be
// one, wherever a stream is taken up (a resume starts mid-stream).
describe('detection over every recorded stream, from each of its events', () => {
  it('no event of a provider fixture, as a stream start, is raw sse-data', async () => {
    const bad: string[] = [];
    for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.sse'))) {
      const all = await events(readFileSync(join(FIXTURES, f), 'utf8'));
      for (let k = 0; k < all.length; k++) {
        const d = await detectSSE(new Peekable(from(all.slice(k))));
        if (d === 'sse-data') bad.push(`${f}#${k}: ${all[k]!.event ?? ''} ${all[k]!.data.slice(0, 100)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('a heartbeat tells no dialect and is no text (providers loaded)', () => {
  const detected = (body: string) =>
    detectSSE(
      new Peekable(
        sseEvents(
          (async function* () {
            yield body;
          })(),
          1 << 20,
        ),
      ),
    );

  it("an `event: ping` before partialkit's protocol, raw JSON lines or Anthropic's stream is skipped", async () => {
    expect(
      await detected(
        'event: ping\ndata: 2024-01-01 00:00:00\n\ndata: "{\\"a\\":1}"\n\nevent: done\ndata: {}\n\n',
      ),
    ).toBe('partialkit');
    expect(await detected('event: ping\ndata: {}\n\ndata: {"a":\n\ndata: 1}\n\n')).toBe('sse-data');
    expect(
      await detected(
        'event: ping\ndata: {"type":"ping"}\n\nevent: message_start\ndata: {"type":"message_start","message":{}}\n\n',
      ),
    ).toBe('anthropic');
  });

  it('is not read as text of raw JSON data lines, nor stops the protocol', async () => {
    const sse = (body: string) => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    const protocol = await decodeSettled(
      sse('event: ping\ndata: 2024-01-01 00:00:00\n\ndata: "{\\"a\\":1}"\n\nevent: done\ndata: {}\n\n'),
    );
    expect([protocol.text, protocol.error]).toEqual(['{"a":1}', undefined]);
    const lines = await decodeSettled(
      sse('event: ping\ndata: {}\n\ndata: {"a":\n\nevent: ping\ndata: {}\n\ndata: 1}\n\n'),
    );
    expect([lines.text, lines.error]).toEqual(['{"a":1}', undefined]);
  });
});
