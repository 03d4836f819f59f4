// @vitest-environment jsdom
/**
 * A participant card with no name yet: its avatar is a skeleton while the stream runs, and empty once it
 * ended (a dropped stream leaves such a card: nothing on it may still look as if it were loading).
 */
import { cleanup, render } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, expect, it } from 'vitest';
import { ParticipantCard } from '../src/meeting/ParticipantCard.tsx';

afterEach(cleanup);

it.each([
  { streaming: true, skeletons: 4, badge: false },
  { streaming: false, skeletons: 0, badge: true },
])('a card with no name, streaming: $streaming', ({ streaming, skeletons, badge }) => {
  const { container } = render(
    createElement('ul', null, createElement(ParticipantCard, { user: {}, complete: false, streaming })),
  );
  expect({
    skeletons: container.querySelectorAll('.skeleton').length,
    badge: container.querySelector('.badge') !== null,
    avatar: container.querySelector('.avatar')?.textContent,
  }).toEqual({ skeletons, badge, avatar: '' });
});
