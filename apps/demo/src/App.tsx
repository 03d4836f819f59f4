import { Activity, type KeyboardEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { MeetingExample } from './meeting/MeetingExample.tsx';
import { TalksExample } from './talks/TalksExample.tsx';

/** One example of the demo; a second one is one more entry in {@link EXAMPLES}. */
export interface DemoExample {
  id: string;
  label: string;
  render: () => ReactNode;
}

export const EXAMPLES: readonly DemoExample[] = [
  { id: 'conference', label: 'Conference extraction', render: () => <MeetingExample /> },
  { id: 'talks', label: 'Talks, one by one', render: () => <TalksExample /> },
];

function Logo() {
  return (
    <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#1d4ed8" />
      <path
        d="M12 8c-3 0-3 2-3 4s0 4-3 4c3 0 3 2 3 4s0 4 3 4"
        fill="none"
        stroke="#fff"
        strokeWidth="2.4"
        strokeLinecap="round"
      />
      <path d="M20 8c3 0 3 2 3 4s0 4 3 4" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" />
      <path
        d="M26 16c-3 0-3 2-3 4s0 4-3 4"
        fill="none"
        stroke="#93c5fd"
        strokeWidth="2.4"
        strokeLinecap="round"
        strokeDasharray="2 3"
      />
    </svg>
  );
}

/**
 * The demo's shell: the header and, when there is more than one example, a tab per example. An example is
 * mounted when first shown and kept in a hidden `<Activity>` when left, so coming back finds it as it was
 * (its result, its form); a stream still running when its tab is left stops, as Stop does.
 */
/** The example the URL names (`#talks`), so that a reload or a shared link opens that tab. */
function linked(examples: readonly DemoExample[]): string | undefined {
  const id = typeof location === 'undefined' ? '' : decodeURIComponent(location.hash.slice(1));
  return examples.some((e) => e.id === id) ? id : examples[0]?.id;
}

export function App({ examples = EXAMPLES }: { examples?: readonly DemoExample[] }) {
  const [current, setCurrent] = useState(() => linked(examples));
  const base = useId();
  const active = examples.find((e) => e.id === current) ?? examples[0];
  const [shown, setShown] = useState<ReadonlySet<string>>(() => new Set(active ? [active.id] : []));
  if (active && !shown.has(active.id)) setShown(new Set([...shown, active.id]));
  // The tab in the title and the URL (the first one is the page's own: no hash).
  useEffect(() => {
    if (!active || examples.length < 2) return;
    document.title = `partialkit demo: ${active.label.toLowerCase()}`;
    const hash = active.id === examples[0]?.id ? '' : `#${encodeURIComponent(active.id)}`;
    if (location.hash !== hash)
      history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  }, [active, examples]);
  // The ARIA tabs pattern: the arrows (and Home, End) move between tabs; only the active one is in the Tab order.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = examples.findIndex((e) => e.id === active?.id);
    const keys: Record<string, number> = {
      ArrowRight: at + 1,
      ArrowLeft: at - 1,
      Home: 0,
      End: examples.length - 1,
    };
    const to = keys[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = examples[(to + examples.length) % examples.length]!;
    setCurrent(next.id);
    document.getElementById(`${base}-tab-${next.id}`)?.focus();
  };
  return (
    <>
      <header className="topbar">
        <div className="brand">
          <Logo />
          <div>
            <h1>partialkit</h1>
            <p>Typed objects from a streaming LLM response, rendered while the JSON arrives.</p>
          </div>
        </div>
        {examples.length > 1 && (
          <div className="tabs" role="tablist" aria-label="Examples" onKeyDown={onKeyDown}>
            {examples.map((e) => (
              <button
                key={e.id}
                type="button"
                role="tab"
                id={`${base}-tab-${e.id}`}
                aria-controls={shown.has(e.id) ? `${base}-panel-${e.id}` : undefined}
                aria-selected={e.id === active?.id}
                tabIndex={e.id === active?.id ? 0 : -1}
                onClick={() => setCurrent(e.id)}
              >
                {e.label}
              </button>
            ))}
          </div>
        )}
      </header>
      <main>
        {examples.length > 1
          ? examples.map(
              (e) =>
                shown.has(e.id) && (
                  <Activity key={e.id} mode={e.id === active?.id ? 'visible' : 'hidden'}>
                    <div
                      role="tabpanel"
                      id={`${base}-panel-${e.id}`}
                      aria-labelledby={`${base}-tab-${e.id}`}
                      hidden={e.id !== active?.id}
                    >
                      {e.render()}
                    </div>
                  </Activity>
                ),
            )
          : active?.render()}
      </main>
    </>
  );
}
