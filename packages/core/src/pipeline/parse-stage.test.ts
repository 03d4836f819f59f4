import { paced } from '@partialkit/test-utils/harness';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { DecodedEvent } from '../decode/events.ts';
import { PartialJSONError, TruncatedError, ValidationError } from '../errors.ts';
import { ParseStage, type ParseUpdate, parse } from './parse-stage.ts';

const text = (t: string): DecodedEvent => ({ type: 'text', text: t });

async function collect<T>(updates: AsyncIterable<T>): Promise<{ updates: T[]; error?: unknown }> {
  const out: T[] = [];
  try {
    for await (const u of updates) out.push(u);
  } catch (error) {
    return { updates: out, error };
  }
  return { updates: out };
}

describe('ParseStage', () => {
  it('writes text, starts a new parser on reset and finishes with the validated value', async () => {
    const stage = new ParseStage({ schema: z.object({ a: z.number() }) });
    expect(stage.apply(text('{"a": 1'))).toBe(false);
    const first = stage.parser;
    expect(stage.apply({ type: 'reset', attempt: 2 })).toBe(true);
    expect(stage.parser).not.toBe(first);
    expect(stage.attempt).toBe(2);
    expect(stage.parser.value).toBeUndefined();
    stage.apply(text('{"a": 2}'));
    expect(await stage.finish()).toEqual({ a: 2 });
  });

  it('turns an early end into TruncatedError, and keeps other errors as they are', async () => {
    const early = new ParseStage({});
    early.apply(text('{"a": [1, 2'));
    await expect(early.finish()).rejects.toThrow(TruncatedError);
    expect(early.parser.value).toEqual({ a: [1, 2] });
    const invalid = new ParseStage({ schema: z.object({ a: z.string() }) });
    invalid.apply(text('{"a": 1}'));
    await expect(invalid.finish()).rejects.toThrow(ValidationError);
    const broken = new ParseStage({});
    expect(() => broken.apply(text('{"a": }'))).toThrow(PartialJSONError);
  });
});

describe('parse', () => {
  it('reads one snapshot per batch of available events, then the final value', async () => {
    // 2 000 events available at once (one network chunk): reading after each would copy the open
    // list 2 000 times; the stage reads once, after applying them all.
    const items = Array.from({ length: 2000 }, (_, i) => `${i ? ',' : ''}{"n":${i}}`);
    async function* burst() {
      yield text('[');
      for (const item of items) yield text(item);
      yield text(']');
    }
    const { updates } = await collect(parse(burst(), {}));
    expect(updates.map((u) => u.type)).toEqual(['snapshot', 'final']);
    expect((updates[1] as { value: unknown[] }).value).toHaveLength(2000);
  });

  it('hands over a snapshot per event when events arrive apart, with identity kept', async () => {
    const { updates } = await collect(
      parse(paced([text('{"users": [{"name": "Ada"}'), text(', {"name": "Gr'), text('ace"}]}')]), {}),
    );
    const values = updates.map((u) => (u as { value: { users: object[] } }).value);
    expect(updates.map((u) => u.type)).toEqual(['snapshot', 'snapshot', 'snapshot', 'final']);
    expect(values[1]!.users[0]).toBe(values[0]!.users[0]);
    expect(values[3]).toEqual({ users: [{ name: 'Ada' }, { name: 'Grace' }] });
  });

  it('reports a reset before the new attempt’s snapshots', async () => {
    const { updates } = await collect(
      parse(
        paced([text('{"a": "first'), { type: 'reset', attempt: 2 } as const, text('{"a": "second"}')]),
        {},
      ),
    );
    expect(updates).toEqual<ParseUpdate<unknown, unknown>[]>([
      { type: 'snapshot', value: { a: 'first' }, attempt: 1 },
      { type: 'reset', attempt: 2 },
      { type: 'snapshot', value: { a: 'second' }, attempt: 2 },
      { type: 'final', value: { a: 'second' }, attempt: 2 },
    ]);
  });

  it('hands over the last good snapshot before it throws', async () => {
    async function* failing() {
      yield text('{"kept": [1, 2, ');
      throw new Error('upstream failed');
    }
    const { updates, error } = await collect(parse(failing(), {}));
    expect(updates).toEqual([{ type: 'snapshot', value: { kept: [1, 2] }, attempt: 1 }]);
    expect((error as Error).message).toBe('upstream failed');
  });

  it('releases the source when the consumer stops early', async () => {
    let released = false;
    async function* endless() {
      try {
        for (let i = 0; ; i++) {
          await new Promise((r) => setTimeout(r, 0));
          yield text(i === 0 ? '[' : `${i},`);
        }
      } finally {
        released = true;
      }
    }
    for await (const update of parse(endless(), {})) {
      if (update.type === 'snapshot' && (update.value as unknown[]).length >= 3) break;
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(released).toBe(true);
  });

  it('releases the source when its text is not JSON: the error is thrown, the source not left open', async () => {
    let released = false;
    async function* endless() {
      try {
        yield text('{"a": 1, ');
        yield text('x');
        for (;;) yield text(' ');
      } finally {
        released = true;
      }
    }
    const { updates, error } = await collect(parse(endless(), {}));
    expect(updates).toEqual([{ type: 'snapshot', value: { a: 1 }, attempt: 1 }]);
    expect(error).toBeInstanceOf(PartialJSONError);
    await new Promise((r) => setTimeout(r, 10));
    expect(released).toBe(true);
  });
});
