import {
  type DeepPartial,
  type ItemValidationError,
  type PartialFinishResult,
  type PartialItemsStore,
  type PartialObjectStore,
  type PartialStateFields,
  streamPartial,
} from '@partialkit/core';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import type { ReactNode } from 'react';
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { PartialText } from './partial-text.tsx';
import { usePartialItems } from './use-partial-items.ts';
import { usePartialObject } from './use-partial-object.ts';
import { usePartialSelector } from './use-partial-selector.ts';

const Schema = z.object({
  title: z.string(),
  count: z.string().transform((s) => s.length),
  users: z.array(z.object({ name: z.string(), role: z.enum(['admin', 'user']) })),
});

describe('inferred types', () => {
  it('types object as DeepPartial<z.input> and data as z.output', () => {
    const r = usePartialObject(Schema, async (input: { prompt: string }, { signal }) =>
      fetch('/x', { signal, body: input.prompt }),
    );
    expectTypeOf(r.object).toEqualTypeOf<DeepPartial<z.input<typeof Schema>> | undefined>();
    expectTypeOf(r.object).toEqualTypeOf<
      | { title?: string; count?: string; users?: Array<{ name?: string; role?: 'admin' | 'user' }> }
      | undefined
    >();
    expectTypeOf(r.data).toEqualTypeOf<
      { title: string; count: number; users: Array<{ name: string; role: 'admin' | 'user' }> } | undefined
    >();
    expectTypeOf(r.submit).parameter(0).toEqualTypeOf<{ prompt: string }>();
    expectTypeOf(r.store).toEqualTypeOf<PartialObjectStore<typeof Schema, { prompt: string }>>();
    expectTypeOf(r.status).toEqualTypeOf<
      'idle' | 'streaming' | 'reconnecting' | 'success' | 'error' | 'aborted'
    >();
  });

  it('narrows data and error by status, destructured or not', () => {
    const r = usePartialObject(Schema, '/api');
    type Output = z.output<typeof Schema>;
    if (r.status === 'success') {
      expectTypeOf(r.data).toEqualTypeOf<Output>();
      expectTypeOf(r.error).toEqualTypeOf<undefined>();
    } else if (r.status === 'error') {
      expectTypeOf(r.data).toEqualTypeOf<undefined>();
      expectTypeOf(r.error).toEqualTypeOf<Error>();
    } else {
      expectTypeOf(r.data).toEqualTypeOf<undefined>();
      expectTypeOf(r.error).toEqualTypeOf<undefined>();
    }
    const { status, data, error } = usePartialObject(Schema, '/api');
    if (status === 'success') expectTypeOf(data).toEqualTypeOf<Output>();
    if (status === 'error') expectTypeOf(error).toEqualTypeOf<Error>();
    // the fields every status has stay plain
    expectTypeOf(r.object).toEqualTypeOf<DeepPartial<z.input<typeof Schema>> | undefined>();
    const items = usePartialItems(Schema, '/api');
    if (items.status === 'error') expectTypeOf(items.error).toEqualTypeOf<Error>();
    else expectTypeOf(items.error).toEqualTypeOf<undefined>();
    const state = r.store.getSnapshot();
    if (state.status === 'success') expectTypeOf(state.data).toEqualTypeOf<Output>();
    usePartialObject(Schema, '/api', {
      onFinish: (result) => {
        if (result.error === undefined) expectTypeOf(result.data).toEqualTypeOf<Output>();
        else expectTypeOf(result.data).toEqualTypeOf<undefined>();
      },
    });
  });

  it('the fields every status has are exported, to extend; onFinish results can be forwarded', () => {
    interface Saved extends PartialStateFields<{ a?: string }> {
      savedAt: number;
    }
    expectTypeOf<Saved['object']>().toEqualTypeOf<{ a?: string } | undefined>();
    const forward = (
      result: PartialFinishResult<DeepPartial<z.input<typeof Schema>>, z.output<typeof Schema>>,
    ) => result.error ?? result.data.title;
    usePartialObject(Schema, '/api', { onFinish: forward });
  });

  it('types selector results from the schema', () => {
    const r = usePartialObject(Schema, '/api');
    const role = usePartialSelector(r.store, (o) => o?.users?.[0]?.role);
    expectTypeOf(role).toEqualTypeOf<'admin' | 'user' | undefined>();
    // @ts-expect-error: not a field of the schema
    usePartialSelector(r.store, (o) => o?.nope);
  });

  it('types valibot and arktype schemas through their Standard Schema input and output', () => {
    const Valibot = toStandardJsonSchema(
      v.object({
        title: v.string(),
        count: v.pipe(
          v.string(),
          v.transform((s) => s.length),
        ),
      }),
    );
    const a = usePartialObject(Valibot, '/api');
    expectTypeOf(a.object).toEqualTypeOf<{ title?: string; count?: string } | undefined>();
    expectTypeOf(a.data).toEqualTypeOf<{ title: string; count: number } | undefined>();
    const Ark = type({ title: 'string', tags: 'string[]', role: "'admin' | 'user'" });
    const b = usePartialObject(Ark, '/api');
    expectTypeOf(b.object).toEqualTypeOf<
      { title?: string; tags?: string[]; role?: 'admin' | 'user' } | undefined
    >();
    expectTypeOf(b.data).toEqualTypeOf<
      { title: string; tags: string[]; role: 'admin' | 'user' } | undefined
    >();
    const role = usePartialSelector(b.store, (o) => o?.role);
    expectTypeOf(role).toEqualTypeOf<'admin' | 'user' | undefined>();
  });

  it('types items as z.output of the item schema and current as DeepPartial<z.input>', () => {
    const Item = Schema.shape.users.element.extend({ since: z.string().transform((s) => new Date(s)) });
    const r = usePartialItems(Item, (input: { q: string }, { signal }) => fetch(`/x?${input.q}`, { signal }));
    expectTypeOf(r.items).toEqualTypeOf<readonly { name: string; role: 'admin' | 'user'; since: Date }[]>();
    expectTypeOf(r.current).toEqualTypeOf<
      { name?: string; role?: 'admin' | 'user'; since?: string } | undefined
    >();
    expectTypeOf(r.issues).toEqualTypeOf<readonly ItemValidationError[]>();
    expectTypeOf(r.store).toEqualTypeOf<PartialItemsStore<typeof Item, { q: string }>>();
  });

  it('streamPartial yields DeepPartial<z.input> snapshots, then z.output; attempt is a number', async () => {
    const Talk = z.object({ title: z.string(), seats: z.string().transform(Number) });
    const stream = streamPartial(Talk, new Response('{}'));
    for await (const value of stream) {
      expectTypeOf(value).toEqualTypeOf<
        { title?: string; seats?: string } | { title: string; seats: number }
      >();
    }
    expectTypeOf(stream.attempt).toEqualTypeOf<number>();
    expectTypeOf(await stream.next()).toEqualTypeOf<
      IteratorResult<
        { title?: string; seats?: string } | { title: string; seats: number },
        { title: string; seats: number }
      >
    >();
  });
});

describe('<PartialText as>', () => {
  it('takes an element or a component that needs nothing PartialText does not pass', () => {
    const Badge = (props: { tone: 'info' | 'warn' }) => props.tone;
    const Plain = (props: { children?: ReactNode; className?: string | undefined }) => props.children;
    PartialText({ value: 'x', as: 'strong' });
    PartialText({ value: 'x', as: Plain });
    // @ts-expect-error: Badge needs `tone`, which PartialText never passes
    PartialText({ value: 'x', as: Badge });
  });
});
