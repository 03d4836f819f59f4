// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PartialList } from './partial-list.tsx';
import { usePartialObject } from './use-partial-object.ts';

const Schema = z.object({ users: z.array(z.object({ name: z.string() })) });

describe('server rendering', () => {
  it('renders the initial state without window and without starting anything', () => {
    expect(typeof window).toBe('undefined');
    let calls = 0;
    function View() {
      const { object, status } = usePartialObject(
        Schema,
        () => {
          calls++;
          return [];
        },
        { initialValue: { users: [{ name: 'Ada' }] } },
      );
      return (
        <div>
          {status}
          <PartialList items={object?.users} render={(u) => <b>{u.name}</b>} />
        </div>
      );
    }
    expect(renderToString(<View />)).toBe('<div>idle<b>Ada</b></div>');
    expect(calls).toBe(0);
  });
});
