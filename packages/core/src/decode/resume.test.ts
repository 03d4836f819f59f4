import { describe, expect, it } from 'vitest';
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

  it('a malformed resume URL fails the first read, not the call', async () => {
    const response = new Response(wire, { headers: { ...sse, [RESUME_URL_HEADER]: 'http://exa mple/' } });
    Object.defineProperty(response, 'url', { value: 'http://host/api' });
    const events = decodeResumable(response);
    await expect(events.next()).rejects.toThrow(TypeError);
  });
});
