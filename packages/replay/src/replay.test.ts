import { fixtureBytes } from '@partialkit/test-utils/fixtures';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingError } from './errors.ts';
import { parseRecording, type Recording, serializeRecording } from './recording.ts';
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

  it('reads a recording saved with a UTF-8 byte order mark as a recording, and serves no BOM', () => {
    const text = serializeRecording({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: [{ t: 5, bytes: new TextEncoder().encode('data: 1\n\n') }],
    });
    const r = parseRecording(`\ufeff${text}`);
    expect(r.headers).toEqual({ 'content-type': 'text/event-stream' });
    expect(r.chunks.map((c) => [c.t, new TextDecoder().decode(c.bytes)])).toEqual([[5, 'data: 1\n\n']]);
    // A plain body saved with a BOM: the stream it was saved from never began with one.
    const sse = parseRecording(
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('data: 1\n\n')]),
    );
    expect(sse.headers['content-type']).toBe('text/event-stream');
    expect(sse.chunks.map((c) => [...c.bytes])).toEqual([[...new TextEncoder().encode('data: 1\n\n')]]);
  });

  // A response with large headers (a long
  // content-security-policy, link or set-cookie) recorded fine, but its file served the JSONL itself as
  // a 200 text/plain body: the SDK pointed at the replay saw `{"partialkit":"recording",…`, no error.
  it('parses back a recording serializeRecording wrote with a header line over 64 KB', async () => {
    const link = `<https://cdn.example/${'a'.repeat(70_000)}>`;
    const text = serializeRecording({
      status: 200,
      headers: { 'content-type': 'text/event-stream', link },
      chunks: [{ t: 0, bytes: new TextEncoder().encode('data: "hi"\n\n') }],
    });
    const parsed = parseRecording(text);
    expect(parsed.headers).toEqual({ 'content-type': 'text/event-stream', link });
    expect(parsed.chunks).toHaveLength(1);
    expect(await replayResponse(text, { speed: 0 }).text()).toBe('data: "hi"\n\n');
  });

  it.each([
    ['a mistyped magic', '{"partialkit":"recordings","version":1,"status":200,"headers":{}}', '"recordings"'],
    [
      'a capitalised magic',
      '{"partialkit":"Recording","version":1,"status":200,"headers":{}}',
      '"Recording"',
    ],
    ['a non-string magic', '{"partialkit":true,"version":1,"status":200,"headers":{}}', 'true'],
    [
      'a mistyped magic on a header line over 64 KB',
      JSON.stringify({
        partialkit: 'Recording',
        version: 1,
        status: 200,
        headers: { link: 'x'.repeat(70_000) },
      }),
      '"Recording"',
    ],
  ])('refuses a header line with %s as line 1, not served as text/plain JSONL', (_what, header, got) => {
    const chunk = `{"t":0,"data":"${btoa('data: {}\n\n')}"}`;
    let error: unknown;
    try {
      parseRecording(`${header}\n${chunk}\n`, { source: 'talk.rec.jsonl' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordingError);
    expect([(error as RecordingError).source, (error as RecordingError).line]).toEqual(['talk.rec.jsonl', 1]);
    expect((error as RecordingError).message).toBe(
      `talk.rec.jsonl line 1: the recording header must have "partialkit": "recording", got ${got}`,
    );
  });

  it('still reads a plain text first line, or a JSON body with no partialkit key first, as a body', () => {
    for (const body of [
      'hello\nworld\n',
      '{"type":"message","text":"hi"}\n',
      '{"type":"status","partialkit":"0.4.2"}\n{"type":"text","text":"hi"}\n',
    ]) {
      const r = parseRecording(body);
      expect([r.headers['content-type'], new TextDecoder().decode(r.chunks[0]?.bytes)]).toEqual([
        'text/plain; charset=utf-8',
        body,
      ]);
    }
  });

  it('reads a header whose keys are in another order (a file through jq -S) as the header', () => {
    const chunk = `{"data":"${btoa('{"error":"slow down"}')}","t":0}`;
    const header =
      '{"headers":{"content-type":"application/json"},"partialkit":"recording","status":429,"version":1}';
    const r = parseRecording(`${header}\n${chunk}\n`);
    expect([r.status, r.headers, new TextDecoder().decode(r.chunks[0]?.bytes)]).toEqual([
      429,
      { 'content-type': 'application/json' },
      '{"error":"slow down"}',
    ]);
  });

  it('refuses a header spread over several lines, and names the version it cannot read', () => {
    const chunk = `{"t":0,"data":"${btoa('data: {}\n\n')}"}`;
    const pretty = JSON.stringify({ partialkit: 'recording', version: 1, status: 200 }, null, 2);
    expect(() => parseRecording(`${pretty}\n${chunk}\n`, { source: 'talk.rec.jsonl' })).toThrow(
      new RecordingError(
        'talk.rec.jsonl',
        1,
        'the recording header must be one line of JSON, not spread over several',
      ),
    );
    expect(() => parseRecording(`{"partialkit":"recording","version":"1"}\n${chunk}\n`)).toThrow(
      'recording line 1: recording version "1" is not supported (only the number 1)',
    );
  });

  it('still takes a one-line JSON body over 64 KB for a body, even one that names partialkit', () => {
    for (const body of [
      JSON.stringify({ items: 'x'.repeat(70_000), partialkit: 'recording', version: 1 }),
      JSON.stringify({ type: 'message', partialkit: 'recording', text: 'x'.repeat(70_000) }),
    ]) {
      const r = parseRecording(body);
      expect([r.headers['content-type'], new TextDecoder().decode(r.chunks[0]?.bytes)]).toEqual([
        'text/plain; charset=utf-8',
        body,
      ]);
    }
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

describe('replay at a pace too slow for one setTimeout (waits over 2 ** 31 - 1 ms)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** When the second chunk of `recording` arrives, in (fake) ms after the first. */
  async function secondChunkAt(recording: Recording, speed: number, expected: number): Promise<void> {
    vi.useFakeTimers();
    const reader = replay(recording, { speed }).getReader();
    await reader.read(); // t = 0: at once
    let second: string | undefined;
    void reader.read().then((r) => {
      second = new TextDecoder().decode(r.value);
    });
    // A wait setTimeout cannot take fires after 1 ms (Node and the fake clock alike) unless it is stepped.
    await vi.advanceTimersByTimeAsync(expected - 1);
    expect(second).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toBe('b');
  }

  const bytes = (s: string) => new TextEncoder().encode(s);

  it('speed 1e-9 delivers a chunk recorded at t = 10 ms after 1e10 ms, not at once', async () => {
    const recording: Recording = {
      status: 200,
      headers: {},
      chunks: [
        { t: 0, bytes: bytes('a') },
        { t: 10, bytes: bytes('b') },
      ],
    };
    await secondChunkAt(recording, 1e-9, 1e10);
  });

  it('a chunk recorded at t = 3e9 ms (> 2 ** 31) comes 3e9 ms in at speed 1', async () => {
    const recording: Recording = {
      status: 200,
      headers: {},
      chunks: [
        { t: 0, bytes: bytes('a') },
        { t: 3e9, bytes: bytes('b') },
      ],
    };
    await secondChunkAt(recording, 1, 3e9);
  });

  it('a cancel still ends such a wait at once', async () => {
    const reader = replay(
      {
        status: 200,
        headers: {},
        chunks: [
          { t: 0, bytes: bytes('a') },
          { t: 3e9, bytes: bytes('b') },
        ],
      },
      { speed: 1 },
    ).getReader();
    await reader.read();
    const pending = reader.read();
    const started = Date.now();
    await reader.cancel();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
