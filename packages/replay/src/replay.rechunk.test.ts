import { describe, expect, it } from 'vitest';
import { parseRecording, type Recording, serializeRecording } from './recording.ts';
import { replay } from './replay.ts';

/** A recording of `size` bytes (a repeating, position-dependent pattern) in chunks of varied length. */
function large(size: number): Recording {
  const chunks: Recording['chunks'] = [];
  let at = 0;
  for (let n = 0; at < size; n++) {
    const length = Math.min(size - at, 1 + ((n * 7919) % 65_521));
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = (at + i) % 251;
    chunks.push({ t: n, bytes });
    at += length;
  }
  return { status: 200, headers: { 'content-type': 'application/octet-stream' }, chunks };
}

describe('re-chunking streams with bounded memory (issue 18 item 22)', () => {
  it('cuts a 6 MB recording into exact 7-byte chunks, byte for byte, without a second copy', async () => {
    const size = 6 * 1024 * 1024;
    const recording = large(size);
    const before = process.memoryUsage().heapUsed;
    const reader = replay(recording, { speed: 0, chunking: 7 }).getReader();
    let offset = 0;
    let count = 0;
    let peak = 0;
    let wrong = -1;
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length !== 7 && offset + value.length !== size) wrong = offset;
      for (let i = 0; i < value.length && wrong < 0; i++)
        if (value[i] !== (offset + i) % 251) wrong = offset + i;
      offset += value.length;
      if (++count % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    expect(wrong).toBe(-1);
    expect(offset).toBe(size);
    expect(count).toBe(Math.ceil(size / 7));
    // A schedule built up front holds ~900 000 chunk objects (well over 100 MB); pulled lazily, the heap
    // holds garbage the scavenger takes back.
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  });

  it('builds nothing before the first pull: the first chunk of a large recording comes at once', async () => {
    const recording = large(4 * 1024 * 1024);
    const before = process.memoryUsage().heapUsed;
    const reader = replay(recording, { speed: 0, chunking: 3 }).getReader();
    const first = await reader.read();
    const grown = process.memoryUsage().heapUsed - before;
    await reader.cancel();
    expect(first.value).toEqual(new Uint8Array([0, 1, 2]));
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });

  it('keeps the timing: a re-cut chunk leaves when the recorded chunk that completes it arrived', async () => {
    const encoder = new TextEncoder();
    const recording = parseRecording(
      serializeRecording({
        status: 200,
        headers: {},
        chunks: [
          { t: 0, bytes: encoder.encode('abcde') },
          { t: 30, bytes: encoder.encode('fgh') },
        ],
      }),
    );
    const out: string[] = [];
    const start = performance.now();
    const times: number[] = [];
    for await (const chunk of replay(recording, { chunking: 3 })) {
      out.push(new TextDecoder().decode(chunk));
      times.push(performance.now() - start);
    }
    expect(out).toEqual(['abc', 'def', 'gh']);
    // 'def' completes in the second recorded chunk, so it waits for t = 30.
    expect(times[1]).toBeGreaterThanOrEqual(25);
  });
});

describe('re-chunking with a chunking larger than what is left', () => {
  const BODY = 'data: 1\n\n';

  it('chunking 2 ** 40 replays a 9-byte body as one 9-byte chunk (it threw a RangeError on the first read)', async () => {
    const reader = replay(BODY, { speed: 0, chunking: 2 ** 40 }).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(BODY);
    expect(first.value?.buffer.byteLength).toBe(9);
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('allocates what is left, not `chunking` bytes, for each chunk', async () => {
    const encoder = new TextEncoder();
    const recording: Recording = {
      status: 200,
      headers: {},
      chunks: [
        { t: 0, bytes: encoder.encode('abcde') },
        { t: 1, bytes: encoder.encode('fgh') },
      ],
    };
    const sizes: number[][] = [];
    for await (const chunk of replay(recording, { speed: 0, chunking: 100_000_000 }))
      sizes.push([chunk.length, chunk.buffer.byteLength]);
    expect(sizes).toEqual([[8, 8]]);
    sizes.length = 0;
    for await (const chunk of replay(recording, { speed: 0, chunking: 6 }))
      sizes.push([chunk.length, chunk.buffer.byteLength]);
    // The last chunk holds the 2 bytes left, in a buffer of 2.
    expect(sizes).toEqual([
      [6, 6],
      [2, 2],
    ]);
  });
});
