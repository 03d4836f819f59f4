/**
 * The render section's contenders, run inside jsdom with production React (imported by render-child.ts
 * once the DOM globals exist). A stream of N participant cards as OpenAI chat SSE in 4-character deltas,
 * one SSE event per timer turn (`setTimeout(0)`, as `paced` delivers them), rendered with a memoised card.
 * TanStack AI's `useChat` gets the same deltas in its own wire format (AG-UI events over SSE), recorded
 * from its server side (`chat({ outputSchema, stream: true })` + `toServerSentEventsStream`).
 */
import '@partialkit/core/providers';
import { experimental_useObject as useObject } from '@ai-sdk/react';
import { PartialList, usePartialObject } from '@partialkit/react';
import { chunksOf, deepEqual } from '@partialkit/test-utils/harness';
import {
  chat,
  type DefaultMessageMetadataByModality,
  EventType,
  toServerSentEventsStream,
} from '@tanstack/ai';
import { type AnyTextAdapter, BaseTextAdapter, type StructuredOutputOptions } from '@tanstack/ai/adapters';
import { fetchServerSentEvents, useChat } from '@tanstack/ai-react';
import { memo, useEffect, useLayoutEffect } from 'react';
import { createRoot } from 'react-dom/client';
import * as z from 'zod';

export type Contender =
  | 'partialkit'
  | 'partialkit, throttle 0'
  | 'useObject'
  | 'TanStack AI useChat'
  | 'transport alone';

export interface RunResult {
  cpuMs: number;
  wallMs: number;
  cardRenders: number;
  /** The most renders of one card after the render that showed it complete. */
  worstAfterComplete: number;
  commits: number;
  longestCommitMs: number;
  /** From the first byte to the first commit showing an object (the throttle's leading edge). */
  firstUpdateMs: number;
  /** From the byte that carries card 0's first character of `name` to the commit showing it. */
  firstFieldMs: number;
  /** Median over cards, from the byte that completes a card's last field to the commit showing it. */
  fieldMs: number;
}

const Participant = z.object({
  name: z.string(),
  email: z.string(),
  company: z.string(),
  role: z.enum(['speaker', 'attendee', 'organizer']),
  bio: z.string(),
});
const Participants = z.object({ participants: z.array(Participant) });
type Participant = z.output<typeof Participant>;

function participants(n: number): Participant[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `Participant ${i} Example`,
    email: `participant${i}@example.org`,
    company: `Company ${i % 37} GmbH`,
    role: (['speaker', 'attendee', 'organizer'] as const)[i % 3]!,
    bio: `Works on streaming interfaces, number ${i}; writes about "partial" JSON and Zürich's trams.`,
  }));
}

const encoder = new TextEncoder();
const now = () => performance.now();
/** The host's clocks: Node's by default; Chromium's page sets its own (see render-browser-entry.tsx). */
export interface Host {
  /** One macrotask turn: the pacing of the stream, one event per turn. */
  tick: () => Promise<void>;
  /** CPU time used so far, in ms (Chromium measures it from outside the page: 0 there). */
  cpuMs: () => number;
}
const host: Host = {
  tick: () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
  cpuMs: () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  },
};
export function setHost(h: Host): void {
  Object.assign(host, h);
}
const tick = () => host.tick();

interface Stream {
  events: Uint8Array[];
  /** Index of the event that carries the last character of each card's last field (bio). */
  bioEvent: number[];
  nameEvent: number;
  /** Index of the event that carries the first JSON delta (after the wire's preamble, if any). */
  firstEvent: number;
  /** TanStack AI only: the events that carry the run's ids, as text with the placeholders. */
  idEvents: { index: number; text: string }[];
  bios: string[];
  expected: { participants: Participant[] };
}

/** The wire format each contender reads: OpenAI chat SSE, the bare JSON text, or TanStack AI's AG-UI SSE. */
type Wire = 'openai' | 'text' | 'tanstack';

/** Placeholders for the run's ids in the recorded TanStack AI stream; the stub server fills them in. */
const RUN_ID = '@run-id@';
const THREAD_ID = '@thread-id@';

/**
 * The model behind TanStack AI's server side: a recording that yields the deltas as a provider adapter's
 * `structuredOutputStream` does (AG-UI lifecycle events, raw JSON text deltas, `structured-output.complete`).
 */
