/**
 * The talks example (the items mode): every talk of a conference programme, extracted as a list. Shared
 * by the fixture script (`examples/make-talks-fixture.ts`), the demo's talks tab and the tests.
 */
import * as z from 'zod';

const time = z.string().regex(/^\d{2}:\d{2}$/, 'Expected a 24-hour time (HH:MM)');

/** One talk. The check that a talk ends after it starts has no JSON Schema form: only zod sees it. */
export const Talk = z
  .object({
    title: z.string(),
    speaker: z.string(),
    start: time.describe('24-hour start time, HH:MM'),
    end: time.describe('24-hour end time, HH:MM'),
    room: z.string(),
    track: z.enum(['AI', 'Web', 'Infrastructure', 'Community']),
  })
  .refine((t) => t.end > t.start, { message: 'The talk ends before it starts', path: ['end'] });

export type Talk = z.output<typeof Talk>;

/** What the model is asked to return: a list, wrapped as `{ items: [...] }` by `jsonSchemaFor(…, 'openai')`. */
export const Programme = z.array(Talk);

export const PROGRAMME_TEXT = `StreamConf 2024 — Thursday, Hall A and Hall B

09:00–09:45, Hall A: "Opening keynote: models that answer in JSON" by Priya Raman (AI track).
10:00–10:40, Hall B: "Rendering half a response" — Tomás Ortega, Web track.
10:00–10:30, Hall A: Ines Vogel on "Backpressure all the way down" (Infrastructure).
11:00–11:45, Hall A: "Evaluating extraction at scale", Dr. Kwame Mensah, AI.
11:00–11:20, Hall B, lightning talk: "Your first open-source PR" by Sam Lee (Community).
13:30–14:15, Hall B: Yuki Tanaka, "Suspense, streams and stable identity" (Web).
14:30–14:00, Hall A: "Schema-first prompts" — Lena Fischer, AI track. (sic: printed end time)
15:00–15:40, Hall A: "Edge runtimes without node: imports" by Omar Haddad, Infrastructure.
16:00–16:45, Hall B: Closing panel, "Maintainers on burnout", moderated by Ana Souza (Community).`;

/** The list the model returns for {@link PROGRAMME_TEXT}: talk 6 copies the misprinted end time. */
export const TALKS: readonly z.input<typeof Talk>[] = [
  {
    title: 'Opening keynote: models that answer in JSON',
    speaker: 'Priya Raman',
    start: '09:00',
    end: '09:45',
    room: 'Hall A',
    track: 'AI',
  },
  {
    title: 'Rendering half a response',
    speaker: 'Tomás Ortega',
    start: '10:00',
    end: '10:40',
    room: 'Hall B',
    track: 'Web',
  },
  {
    title: 'Backpressure all the way down',
    speaker: 'Ines Vogel',
    start: '10:00',
    end: '10:30',
    room: 'Hall A',
    track: 'Infrastructure',
  },
  {
    title: 'Evaluating extraction at scale',
    speaker: 'Dr. Kwame Mensah',
    start: '11:00',
    end: '11:45',
    room: 'Hall A',
    track: 'AI',
  },
  {
    title: 'Your first open-source PR',
    speaker: 'Sam Lee',
    start: '11:00',
    end: '11:20',
    room: 'Hall B',
    track: 'Community',
  },
  {
    title: 'Suspense, streams and stable identity',
    speaker: 'Yuki Tanaka',
    start: '13:30',
    end: '14:15',
    room: 'Hall B',
    track: 'Web',
  },
  {
    title: 'Schema-first prompts',
    speaker: 'Lena Fischer',
    start: '14:30',
    end: '14:00',
    room: 'Hall A',
    track: 'AI',
  },
  {
    title: 'Edge runtimes without node: imports',
    speaker: 'Omar Haddad',
    start: '15:00',
    end: '15:40',
    room: 'Hall A',
    track: 'Infrastructure',
  },
  {
    title: 'Maintainers on burnout',
    speaker: 'Ana Souza',
    start: '16:00',
    end: '16:45',
    room: 'Hall B',
    track: 'Community',
  },
];

/** The index of the talk that fails {@link Talk} (it ends before it starts). */
export const INVALID_TALK = 6;
