/**
 * The items mode in the demo: every talk of a conference programme arrives as its own card, validated,
 * the moment its JSON object closes; the talk still being written is shown last as a dashed card, and a
 * talk that fails the schema is listed as rejected, with zod's reason. Self-contained: mount it as a tab
 * and serve `handleTalks` (server/talks.ts) at `/api/talks`, or pass a `fetcher`.
 */
import type { DeepPartial, Fetcher, ItemValidationError } from '@partialkit/core';
import { PartialList, usePartialItems } from '@partialkit/react';
import { PROGRAMME_TEXT, Talk } from '@partialkit/test-utils/talks';
import { memo, useId, useState } from 'react';
import type * as z from 'zod';
import type { TalksRequest } from '../../server/talks.ts';
import './talks.css';

type PartialTalk = DeepPartial<z.input<typeof Talk>>;

/** A talk card; memoised, so a finished card does not render again while later talks stream. */
const TalkCard = memo(function TalkCard({ talk, complete }: { talk: PartialTalk; complete: boolean }) {
  return (
    <li
      className={complete ? 'card talk' : 'card talk streaming'}
      data-testid="talk"
      data-complete={complete}
    >
      <span className="talk-time">
        {talk.start ?? '··:··'}–{talk.end ?? '··:··'}
        {talk.room && ` · ${talk.room}`}
      </span>
      <strong>{talk.title ?? <i className="skeleton">title</i>}</strong>
      <span>{talk.speaker ?? <i className="skeleton">speaker</i>}</span>
      {talk.track && <span className={`track track-${talk.track.toLowerCase()}`}>{talk.track}</span>}
    </li>
  );
});

/** A talk the schema rejected: what the model wrote, and why it is not shown among the talks. */
function RejectedTalk({ error }: { error: ItemValidationError }) {
  const talk = (error.value ?? {}) as PartialTalk;
  return (
    <li className="card talk invalid" data-testid="rejected-talk" data-index={error.index}>
      <span className="talk-time">
        talk {error.index + 1} · {talk.start}–{talk.end}
      </span>
      <strong>{talk.title ?? '(untitled)'}</strong>
      <span className="error">{error.issues.map((issue) => issue.message).join('; ')}</span>
    </li>
  );
}

export interface TalksExampleProps {
  /** Where the stream comes from: `/api/talks` by default (a story can pass a replay). */
  fetcher?: Fetcher<TalksRequest> | string;
}

export function TalksExample({ fetcher = '/api/talks' }: TalksExampleProps) {
  const [text, setText] = useState(PROGRAMME_TEXT);
  const [speed, setSpeed] = useState(1);
  const { items, current, status, error, issues, attempt, submit, stop, reset } = usePartialItems<
    typeof Talk,
    TalksRequest
  >(Talk, fetcher);
  const programme = useId();
  return (
    <main className="talks">
      <header>
        <h1>partialkit</h1>
        <p>Every talk of a programme, each handed over validated the moment its JSON closes.</p>
      </header>
      <section className="input">
        <label htmlFor={programme}>Conference programme</label>
        <textarea id={programme} value={text} onChange={(e) => setText(e.target.value)} rows={14} />
        <div className="controls">
          <button type="button" onClick={() => void submit({ text, speed })}>
            Extract talks
          </button>
          <button type="button" onClick={stop} disabled={status !== 'streaming'}>
            Stop
          </button>
          <button type="button" onClick={reset}>
            Reset
          </button>
          <label>
            Replay speed{' '}
            <select
              value={speed}
              onChange={(e) => setSpeed(Number(e.target.value))}
              aria-label="Replay speed"
            >
              <option value={0.25}>0.25×</option>
              <option value={1}>1×</option>
              <option value={4}>4×</option>
              <option value={0}>instant</option>
            </select>
          </label>
          <output data-testid="talks-status" className={`status ${status}`}>
            {status}
            {attempt > 1 ? ` (attempt ${attempt})` : ''}
          </output>
        </div>
        <p data-testid="talks-count">
          {items.length} {items.length === 1 ? 'talk' : 'talks'}
          {issues.length > 0 && `, ${issues.length} rejected`}
        </p>
        {error && (
          <p role="alert" className="error">
            {error.name}: {error.message}
          </p>
        )}
      </section>
      <section className="result" aria-label="Talks">
        <h2>Talks</h2>
        <ol className="talk-cards">
          {items.length === 0 && current === undefined && (
            <li className="placeholder">
              {status === 'streaming' ? 'Waiting for the first talk…' : 'No talks yet.'}
            </li>
          )}
          <PartialList
            items={items}
            current={current}
            render={(talk, { complete }) => <TalkCard talk={talk} complete={complete} />}
          />
        </ol>
        {issues.length > 0 && (
          <>
            <h3>Rejected by the schema</h3>
            <ul className="talk-cards">
              {issues.map((e) => (
                <RejectedTalk key={e.index} error={e} />
              ))}
            </ul>
          </>
        )}
      </section>
    </main>
  );
}
