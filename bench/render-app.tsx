/**
 * The render section's contenders, run inside jsdom with production React (imported by render-child.ts
 * once the DOM globals exist). A stream of N participant cards as OpenAI chat SSE in 4-character deltas,
 * one SSE event per timer turn (`setTimeout(0)`, as `paced` delivers them), rendered with a memoised card.
 */
import '@partialkit/core/providers';
import { experimental_useObject as useObject } from '@ai-sdk/react';
import { PartialList, usePartialObject } from '@partialkit/react';
import { chunksOf } from '@partialkit/test-utils/harness';
import { memo, useEffect, useLayoutEffect } from 'react';
import { createRoot } from 'react-dom/client';
import * as z from 'zod';

export type Contender = 'partialkit' | 'partialkit, throttle 0' | 'useObject' | 'transport alone';

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
  bios: string[];
}

function stream(n: number, sse: boolean): Stream {
  const list = participants(n);
  const text = JSON.stringify({ participants: list });
  const deltas = chunksOf(text, 4);
  const events = deltas.map((d) =>
    encoder.encode(
      sse
        ? `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: d } }] })}\n\n`
        : d,
    ),
  );
  if (sse) events.push(encoder.encode('data: [DONE]\n\n'));
  // A field is complete in the text once its last character has arrived (the closing quote may come later).
  const endOf = (from: number, value: string) => {
    const at = text.indexOf(JSON.stringify(value).slice(0, -1), from) + 1;
    return { at, last: at + JSON.stringify(value).length - 3 };
  };
  const bioEvent: number[] = [];
  let from = 0;
  for (const p of list) {
    const { last } = endOf(from, p.bio);
    bioEvent.push(Math.floor(last / 4));
    from = last;
  }
  return {
    events,
    bioEvent,
    nameEvent: Math.floor(endOf(0, list[0]!.name).at / 4),
    bios: list.map((p) => p.bio),
  };
}

/** A paced body: one event per macrotask; records when the events that complete fields were sent. */
function body(s: Stream, sent: Float64Array): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      await tick();
      if (i === s.events.length) return controller.close();
      sent[i] = now();
      controller.enqueue(s.events[i++]!);
    },
  });
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
    probe.commits++;
    probe.longest = Math.max(probe.longest, now() - probe.renderStart);
  });
}

export async function runOnce(contender: Contender, n: number): Promise<RunResult> {
  const s = stream(n, contender !== 'useObject');
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
          return (
            <ul>
              {object?.participants?.map((p, i) => (
                <Card key={i} p={p} index={i} />
              ))}
            </ul>
          );
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
    firstUpdateMs: contender === 'transport alone' ? 0 : probe.firstShown - sent[0]!,
    firstFieldMs: contender === 'transport alone' ? 0 : probe.name0Shown - sent[s.nameEvent]!,
    fieldMs: contender === 'transport alone' ? 0 : lags.sort((a, b) => a - b)[Math.floor(n / 2)]!,
  };
}
