import { describe, expect, it, vi } from 'vitest';
import type { DecodedEvent } from './events.ts';
import { encodeProtocolEvent } from './protocol.ts';
import { decodeResumable, RESUME_URL_HEADER } from './resume.ts';

const wire = [
  encodeProtocolEvent({ type: 'text', text: '{"a":', id: '1' }),
  encodeProtocolEvent({ type: 'text', text: '1}', id: '2' }),
  encodeProtocolEvent({ type: 'done' }),
].join('');

/** A protocol body that arrives after a timer turn, and counts its cancellations. */
function slowBody(): { body: ReadableStream<Uint8Array>; cancelled: () => number } {
  let cancelled = 0;
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (sent) return controller.close();
      sent = true;
      controller.enqueue(new TextEncoder().encode(wire));
    },
    cancel() {
      cancelled++;
    },
  });
  return { body, cancelled: () => cancelled };
}

const sse = { 'content-type': 'text/event-stream' };

describe('decodeResumable', () => {
  it('a response that is not resumable yields what decode yields, and never reports itself resumable', async () => {
    const onResumable = (): void => {
      throw new Error('not resumable');
    };
    const events = [];
    for await (const e of decodeResumable(new Response(wire, { headers: sse }), { onResumable })) {
      events.push(e);
    }
    expect(events).toEqual([
      { type: 'text', text: '{"a":', id: '1' },
      { type: 'text', text: '1}', id: '2' },
    ]);
  });

  it('a resumable response: a return() in the tick of the first next() still gets that event, then releases the body', async () => {
    const { body, cancelled } = slowBody();
    const response = new Response(body, { headers: { ...sse, [RESUME_URL_HEADER]: '/streams/s1' } });
    const resumable: { url: string }[] = [];
    const events = decodeResumable(response, { onResumable: (s) => resumable.push(s) });
    const first = events.next();
    const returned = events.return(undefined);
    expect(await first).toEqual({ done: false, value: { type: 'text', text: '{"a":', id: '1' } });
    expect(await returned).toEqual({ done: true, value: undefined });
    expect(resumable).toEqual([{ url: '/streams/s1' }]);
    expect(cancelled()).toBe(1);
  });

  it('a malformed resume URL is reported, and the stream read whole, not resumable', async () => {
    const response = new Response(wire, { headers: { ...sse, [RESUME_URL_HEADER]: 'http://exa mple/' } });
    Object.defineProperty(response, 'url', { value: 'http://host/api' });
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const resumable: unknown[] = [];
      const events: DecodedEvent[] = [];
      for await (const event of decodeResumable(response, { onResumable: (r) => resumable.push(r) }))
        events.push(event);
      expect(events.length).toBeGreaterThan(0);
      expect(resumable).toEqual([]);
      expect(reported).toHaveBeenCalledOnce();
      expect(String(reported.mock.calls[0]![0])).toMatch(
        /x-partialkit-resume header is no URL \("http:\/\/exa mple\/"\)/,
      );
    } finally {
      reported.mockRestore();
    }
  });
});
