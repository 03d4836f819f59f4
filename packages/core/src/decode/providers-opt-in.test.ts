// This file never imports '@partialkit/core/providers': it checks what core alone reads.
import { fixtureBytes } from '@partialkit/test-utils/fixtures';
import { decodeSettled } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import { PartialKitError } from '../errors.ts';
import { encodeProtocolEvent } from './protocol.ts';

const sse = (body: Uint8Array<ArrayBuffer> | string) =>
  new Response(body, { headers: { 'content-type': 'text/event-stream' } });

describe('core without the provider readers', () => {
  it("reads partialkit's protocol, plain text and raw JSON data lines", async () => {
    const protocol = `${encodeProtocolEvent({ type: 'text', text: '{"a":' })}${encodeProtocolEvent({ type: 'text', text: '1}' })}event: done\ndata: {}\n\n`;
    expect((await decodeSettled(sse(protocol))).text).toBe('{"a":1}');
    expect((await decodeSettled(new Response('{"a": 1}'))).text).toBe('{"a": 1}');
    expect((await decodeSettled(sse('data: {"a":\n\ndata: 1}\n\n'))).text).toBe('{"a":1}');
  });

  it.each([
    ['openai-chat-json-schema.sse'],
    ['anthropic-tool-input-json.sse'],
    ['gemini-sse-json-schema.sse'],
    ['openai-responses-function-call-args.sse'],
  ])('refuses a provider stream (%s) with an error that says what to import', async (name) => {
    const { text, error } = await decodeSettled(sse(fixtureBytes(name)));
    expect(text).toBe('');
    expect(error).toBeInstanceOf(PartialKitError);
    expect((error as Error).message).toBe(
      "This response is a provider's stream and its reader is not loaded: add " +
        "`import '@partialkit/core/providers'`, or send partialkit's protocol with `toPartialResponse`",
    );
  });

  it("refuses AI SDK's UI message stream without its header with an error that names the ai-sdk entry", async () => {
    const parts = [
      '{"type":"start"}',
      '{"type":"text-start","id":"t"}',
      '{"type":"text-delta","id":"t","delta":"{}"}',
    ];
    const { text, error } = await decodeSettled(sse(parts.map((d) => `data: ${d}\n\n`).join('')));
    expect(text).toBe('');
    expect((error as Error).message).toBe(
      "This response is AI SDK's UI message stream and its reader is not loaded: add " +
        "`import '@partialkit/core/ai-sdk'`, or send partialkit's protocol with `toPartialResponse`",
    );
  });

  it('a named provider format fails, and the body it never read is cancelled', async () => {
    let cancelled = 0;
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(fixtureBytes('openai-chat-json-schema.sse'));
        },
        cancel() {
          cancelled++;
        },
      },
      { highWaterMark: 0 },
    );
    const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    const { error } = await decodeSettled(response, { format: 'openai-chat' });
    expect((error as Error).message).toMatch(/^This response is a provider's stream \(openai-chat\) and/);
    expect({ cancelled, pulls }).toEqual({ cancelled: 1, pulls: 0 });
  });

  it('cancels the body it read to tell the format, so the request is not left open', async () => {
    let cancelled = 0;
    const bytes = fixtureBytes('openai-chat-json-schema.sse');
    const firstEvent = new TextDecoder().decode(bytes).indexOf('\n\n') + 2;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, firstEvent)); // enough to tell; the rest never comes
      },
      cancel() {
        cancelled++;
      },
    });
    const { error } = await decodeSettled(sse(body as unknown as string));
    expect((error as Error).message).toContain("import '@partialkit/core/providers'");
    expect(cancelled).toBe(1);
  });

  it('refuses a named provider format the same way', async () => {
    const { error } = await decodeSettled(sse(fixtureBytes('openai-chat-json-schema.sse')), {
      format: 'openai-chat',
    });
    expect((error as Error).message).toContain("import '@partialkit/core/providers'");
  });
});