class RecordedModel extends BaseTextAdapter<
  'recorded',
  Record<string, never>,
  ['text'],
  DefaultMessageMetadataByModality
> {
  readonly name = 'recorded';
  constructor(
    private readonly deltas: string[],
    private readonly text: string,
  ) {
    super({}, 'recorded');
  }
  // biome-ignore lint/correctness/useYield: the recording has only the structured-output stream
  async *chatStream(): AsyncGenerator<never> {
    throw new Error('RecordedModel: only structured output is recorded');
  }
  structuredOutput(): Promise<never> {
    return Promise.reject(new Error('RecordedModel: only the streamed structured output is recorded'));
  }
  async *structuredOutputStream({ chatOptions }: StructuredOutputOptions<Record<string, never>>) {
    const { runId = RUN_ID, threadId = THREAD_ID } = chatOptions;
    const model = this.model;
    const messageId = 'msg-1';
    yield { type: EventType.RUN_STARTED, runId, threadId, model, timestamp: Date.now() } as const;
    yield {
      type: EventType.TEXT_MESSAGE_START,
      messageId,
      role: 'assistant',
      model,
      timestamp: Date.now(),
    } as const;
    for (const delta of this.deltas)
      yield { type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta, model, timestamp: Date.now() } as const;
    yield { type: EventType.TEXT_MESSAGE_END, messageId, model, timestamp: Date.now() } as const;
    const value = { object: JSON.parse(this.text) as unknown, raw: this.text, messageId };
    yield {
      type: EventType.CUSTOM,
      name: 'structured-output.complete',
      value,
      model,
      timestamp: Date.now(),
    } as const;
    yield {
      type: EventType.RUN_FINISHED,
      runId,
      threadId,
      model,
      finishReason: 'stop',
      timestamp: Date.now(),
    } as const;
  }
}

/** TanStack AI's SSE for the deltas, from its own server side; returns one string per SSE event. */
async function tanstackEvents(deltas: string[], text: string): Promise<string[]> {
  const adapter: AnyTextAdapter = new RecordedModel(deltas, text);
  const chunks = chat({
    adapter,
    messages: [{ role: 'user', content: 'The participants, please.' }],
    outputSchema: Participants,
    stream: true,
    runId: RUN_ID,
    threadId: THREAD_ID,
  });
  const wire = await new Response(toServerSentEventsStream(chunks)).text();
  return wire.split(/(?<=\n\n)/);
}

async function stream(n: number, wire: Wire): Promise<Stream> {
  const list = participants(n);
  const text = JSON.stringify({ participants: list });
  const deltas = chunksOf(text, 4);
  let events: Uint8Array[];
  /** The event carrying each delta. */
  let deltaEvent: number[];
  const idEvents: Stream['idEvents'] = [];
  if (wire === 'tanstack') {
    const sse = await tanstackEvents(deltas, text);
    deltaEvent = [];
    sse.forEach((e, k) => {
      const m = /^data: (.*)\n\n$/s.exec(e);
      const event = m && (JSON.parse(m[1]!) as { type: string; delta?: string });
      if (!event) throw new Error(`TanStack AI: not an SSE event: ${e.slice(0, 80)}`);
      if (event.type === 'TEXT_MESSAGE_CONTENT') {
        if (event.delta !== deltas[deltaEvent.length])
          throw new Error('TanStack AI: the deltas changed on the wire');
        deltaEvent.push(k);
      }
    });
    if (deltaEvent.length !== deltas.length) throw new Error('TanStack AI: deltas missing on the wire');
    sse.forEach((text, index) => {
      if (text.includes(RUN_ID) || text.includes(THREAD_ID)) idEvents.push({ index, text });
    });
    events = sse.map((e) => encoder.encode(e));
  } else {
    deltaEvent = deltas.map((_, k) => k);
    events = deltas.map((d) =>
      encoder.encode(
        wire === 'openai'
          ? `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: d } }] })}\n\n`
          : d,
      ),
    );
    if (wire === 'openai') events.push(encoder.encode('data: [DONE]\n\n'));
  }
  // A field is complete in the text once its last character has arrived (the closing quote may come later).
  const endOf = (from: number, value: string) => {
    const at = text.indexOf(JSON.stringify(value).slice(0, -1), from) + 1;
    return { at, last: at + JSON.stringify(value).length - 3 };
  };
  const bioEvent: number[] = [];
  let from = 0;
  for (const p of list) {
    const { last } = endOf(from, p.bio);
    bioEvent.push(deltaEvent[Math.floor(last / 4)]!);
    from = last;
  }
  return {
    events,
    bioEvent,
    nameEvent: deltaEvent[Math.floor(endOf(0, list[0]!.name).at / 4)]!,
    firstEvent: deltaEvent[0]!,
    idEvents,
    bios: list.map((p) => p.bio),
    expected: JSON.parse(text) as { participants: Participant[] },
  };
}

