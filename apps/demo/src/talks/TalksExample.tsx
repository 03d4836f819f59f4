/**
 * The items mode in the demo: every talk of a conference programme arrives as its own card, validated,
 * the moment its JSON object closes; the talk still being written is shown last as a loading card, and
 * a talk that fails the schema takes its place in the programme marked invalid, with zod's reason.
 * Served by `handleTalks` (server/talks.ts) at `/api/talks`, or pass a `fetcher`.
 */
import type { DeepPartial, Fetcher, ItemValidationError, StreamStatus } from '@partialkit/core';
import { usePartialItems } from '@partialkit/react';
import { PROGRAMME_TEXT, Talk } from '@partialkit/test-utils/talks';
import { memo, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type * as z from 'zod';
import type { DemoConfig } from '../../server/api.ts';
import type { TalksRequest } from '../../server/talks.ts';
import { Skeleton } from '../meeting/Field.tsx';
import { issueText } from '../meeting/issues.ts';
import { type Outcome, outcomeOf } from '../meeting/outcome.ts';
import { OutcomeBanner } from '../OutcomeBanner.tsx';
import { reveal } from '../reveal.ts';
import { SpeedField } from '../SpeedField.tsx';
import { useDemoConfig } from '../use-demo-config.ts';

type PartialTalk = DeepPartial<z.input<typeof Talk>>;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** A value of a card, or a skeleton while it may still come, or "not received" after. */
function Value({ value, loading, width }: { value: string | undefined; loading: boolean; width: string }) {
  // An element of its own: two values in one grid cell (a talk's start and end) would run together.
  if (value !== undefined) return <span>{value}</span>;
  return loading ? <Skeleton width={width} /> : <span className="missing">not received</span>;
}

type CardState = 'complete' | 'streaming' | 'incomplete';

/** A talk card; memoised, so a closed card does not render again while later talks stream. */
const TalkCard = memo(function TalkCard({ talk, state }: { talk: PartialTalk; state: CardState }) {
  const loading = state === 'streaming';
  return (
    <li
      className={`card talk ${state}`}
      data-testid="talk"
      data-state={state}
      aria-busy={loading || undefined}
    >
      <span className="talk-time">
        <Value value={talk.start} loading={loading} width="2.6em" />
        <Value value={talk.end} loading={loading} width="2.6em" />
      </span>
      <div className="card-body">
        <p className="card-name" data-testid="talk-title" title={talk.title}>
          <Value value={talk.title} loading={loading} width="12em" />
        </p>
        <p className="talk-meta">
          <Value value={talk.speaker} loading={loading} width="7em" />
          {' · '}
          <Value value={talk.room} loading={loading} width="4em" />
        </p>
        {talk.track !== undefined && (
          <span className={`track track-${talk.track.toLowerCase()}`}>{talk.track}</span>
        )}
      </div>
      {state === 'incomplete' && <span className="badge">incomplete</span>}
    </li>
  );
});

/** A talk the schema rejected, in its place in the programme: what the model wrote, and why. */
function RejectedTalk({ error }: { error: ItemValidationError }) {
  const talk = (error.value ?? {}) as PartialTalk;
  return (
    <li className="card talk invalid has-issue" data-testid="rejected-talk" data-index={error.index}>
      <span className="talk-time">
        <span>{talk.start}</span>
        <span className="value invalid">{talk.end}</span>
      </span>
      <div className="card-body">
        <p className="card-name" title={talk.title}>
          {talk.title ?? '(untitled)'}
        </p>
        <p className="talk-meta">
          {talk.speaker} · {talk.room}
        </p>
        <span className="issue-note" data-testid="issue">
          Rejected by the schema (talk {error.index + 1}):{' '}
          {error.issues.map((issue) => issueText(issue)).join('; ')}
        </span>
      </div>
    </li>
  );
}

/** Valid talks and rejected ones, in programme order: a rejected talk keeps its index. */
function rows(items: readonly PartialTalk[], issues: readonly ItemValidationError[]): ReactNode[] {
  const rejected = new Map(issues.map((e) => [e.index, e]));
  const out: ReactNode[] = [];
  let next = 0;
  for (let index = 0; next < items.length || rejected.has(index); index++) {
    const error = rejected.get(index);
    if (error) out.push(<RejectedTalk key={index} error={error} />);
    else out.push(<TalkCard key={index} talk={items[next++] as PartialTalk} state="complete" />);
  }
  return out;
}

function statusText(status: StreamStatus, valid: number, rejected: number, outcome: Outcome | undefined) {
  const talks = `${plural(valid, 'talk')}${rejected ? `, ${rejected} rejected` : ''}`;
  switch (status) {
    case 'idle':
      return 'Ready';
    case 'streaming':
      return valid + rejected === 0 ? 'Streaming…' : `${talks} so far`;
    case 'reconnecting':
      return 'Reconnecting…';
    case 'success':
      return `Done: ${talks}`;
    case 'aborted':
      return `Stopped: ${talks} kept`;
    case 'error':
      return `Failed (${outcome?.short ?? 'error'}): ${talks} kept`;
  }
}

export interface TalksExampleProps {
  /** Where the stream comes from: `/api/talks` by default (a story can pass a replay). */
  fetcher?: Fetcher<TalksRequest> | string;
  /** Replay or live; asked of /api/config when not given. */
  config?: DemoConfig;
  initialSpeed?: number;
}

export function TalksExample({ fetcher = '/api/talks', config: given, initialSpeed = 1 }: TalksExampleProps) {
  const config = useDemoConfig(given);
  const replaying = config?.mode !== 'live';
  const [ownText, setOwnText] = useState(PROGRAMME_TEXT);
  const text = replaying ? PROGRAMME_TEXT : ownText;
  const [speed, setSpeed] = useState(initialSpeed);
  const { items, current, status, error, issues, submit, stop, reset } = usePartialItems<
    typeof Talk,
    TalksRequest
  >(Talk, fetcher);
  const streaming = status === 'streaming' || status === 'reconnecting';
  // Leaving the example (another tab) gives the stream up, as Stop does; said so on coming back.
  const left = useRef(false);
  const outcome = outcomeOf(status, error, issues.length, left.current);
  const id = useId();

  const extractRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const resultsRef = useRef<HTMLElement>(null);
  const stopNow = useRef({ stop, streaming });
  stopNow.current = { stop, streaming };
  useEffect(
    () => () => {
      if (stopNow.current.streaming) left.current = true;
      stopNow.current.stop();
    },
    [],
  );
  // When the stream ends on its own, Stop turns inactive: move focus on to Extract, never to <body>.
  useEffect(() => {
    if (!streaming && document.activeElement === stopRef.current) extractRef.current?.focus();
  }, [streaming]);

  const onExtract = () => {
    if (streaming) return;
    left.current = false;
    void submit({ text, speed });
    reveal(resultsRef.current);
  };
  const onReset = () => {
    left.current = false;
    reset();
  };
  const onStop = () => {
    if (!streaming) return;
    stop();
    extractRef.current?.focus();
  };

  return (
    <div className="layout two">
      <section className="panel input" aria-labelledby={`${id}-input`}>
        <h2 id={`${id}-input`}>Input</h2>
        {config === undefined ? null : replaying ? (
          <p className="mode replay" data-testid="mode">
            <strong>Replaying a recording.</strong> The server replays a recorded model stream of this
            programme; no model is called. Talk 7 has a misprinted end time, which the schema rejects.
          </p>
        ) : (
          <p className="mode live" data-testid="mode">
            <strong>Live.</strong> The server asks {config.model ?? 'the model'} for every talk.
          </p>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onExtract();
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-programme`}>
              {replaying ? 'Conference programme (recorded input)' : 'Conference programme'}
            </label>
            <textarea
              id={`${id}-programme`}
              value={text}
              readOnly={replaying}
              onChange={(e) => setOwnText(e.target.value)}
              rows={12}
            />
          </div>
          <div className="actions">
            {replaying && (
              <SpeedField id={`${id}-speed`} speed={speed} onChange={setSpeed} disabled={streaming} />
            )}
            <div className="buttons">
              <button
                ref={extractRef}
                type="submit"
                className="button primary"
                aria-disabled={streaming}
                data-busy={streaming || undefined}
              >
                {streaming && <span className="spinner" aria-hidden="true" />}
                {streaming ? 'Extracting…' : 'Extract talks'}
              </button>
              <button
                ref={stopRef}
                type="button"
                className="button"
                onClick={onStop}
                aria-disabled={!streaming}
              >
                Stop
              </button>
              <button
                type="button"
                className="button quiet"
                onClick={onReset}
                aria-disabled={status === 'idle'}
              >
                Reset
              </button>
            </div>
          </div>
        </form>
      </section>
      <section className="panel results" aria-labelledby={`${id}-results`} ref={resultsRef}>
        <div className="results-head">
          <h2 id={`${id}-results`}>Talks</h2>
          <p
            className={`status status-${status}`}
            role="status"
            aria-live="polite"
            data-testid="status"
            data-status={status}
          >
            <span className="status-dot" aria-hidden="true" />
            {statusText(status, items.length, issues.length, outcome)}
          </p>
        </div>
        <OutcomeBanner outcome={outcome} error={error} />
        <div className="results-body" data-testid="results" aria-busy={streaming}>
          <h3 className="list-title">
            Talks <span className="count">{items.length}</span>
            {issues.length > 0 && (
              <span className="count bad" data-testid="rejected-count">
                {issues.length} rejected
              </span>
            )}
          </h3>
          {status === 'idle' ? (
            <p className="empty">Nothing extracted yet. Press Extract talks to stream the programme.</p>
          ) : (
            <ol className="talks">
              {rows(items, issues)}
              {current !== undefined && (
                <TalkCard talk={current} state={streaming ? 'streaming' : 'incomplete'} />
              )}
              {streaming && current === undefined && <SkeletonTalk />}
              {!streaming && items.length + issues.length === 0 && current === undefined && (
                <li className="empty">No talks arrived.</li>
              )}
            </ol>
          )}
        </div>
      </section>
    </div>
  );
}

/** The slot of the next talk while the list may still grow: same size as a card, hidden from readers. */
function SkeletonTalk() {
  return (
    <li className="card talk skeleton-card" aria-hidden="true" data-testid="talk-skeleton">
      <span className="talk-time">
        <Skeleton width="2.6em" />
        <Skeleton width="2.6em" />
      </span>
      <div className="card-body">
        <p className="card-name">
          <Skeleton width="12em" />
        </p>
        <p className="talk-meta">
          <Skeleton width="9em" />
        </p>
      </div>
    </li>
  );
}
