import type { DeepPartial } from '@partialkit/core';
import type { PartialIssue, StreamStatus } from '@partialkit/react';
import { PartialList, PartialText } from '@partialkit/react';
import type { MeetingInfo } from '@partialkit/test-utils/conference';
import { type ReactNode, type Ref, useMemo } from 'react';
import { OutcomeBanner } from '../OutcomeBanner.tsx';
import { FieldValue, type Pending } from './Field.tsx';
import { issuesUnder } from './issues.ts';
import { outcomeOf, statusText } from './outcome.ts';
import { ParticipantCard, SkeletonCard } from './ParticipantCard.tsx';

export interface MeetingViewProps {
  object: DeepPartial<MeetingInfo> | undefined;
  status: StreamStatus;
  error: Error | undefined;
  issues: readonly PartialIssue[];
  isComplete: (node: object) => boolean;
  isCompleteAt: (path: readonly (string | number)[]) => boolean;
  /** The reconnect under way (1, 2, …) while `status` is `reconnecting`. */
  reconnects?: number;
  /** The status line, for focus after Stop. */
  statusRef?: Ref<HTMLParagraphElement>;
  /** The panel, scrolled into view when a run starts on a narrow screen. */
  panelRef?: Ref<HTMLElement>;
  /** A stop was the visitor leaving the example, not Stop. */
  left?: boolean;
}

/** A participant whose object holds nothing (yet): unless it closed so, no card of its own, and not counted. */
const isEmpty = (user: object) => Object.keys(user).length === 0;

/** Card issues by index, rebuilt only when the issues change (so unchanged cards keep their props). */
function issuesByCard(issues: readonly PartialIssue[]): Map<number, Map<string, PartialIssue>> {
  const out = new Map<number, Map<string, PartialIssue>>();
  for (const issue of issues) {
    const [list, index] = issue.path;
    if (list !== 'users' || typeof index !== 'number' || out.has(index)) continue;
    out.set(index, issuesUnder(issues, ['users', index]));
  }
  return out;
}

function Tile({
  label,
  id,
  wide,
  children,
}: {
  label: string;
  id: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={wide ? 'tile wide' : 'tile'}>
      <dt>{label}</dt>
      <dd data-testid={id}>{children}</dd>
    </div>
  );
}

/** The result of one extraction: status line, how it ended, the meeting details and the participants. */
export function MeetingView({
  object,
  status,
  error,
  issues,
  isComplete,
  isCompleteAt,
  reconnects = 0,
  statusRef,
  panelRef,
  left = false,
}: MeetingViewProps) {
  // A reconnecting stream is still running: its cards are loading, not broken.
  const streaming = status === 'streaming' || status === 'reconnecting';
  const users = object?.users;
  const last = users?.at(-1);
  const opened = last !== undefined && isEmpty(last) && !isComplete(last);
  const count = (users?.length ?? 0) - (opened ? 1 : 0);
  const outcome = outcomeOf(status, error, issues.length, left);
  const byCard = useMemo(() => issuesByCard(issues), [issues]);
  const root = useMemo(() => issuesUnder(issues, []), [issues]);
  const pending: Pending = streaming ? 'streaming' : status === 'idle' ? 'idle' : 'ended';
  // The slot for the next card: while the list may still grow (an empty last one stands in it).
  const more = streaming && !(users && isComplete(users)) && !opened;
  return (
    <section className="panel results" aria-labelledby="results-title" ref={panelRef}>
      <div className="results-head">
        <h2 id="results-title">Result</h2>
        <p
          className={`status status-${status}`}
          role="status"
          aria-live="polite"
          data-testid="status"
          data-status={status}
          data-reconnects={reconnects || undefined}
          ref={statusRef}
          tabIndex={-1}
        >
          <span className="status-dot" aria-hidden="true" />
          {statusText(status, count, outcome, reconnects)}
        </p>
      </div>
      {/* Over the page, not in its flow: a reconnect that takes a moment moves nothing. */}
      {status === 'reconnecting' && (
        <div className="outcome reconnecting toast" data-testid="reconnecting">
          <p className="outcome-title">Connection lost: reconnecting (attempt {Math.max(1, reconnects)})</p>
          <p className="outcome-detail">
            What arrived is kept; the server holds the rest of the stream and sends it from the last event
            received.
          </p>
        </div>
      )}
      <OutcomeBanner outcome={outcome} error={error} />
      <div className="results-body" data-testid="results" aria-busy={streaming}>
        <dl className="details">
          <Tile label="Date" id="date">
            <FieldValue value={object?.date} issue={root.get('date')} pending={pending} skeleton="6em" />
          </Tile>
          <Tile label="Deadline" id="deadline">
            <FieldValue
              value={object?.deadline}
              issue={root.get('deadline')}
              pending={pending}
              skeleton="6em"
            />
          </Tile>
          <Tile label="Budget" id="budget">
            <FieldValue
              value={object?.budget === undefined ? undefined : `$${object.budget.toLocaleString('en-US')}`}
              issue={root.get('budget')}
              pending={pending}
              skeleton="5em"
            />
          </Tile>
          <Tile label="Location" id="location" wide>
            {object?.location === undefined ? (
              <FieldValue value={undefined} issue={undefined} pending={pending} skeleton="14em" />
            ) : (
              <PartialText value={object.location} complete={!streaming || isCompleteAt(['location'])} />
            )}
          </Tile>
        </dl>
        <h3 className="list-title">
          Participants <span className="count">{count}</span>
        </h3>
        {status === 'idle' ? (
          <p className="empty">
            Nothing extracted yet. Press Extract to stream the notes into a typed object.
          </p>
        ) : (
          <ul className="users">
            <PartialList
              items={users}
              deps={[streaming, byCard]}
              // A closed card's props never change again, so it never renders again.
              render={(user, { index, complete }) =>
                !complete && !streaming && isEmpty(user) ? null : (
                  <ParticipantCard
                    user={user}
                    complete={complete}
                    streaming={streaming && !complete}
                    issues={byCard.get(index)}
                  />
                )
              }
            />
            {more && <SkeletonCard />}
            {!streaming && count === 0 && <li className="empty">No participants arrived.</li>}
          </ul>
        )}
      </div>
    </section>
  );
}