/** A paced body: one event per macrotask; records when the events that complete fields were sent. */
function body(s: Stream, sent: Float64Array, events = s.events): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      await tick();
      if (i === events.length) return controller.close();
      sent[i] = now();
      controller.enqueue(events[i++]!);
    },
  });
}

/**
 * The stub server for `useChat`: the recorded events with the run's ids from the request's AG-UI
 * `RunAgentInput` (as a route that calls `chat({ threadId, runId })` would send them), paced like the others.
 */
function tanstackResponse(s: Stream, sent: Float64Array, init: RequestInit | undefined): Response {
  const { runId, threadId } = JSON.parse(String(init?.body)) as { runId: string; threadId: string };
  const events = s.events.slice();
  for (const { index, text } of s.idEvents)
    events[index] = encoder.encode(text.replaceAll(RUN_ID, runId).replaceAll(THREAD_ID, threadId));
  return new Response(body(s, sent, events), { headers: { 'content-type': 'text/event-stream' } });
}

interface Probe {
  renders: Int32Array;
  after: Int32Array;
  complete: Uint8Array;
  shown: Float64Array;
  name0Shown: number;
  firstShown: number;
  commits: number;
  longest: number;
  renderStart: number;
  /** The last object the root committed (checked against the expected value after the run). */
  last: unknown;
  /** TanStack AI: the last `partial` committed before `final` (parsed in the browser from the deltas). */
  streamed: unknown;
}

function probeFor(n: number): Probe {
  return {
    renders: new Int32Array(n),
    after: new Int32Array(n),
    complete: new Uint8Array(n),
    shown: new Float64Array(n),
    name0Shown: 0,
    firstShown: 0,
    commits: 0,
    longest: 0,
    renderStart: 0,
    last: undefined,
    streamed: undefined,
  };
}

function makeCard(probe: Probe, s: Stream) {
  return memo(function Card({ p, index }: { p: Partial<Participant> | undefined; index: number }) {
    probe.renders[index]!++;
    const final = p?.bio === s.bios[index];
    if (probe.complete[index]) probe.after[index]!++;
    else if (final) probe.complete[index] = 1;
    useLayoutEffect(() => {
      if (final && probe.shown[index] === 0) probe.shown[index] = now();
      if (index === 0 && probe.name0Shown === 0 && p?.name) probe.name0Shown = now();
    });
    return (
      <li>
        <h3>{p?.name}</h3>
        <a href={`mailto:${p?.email ?? ''}`}>{p?.email}</a>
        <p>
          {p?.company} · {p?.role}
        </p>
        <p>{p?.bio}</p>
      </li>
    );
  });
}

/** Counts commits of the root and the longest render + commit of one update, seen from the root. */
function useCommitProbe(probe: Probe, object: unknown): void {
  probe.renderStart = now();
  useLayoutEffect(() => {
    if (object !== undefined && probe.firstShown === 0) probe.firstShown = now();
    if (object !== undefined) probe.last = object;
    probe.commits++;
    probe.longest = Math.max(probe.longest, now() - probe.renderStart);
  });
}

