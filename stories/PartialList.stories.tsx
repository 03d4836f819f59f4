import { PartialList, PartialText, usePartialObject } from '@partialkit/react';
import { MeetingInfo } from '@partialkit/test-utils/conference';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect } from 'react';
import { conferenceReplay } from './replay-fetcher.ts';

function StreamingParticipants({ msPerEvent }: { msPerEvent: number }) {
  const { object, status, submit, isCompleteAt } = usePartialObject(
    MeetingInfo,
    conferenceReplay(msPerEvent),
    {
      throttle: 0,
    },
  );
  useEffect(() => {
    void submit({ speed: 1 });
  }, [submit]);
  return (
    <div style={{ fontFamily: 'system-ui' }}>
      <p>
        status: <b>{status}</b>
      </p>
      <ul>
        <PartialList
          items={object?.users}
          placeholder={<li>Waiting for participants…</li>}
          render={(user, { complete }) => (
            <li style={{ opacity: complete ? 1 : 0.6 }}>
              {user.name} {user.email ? `<${user.email}>` : ''} {complete ? '✓' : '…'}
            </li>
          )}
        />
      </ul>
      <p>
        Location:{' '}
        <PartialText value={object?.location} complete={isCompleteAt(['location'])} placeholder="…" />
      </p>
    </div>
  );
}

const meta = {
  title: 'React/PartialList',
  component: StreamingParticipants,
  args: { msPerEvent: 60 },
} satisfies Meta<typeof StreamingParticipants>;

export default meta;

/** A list growing while the recorded stream replays; the item still streaming is faded. */
export const Streaming: StoryObj<typeof meta> = {};
