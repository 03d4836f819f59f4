import { type DecodedEvent, decodeResumable, NetworkError } from '@partialkit/core';
import { startDroppingProxy } from '@partialkit/test-utils/dropping-proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryResumeStore } from './memory-resume-store.ts';
import { paced, type ReviewApp, startReviewApp } from './zz-review-harness.ts';

// Multi-byte characters, a surrogate pair whole, and one split across two deltas.
const DELTAS = ['{"t":"', 'h\u00e9llo ', '\u{1F600}', '\uD83D', '\uDE00', ' \u65E5\u672C', '\u8A9E', ' x\\n', '"}'];
const TEXT = DELTAS.join('');

const apps: ReviewApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function follow(url: string, signal: AbortSignal): Promise<{ text: string; ids: string[]; error: unknown }> {
  let text = '';
  const ids: string[] = [];
  let error: unknown;
  try {
    const response = await fetch(url, { method: 'POST', signal });
    for await (const e of decodeResumable(response, {
      signal,
      reconnect: { baseDelayMs: 1, maxAttempts: 4 },
    }) as AsyncIterable<DecodedEvent>) {
      if (e.type === 'text') text += e.text;
      if (e.id !== undefined) ids.push(e.id);
    }
  } catch (caught) {
    error = caught;
  }
  return { text, ids, error };
}

describe('review: a drop at every byte of the first connection', () => {
  it.each([0, 2])('every character exactly once (generation pace %i ms)', async (pace) => {
    const store = new MemoryResumeStore();
    const app = await startReviewApp(store, ({ signal }) => paced(DELTAS, pace, signal));
    apps.push(app);
    const failures: string[] = [];
    let beforeHeaders = 0;
    for (let k = 0; k < 3000; k++) {
      const proxy = await startDroppingProxy({ host: '127.0.0.1', port: app.port }, (n) =>
        n === 0 ? k : undefined,
      );
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 3000);
      const result = await follow(`${proxy.url}/s`, controller.signal);
      clearTimeout(timer);
      const drops = proxy.drops;
      await proxy.close();
      if (result.error instanceof TypeError || (result.error instanceof NetworkError && result.text === '' && result.ids.length === 0 && drops === 1 && k < 200)) {
        beforeHeaders++;
      } else if (result.error !== undefined || result.text !== TEXT) {
        failures.push(`k=${k}: error=${String(result.error)} text=${JSON.stringify(result.text)}`);
      }
      if (drops === 0) break; // past the end of the response
    }
    expect(failures).toEqual([]);
    expect(beforeHeaders).toBeGreaterThan(0);
  }, 120_000);

  it('a drop at every byte of the resume connection too (the first one cut mid-stream)', async () => {
    const store = new MemoryResumeStore();
    const app = await startReviewApp(store, ({ signal }) => paced(DELTAS, 1, signal));
    apps.push(app);
    const failures: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const proxy = await startDroppingProxy({ host: '127.0.0.1', port: app.port }, (n) =>
        n === 0 ? 560 : n === 1 ? k : undefined,
      );
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 3000);
      const result = await follow(`${proxy.url}/s`, controller.signal);
      clearTimeout(timer);
      const drops = proxy.drops;
      await proxy.close();
      if (result.error !== undefined || result.text !== TEXT) {
        failures.push(`k=${k}: error=${String(result.error)} text=${JSON.stringify(result.text)}`);
      }
      if (drops < 2 && k > 300) break;
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
