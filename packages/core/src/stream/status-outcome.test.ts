import { controlledSource, tick } from '@partialkit/test-utils/stream-source';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialItemsStore } from './partial-items-store.ts';
import { PartialObjectStore } from './partial-object-store.ts';

// The state types promise that `status` narrows the outcome (`PartialOutcome`, `StreamStatusState`):
// these runs check that every state a store ever publishes keeps that promise, whatever the user and
// the stream do, in any order.

const Talk = z.object({ title: z.string(), seats: z.number() });
const OBJECT_CHUNKS = ['{"title":"Ke', 'ynote","se', 'ats":12', '0}'];
const LIST_CHUNKS = [
  '[{"title":"A",',
  '"seats":1},',
  '{"title":"B","seats":"x"},',
  '{"title":"C","seats":3}]',
];

type Step = 'submit' | 'push' | 'rest' | 'bad' | 'end' | 'fail' | 'stop' | 'reset';
const steps = fc.array(
  fc.constantFrom<Step>('submit', 'push', 'push', 'rest', 'bad', 'end', 'fail', 'stop', 'reset'),
  {
    minLength: 1,
    maxLength: 14,
  },
);

interface Store {
  subscribe(listener: () => void): () => void;
  getSnapshot(): { status: string; error: Error | undefined };
  submit(input: unknown): Promise<void>;
  stop(): void;
  reset(): void;
}

/** Plays `plan` against a store over a hand-fed stream; returns every state it published. */
async function play(
  make: (fetcher: ReturnType<typeof controlledSource>['fetcher']) => Store,
  chunks: string[],
  plan: Step[],
) {
  const source = controlledSource();
  const store = make(source.fetcher);
  const seen = [store.getSnapshot()];
  store.subscribe(() => seen.push(store.getSnapshot()));
  let next = 0;
  for (const step of plan) {
    if (step === 'submit') {
      next = 0;
      void store.submit(undefined);
    } else if (step === 'push') source.push(chunks[next++ % chunks.length]!);
    else if (step === 'rest') {
      // the rest of the document, then its end: the way to success
      while (next < chunks.length) source.push(chunks[next++]!);
      source.end();
    } else if (step === 'bad') source.push('}');
    else if (step === 'end') source.end();
    else if (step === 'fail') {
      const request = source.requests.at(-1);
      try {
        request?.controller.error(new TypeError('connection reset'));
      } catch {} // the stream already ended
    } else store[step]();
    await tick();
  }
  return seen;
}

describe('status narrows the outcome', () => {
  it('PartialObjectStore: data exactly when success, error exactly when error', async () => {
    const statuses = new Set<string>();
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        const seen = await play(
          (fetcher) => new PartialObjectStore({ schema: Talk, fetcher, throttle: 0 }),
          OBJECT_CHUNKS,
          plan,
        );
        for (const state of seen) {
          const s = state as ReturnType<PartialObjectStore<typeof Talk>['getSnapshot']>;
          statuses.add(s.status);
          expect(s.status === 'error').toBe(s.error instanceof Error);
          if (s.status !== 'error') expect(s.error).toBeUndefined();
          if (s.status === 'success') {
            // a `}` pushed mid-document may be text in the title, or close it after `"seats":12`:
            // a success holds some valid talk
            expect(Talk.safeParse(s.data).success).toBe(true);
          } else expect(s.data).toBeUndefined();
        }
      }),
      { numRuns: 150 },
    );
    // the runs reached every status the check is about
    expect([...statuses].sort()).toEqual(['aborted', 'error', 'idle', 'streaming', 'success']);
  });

  it('PartialItemsStore: error exactly when error', async () => {
    const statuses = new Set<string>();
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        const seen = await play(
          (fetcher) => new PartialItemsStore({ schema: Talk, fetcher, throttle: 0 }),
          LIST_CHUNKS,
          plan,
        );
        for (const s of seen) {
          statuses.add(s.status);
          expect(s.status === 'error').toBe(s.error instanceof Error);
          if (s.status !== 'error') expect(s.error).toBeUndefined();
        }
      }),
      { numRuns: 150 },
    );
    expect([...statuses].sort()).toEqual(['aborted', 'error', 'idle', 'streaming', 'success']);
  });

  it('onFinish: data and no error, or an error and no data', async () => {
    const results: unknown[] = [];
    const good = new PartialObjectStore({
      schema: Talk,
      fetcher: () => OBJECT_CHUNKS,
      onFinish: (r) => results.push(r),
    });
    await good.submit(undefined);
    const bad = new PartialObjectStore({
      schema: Talk,
      fetcher: () => ['{"title":"Keynote","seats":"many"}'],
      onFinish: (r) => results.push(r),
    });
    await bad.submit(undefined);
    expect(results[0]).toEqual({
      object: { title: 'Keynote', seats: 120 },
      data: { title: 'Keynote', seats: 120 },
      error: undefined,
    });
    expect(results[1]).toMatchObject({
      object: { title: 'Keynote' },
      data: undefined,
      error: expect.any(Error),
    });
  });

  it('onFinish: once per run that ends by itself, never for one the app stops, resets or replaces', async () => {
    for (const store of ['object', 'items'] as const) {
      const { fetcher, push, end } = controlledSource();
      const finished: unknown[] = [];
      const onFinish = (r: { error: Error | undefined }) => finished.push(r.error?.name ?? 'done');
      const s =
        store === 'object'
          ? new PartialObjectStore({ schema: Talk, fetcher, throttle: 0, onFinish })
          : new PartialItemsStore({ schema: Talk, fetcher, throttle: 0, onFinish });
      const [first, ...rest] = store === 'object' ? OBJECT_CHUNKS : LIST_CHUNKS;
      for (const ending of ['stop', 'reset', 'submit', 'end'] as const) {
        void s.submit(undefined);
        await tick();
        push(first as string);
        await tick();
        if (ending === 'stop') s.stop();
        else if (ending === 'reset') s.reset();
        else if (ending === 'submit') void s.submit(undefined);
        else {
          await tick();
          push(rest.join(''));
          end();
        }
        await tick();
        await tick();
      }
      expect([store, finished]).toEqual([store, ['done']]);
    }
  });
});
