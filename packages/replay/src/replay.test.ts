import { fixtureBytes } from '@partialkit/test-utils/fixtures';
import { describe, expect, it } from 'vitest';
import { parseRecording, serializeRecording } from './recording.ts';
import { replay, replayResponse } from './replay.ts';

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let i = 0;
  for (const c of chunks) {
    out.set(c, i);
    i += c.length;
  }
  return out;
};

describe('recordings', () => {
  it('round-trips bytes (a UTF-8 character split across chunks included) and timing', () => {
    const bytes = new TextEncoder().encode('data: "é🎉"\n\n');
    const recording = {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: [
        { t: 0, bytes: bytes.subarray(0, 8) },
        { t: 12.5, bytes: bytes.subarray(8) },
      ],
    };
    const text = serializeRecording(recording);
    expect(text.split('\n')[0]).toBe(
      '{"partialkit":"recording","version":1,"status":200,"headers":{"content-type":"text/event-stream"}}',
    );
    const back = parseRecording(text);
    expect(back.chunks.map((c) => c.t)).toEqual([0, 12.5]);
    expect(concat(back.chunks.map((c) => c.bytes))).toEqual(bytes);
  });

  it('reads a plain .sse fixture as untimed events', () => {
    const r = parseRecording(fixtureBytes('gemini-sse-text.sse'));
    expect(r.headers['content-type']).toBe('text/event-stream');
    expect(r.chunks.length).toBe(3);
    expect(r.chunks.every((c) => c.t === undefined)).toBe(true);
    expect(parseRecording(fixtureBytes('gemini-stream-json-array-schema.json')).headers['content-type']).toBe(
      'application/json',
    );
  });
});

describe('replay', () => {
  const fixture = fixtureBytes('openai-chat-json-schema.sse');

  it('gives the same bytes, as recorded or re-chunked', async () => {
    expect(concat(await collect(replay(fixture, { speed: 0 })))).toEqual(fixture);
    const chunks = await collect(replay(fixture, { speed: 0, chunking: 7 }));
    expect(chunks.every((c) => c.length <= 7)).toBe(true);
    expect(concat(chunks)).toEqual(fixture);
  });

  it('keeps the recorded pace, scaled by speed', async () => {
    const recording = parseRecording(
      serializeRecording({
        status: 200,
        headers: {},
        chunks: [
          { t: 0, bytes: new Uint8Array([49]) },
          { t: 90, bytes: new Uint8Array([50]) },
        ],
      }),
    );
    let start = performance.now();
    await collect(replay(recording, { speed: 1 }));
    expect(performance.now() - start).toBeGreaterThanOrEqual(85);
    start = performance.now();
    await collect(replay(recording, { speed: 3 }));
    const fast = performance.now() - start;
    expect(fast).toBeGreaterThanOrEqual(25);
    expect(fast).toBeLessThan(85);
  });

  it('replays as a Response with the recorded status and headers', async () => {
    const response = replayResponse(fixture, { speed: 0 });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(fixture);
  });
});

describe('replay with a signal', () => {
  it('fails a pending read when the signal aborts, instead of leaving it hanging', async () => {
    const controller = new AbortController();
    const stream = replay('data: "a"\n\ndata: "b"\n\n', {
      speed: 1,
      untimedIntervalMs: 10_000,
      signal: controller.signal,
    });
    const reader = stream.getReader();
    await reader.read(); // the first chunk is due at once
    const pending = reader.read(); // the second is due in 10 s
    setTimeout(() => controller.abort(new DOMException('stopped', 'AbortError')), 20);
    const started = Date.now();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails at once when the signal is already aborted', async () => {
    const stream = replay('data: "a"\n\n', { signal: AbortSignal.abort() });
    await expect(stream.getReader().read()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
