import type { PartialIssue } from '@partialkit/react';
import type { MeetingInfo } from '@partialkit/test-utils/conference';
import { memo, useRef } from 'react';
import { FieldValue, type Pending, Skeleton } from './Field.tsx';

export type PartialUser = Partial<MeetingInfo['users'][number]>;

export interface ParticipantCardProps {
  user: PartialUser;
  /** The card closed: its values are final (and validated). */
  complete: boolean;
  /** The stream still runs (an unfinished card is loading, not broken). */
  streaming: boolean;
  /** This card's validation issues, by field. */
  issues?: ReadonlyMap<string, PartialIssue> | undefined;
}

const initials = (name: string | undefined) =>
  (name ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');

/**
 * A participant. Memoised: it renders again only when its own object, completion or issues change, so
 * a closed card stays still while later ones stream (`data-renders` counts, for the browser tests).
 */
export const ParticipantCard = memo(function ParticipantCard({
  user,
  complete,
  streaming,
  issues,
}: ParticipantCardProps) {
  const renders = useRef(0);
  renders.current++;
  const state = complete ? 'complete' : streaming ? 'streaming' : 'incomplete';
  const pending: Pending = complete || !streaming ? 'ended' : 'streaming';
  const invalid = issues && issues.size > 0;
  return (
    <li
      className={`card ${state}${invalid ? ' has-issue' : ''}`}
      data-testid="user"
      data-complete={complete}
      data-state={state}
      data-renders={renders.current}
      aria-busy={state === 'streaming' || undefined}
    >
      <span className="avatar" aria-hidden="true">
        {initials(user.name) || (pending === 'streaming' && <Skeleton width="1.2em" />)}
      </span>
      <div className="card-body">
        <p className="card-name">
          <FieldValue value={user.name} issue={issues?.get('name')} pending={pending} skeleton="9em" />
        </p>
        <dl className="card-fields">
          <div>
            <dt>Email</dt>
            <dd data-testid="email">
              <FieldValue value={user.email} issue={issues?.get('email')} pending={pending} skeleton="12em" />
            </dd>
          </div>
          <div>
            <dt>Twitter</dt>
            <dd data-testid="twitter">
              <FieldValue
                value={user.twitter}
                issue={issues?.get('twitter')}
                pending={pending}
                skeleton="7em"
              />
            </dd>
          </div>
        </dl>
      </div>
      {state === 'incomplete' && <span className="badge">incomplete</span>}
    </li>
  );
});

/** The slot of the next participant while the list may still grow: same size as a card, hidden from readers. */
export function SkeletonCard() {
  return (
    <li className="card skeleton-card" aria-hidden="true" data-testid="user-skeleton">
      <span className="avatar">
        <Skeleton width="1.2em" />
      </span>
      <div className="card-body">
        <p className="card-name">
          <Skeleton width="9em" />
        </p>
        <dl className="card-fields">
          <div>
            <dt>Email</dt>
            <dd>
              <Skeleton width="12em" />
            </dd>
          </div>
          <div>
            <dt>Twitter</dt>
            <dd>
              <Skeleton width="7em" />
            </dd>
          </div>
        </dl>
      </div>
    </li>
  );
}
