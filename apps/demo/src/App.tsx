import type { Fetcher } from '@partialkit/core';
import { PartialList, PartialText, usePartialObject } from '@partialkit/react';
import { MEETING_TEXT, MeetingInfo } from '@partialkit/test-utils/conference';
import { memo, useRef, useState } from 'react';
import type { ExtractRequest } from '../server/api.ts';

type PartialUser = NonNullable<NonNullable<ReturnType<typeof useMeeting>['object']>['users']>[number];

function useMeeting(fetcher: Fetcher<ExtractRequest> | string = '/api/extract') {
  return usePartialObject<typeof MeetingInfo, ExtractRequest>(MeetingInfo, fetcher);
}

/** A user card; memoised, so it renders again only when its own object changes. */
const UserCard = memo(function UserCard({ user, complete }: { user: PartialUser; complete: boolean }) {
  const renders = useRef(0);
  renders.current++;
  return (
    <li className={complete ? 'card' : 'card streaming'} data-testid="user" data-complete={complete}>
      <strong>{user.name ?? '…'}</strong>
      <span>{user.email ?? <i className="skeleton">email</i>}</span>
      <span>{user.twitter ?? <i className="skeleton">twitter</i>}</span>
      <small data-testid="renders">renders: {renders.current}</small>
    </li>
  );
});

export interface AppProps {
  /** Where the stream comes from: the dev server's /api/extract by default (Storybook passes a replay). */
  fetcher?: Fetcher<ExtractRequest> | string;
}

export function App({ fetcher }: AppProps) {
  const [text, setText] = useState(MEETING_TEXT);
  const [speed, setSpeed] = useState(1);
  const { object, data, status, error, issues, attempt, submit, stop, reset, isCompleteAt } =
    useMeeting(fetcher);
  return (
    <main>
      <header>
        <h1>partialkit</h1>
        <p>Conference extraction, streamed into a typed object while the JSON arrives.</p>
      </header>
      <section className="input">
        <label htmlFor="notes">Meeting notes</label>
        <textarea id="notes" value={text} onChange={(e) => setText(e.target.value)} rows={12} />
        <div className="controls">
          <button type="button" onClick={() => void submit({ text, speed })}>
            Extract
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
          <output data-testid="status" className={`status ${status}`}>
            {status}
            {attempt > 1 ? ` (attempt ${attempt})` : ''}
          </output>
        </div>
        {error && (
          <p role="alert" className="error">
            {error.name}: {error.message}
          </p>
        )}
        {issues.length > 0 && (
          <ul className="issues">
            {issues.map((i) => (
              <li key={`${i.path.join('.')}:${i.message}`}>
                {i.path.join('.')}: {i.message}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="result" aria-label="Extraction">
        <h2>Participants</h2>
        <ul className="users">
          <PartialList
            items={object?.users}
            placeholder={<li className="placeholder">Waiting for participants…</li>}
            render={(user, { complete }) => <UserCard user={user} complete={complete} />}
          />
        </ul>
        <dl>
          <dt>Date</dt>
          <dd data-testid="date">{object?.date ?? <i className="skeleton">date</i>}</dd>
          <dt>Location</dt>
          <dd data-testid="location">
            <PartialText
              value={object?.location}
              complete={isCompleteAt(['location'])}
              placeholder={<i className="skeleton">location</i>}
            />
          </dd>
          <dt>Budget</dt>
          <dd data-testid="budget">
            {object?.budget !== undefined ? (
              `$${object.budget.toLocaleString('en-US')}`
            ) : (
              <i className="skeleton">budget</i>
            )}
          </dd>
          <dt>Deadline</dt>
          <dd data-testid="deadline">{object?.deadline ?? <i className="skeleton">deadline</i>}</dd>
        </dl>
        <details open={status === 'success'}>
          <summary>{data ? 'Validated result' : 'Partial JSON'}</summary>
          <pre data-testid="raw">{JSON.stringify(data ?? object, null, 2)}</pre>
        </details>
      </section>
    </main>
  );
}