export async function runOnce(contender: Contender, n: number): Promise<RunResult> {
  const s = await stream(
    n,
    contender === 'useObject' ? 'text' : contender === 'TanStack AI useChat' ? 'tanstack' : 'openai',
  );
  const sent = new Float64Array(s.events.length);
  const probe = probeFor(n);
  const cpu = host.cpuMs();
  const wall = now();
  if (contender === 'transport alone') {
    const response = new Response(body(s, sent), { headers: { 'content-type': 'text/event-stream' } });
    const decoder = new TextDecoder();
    let chars = 0;
    for await (const chunk of response.body!) chars += decoder.decode(chunk, { stream: true }).length;
    if (chars === 0) throw new Error('transport: nothing read');
  } else {
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    const Card = makeCard(probe, s);
    // What a re-parsing peer's user writes: every card mapped from the new object on every update.
    const Cards = ({ list }: { list: ReadonlyArray<Partial<Participant> | undefined> | undefined }) => (
      <ul>
        {list?.map((p, i) => (
          <Card key={i} p={p} index={i} />
        ))}
      </ul>
    );
    const done = new Promise<void>((resolve, reject) => {
      if (contender === 'useObject') {
        const App = () => {
          const { object, submit } = useObject({
            api: '/api/participants',
            schema: Participants,
            fetch: async () => new Response(body(s, sent), { headers: { 'content-type': 'text/plain' } }),
            onFinish: ({ error }) => {
              if (error) reject(error);
              else setTimeout(resolve, 20);
            },
            onError: reject,
          });
          useCommitProbe(probe, object);
          useEffect(() => {
            submit(undefined);
          }, []);
          return <Cards list={object?.participants} />;
        };
        root.render(<App />);
      } else if (contender === 'TanStack AI useChat') {
        const connection = fetchServerSentEvents('/api/participants', {
          fetchClient: async (_url, init) => tanstackResponse(s, sent, init),
        });
        const App = () => {
          const { messages, partial, final, sendMessage } = useChat({
            connection,
            outputSchema: Participants,
            onFinish: () => setTimeout(resolve, 20),
            onError: reject,
          });
          // `partial` is `{}` until the run's structured-output part exists: count from that part.
          const streaming = messages.at(-1)?.parts.some((part) => part.type === 'structured-output');
          const object = streaming ? partial : undefined;
          useCommitProbe(probe, object);
          useLayoutEffect(() => {
            if (object !== undefined && final === null) probe.streamed = object;
          });
          useEffect(() => {
            sendMessage('The participants, please.').catch(reject);
          }, []);
          return <Cards list={object?.participants} />;
        };
        root.render(<App />);
      } else {
        const App = () => {
          const { object, submit } = usePartialObject(
            Participants,
            () => new Response(body(s, sent), { headers: { 'content-type': 'text/event-stream' } }),
            contender === 'partialkit' ? {} : { throttle: 0 },
          );
          useCommitProbe(probe, object);
          useEffect(() => {
            submit(undefined).then(() => setTimeout(resolve, 20), reject);
          }, []);
          return (
            <ul>
              <PartialList
                items={object?.participants}
                render={(p, info) => <Card p={p} index={info.index} />}
              />
            </ul>
          );
        };
        root.render(<App />);
      }
    });
    await done;
    root.unmount();
    container.remove();
  }
  const cpuMs = host.cpuMs() - cpu;
  const wallMs = now() - wall - (contender === 'transport alone' ? 0 : 20);
  if (contender !== 'transport alone' && probe.complete.some((c) => c === 0)) {
    throw new Error(`${contender}: a card never showed its final value`);
  }
  if (contender !== 'transport alone' && !deepEqual(probe.last, s.expected)) {
    throw new Error(`${contender}: the last object shown is not the expected value`);
  }
  if (contender === 'TanStack AI useChat' && !deepEqual(probe.streamed, s.expected)) {
    throw new Error(`${contender}: the last partial before \`final\` is not the expected value`);
  }
  const lags = s.bioEvent.map((e, k) => probe.shown[k]! - sent[e]!);
  let renders = 0;
  let worst = 0;
  for (let k = 0; k < n; k++) {
    renders += probe.renders[k]!;
    worst = Math.max(worst, probe.after[k]!);
  }
  return {
    cpuMs,
    wallMs,
    cardRenders: renders,
    worstAfterComplete: worst,
    commits: probe.commits,
    longestCommitMs: probe.longest,
    firstUpdateMs: contender === 'transport alone' ? 0 : probe.firstShown - sent[s.firstEvent]!,
    firstFieldMs: contender === 'transport alone' ? 0 : probe.name0Shown - sent[s.nameEvent]!,
    fieldMs: contender === 'transport alone' ? 0 : lags.sort((a, b) => a - b)[Math.floor(n / 2)]!,
  };
}
