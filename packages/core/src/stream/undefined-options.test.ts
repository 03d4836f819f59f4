import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decodeText } from '../decode/decode.ts';
import { encodeProtocolEvent } from '../decode/protocol.ts';
import { streamItems } from '../pipeline/stream-items.ts';
import { streamPartial } from '../pipeline/stream-partial.ts';
import { PartialItemsStore } from './partial-items-store.ts';
import { PartialObjectStore } from './partial-object-store.ts';

const Schema = z.object({ title: z.string() });
const fenced = 'Here it is:\n```json\n{"title":"ok"}\n```\nDone.';
const sse = () =>
  new Response(encodeProtocolEvent({ type: 'text', text: fenced }) + encodeProtocolEvent({ type: 'done' }), {
    headers: { 'content-type': 'text/event-stream' },
  });

async function lastOf(it: AsyncIterable<unknown>) {
  let v: unknown;
  try {
    for await (const x of it) v = x;
  } catch (e) {
    return { error: (e as Error).name };
  }
  return { value: v };
}

describe('an explicit undefined option equals omitting it', () => {
  it('streamPartial: decode.extractJson undefined keeps extraction on (the documented default)', async () => {
    const omitted = await lastOf(streamPartial(Schema, sse(), { decode: {} }));
    const explicit = await lastOf(streamPartial(Schema, sse(), { decode: { extractJson: undefined } }));
    expect(omitted).toEqual({ value: { title: 'ok' } });
    expect(explicit).toEqual(omitted);
  });

  it('streamPartial: every top-level option undefined', async () => {
    const explicit = await lastOf(
      streamPartial(Schema, sse(), {
        decode: undefined,
        signal: undefined,
        maxDepth: undefined,
        maxLength: undefined,
      }),
    );
    expect(explicit).toEqual({ value: { title: 'ok' } });
  });

  it('streamItems: every option undefined', async () => {
    const items: unknown[] = [];
    const body = () =>
      new Response(
        encodeProtocolEvent({ type: 'text', text: 'List:\n[{"title":"a"},{"title":"b"}]' }) +
          encodeProtocolEvent({ type: 'done' }),
        {
          headers: { 'content-type': 'text/event-stream' },
        },
      );
    for await (const i of streamItems(Schema, body(), {
      decode: {
        extractJson: undefined,
        format: undefined,
        maxEventSize: undefined,
        toolCall: undefined,
        choice: undefined,
        onRetry: undefined,
      },
      signal: undefined,
      shape: undefined,
      onInvalid: undefined,
      maxDepth: undefined,
      maxLength: undefined,
    }))
      items.push(i);
    expect(items).toEqual([{ title: 'a' }, { title: 'b' }]);
  });

  it('decodeText: every decode option undefined', async () => {
    let text = '';
    for await (const t of decodeText(sse(), {
      format: undefined,
      signal: undefined,
      extractJson: undefined,
      maxEventSize: undefined,
      onRetry: undefined,
      toolCall: undefined,
      choice: undefined,
    }))
      text += t;
    expect(text).toBe(fenced);
  });

  it('PartialObjectStore: decode.extractJson undefined keeps extraction on', async () => {
    const make = (decode: object | undefined) =>
      new PartialObjectStore({ schema: Schema, fetcher: () => sse(), throttle: 0, decode });
    const omitted = make({});
    await omitted.submit(undefined);
    const explicit = make({ extractJson: undefined });
    await explicit.submit(undefined);
    expect(omitted.getSnapshot()).toMatchObject({ status: 'success', data: { title: 'ok' } });
    expect(explicit.getSnapshot()).toMatchObject({
      status: omitted.getSnapshot().status,
      data: omitted.getSnapshot().data,
    });
  });

  it('PartialObjectStore: every other option undefined', async () => {
    const store = new PartialObjectStore({
      schema: Schema,
      fetcher: () => sse(),
      decode: undefined,
      throttle: undefined,
      reconnect: undefined,
      resumeUrl: undefined,
      fetch: undefined,
      onError: undefined,
      initialValue: undefined,
      maxDepth: undefined,
      maxLength: undefined,
      onUpdate: undefined,
      onFinish: undefined,
    });
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({
      status: 'success',
      data: { title: 'ok' },
      object: { title: 'ok' },
    });
  });

  it('PartialItemsStore: every option undefined', async () => {
    const store = new PartialItemsStore({
      schema: Schema,
      fetcher: () =>
        new Response(
          encodeProtocolEvent({ type: 'text', text: '[{"title":"a"}]' }) +
            encodeProtocolEvent({ type: 'done' }),
          {
            headers: { 'content-type': 'text/event-stream' },
          },
        ),
      decode: { extractJson: undefined },
      throttle: undefined,
      reconnect: undefined,
      fetch: undefined,
      shape: undefined,
      onInvalid: undefined,
      maxDepth: undefined,
      maxLength: undefined,
    } as never);
    await store.submit(undefined);
    expect(store.getSnapshot()).toMatchObject({ status: 'success', items: [{ title: 'a' }] });
  });
});
