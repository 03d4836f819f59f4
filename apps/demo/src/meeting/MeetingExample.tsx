import type { Fetcher } from '@partialkit/core';
import { usePartialObject } from '@partialkit/react';
import { StreamInspector, StreamRecorder } from '@partialkit/react/inspector';
import { MeetingInfo } from '@partialkit/test-utils/conference';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DemoConfig, ExtractRequest } from '../../server/api.ts';
import { reveal } from '../reveal.ts';
import { SpeedField } from '../SpeedField.tsx';
import { SCENARIOS, type ScenarioId, scenario } from '../scenarios.ts';
import { useDemoConfig } from '../use-demo-config.ts';
import { MeetingView } from './MeetingView.tsx';

export interface MeetingExampleProps {
  /** Where the stream comes from: the API's /api/extract by default (Storybook passes a replay). */
  fetcher?: Fetcher<ExtractRequest> | string;
  /** Replay or live; asked of /api/config when not given. */
  config?: DemoConfig;
  initialScenario?: ScenarioId;
  initialSpeed?: number;
  /**
   * Cuts the live connection of stream `id` (the "Drop connection" control). By default, when the
   * fetcher is the API's URL, a POST to `<url>/<id>/drop` makes the server destroy the sockets now
   * sending that stream; the control is hidden when there is neither.
   */
  drop?: (streamId: string) => Promise<void>;
}

/** The API's drop route: the server destroys the sockets sending the stream, as a dropped network does. */
const dropVia =
  (url: string) =>
  async (streamId: string): Promise<void> => {
    await fetch(`${url}/${encodeURIComponent(streamId)}/drop`, { method: 'POST' });
  };

/** Where a running extraction is remembered across a page reload (this tab only). */
const RUNNING = 'partialkit-demo:extraction';

interface Running {
  id: string;
  scenario: ScenarioId;
  speed: number;
}

function savedRun(): Running | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(RUNNING) ?? 'null') as Partial<Running> | null;
    if (typeof saved?.id !== 'string' || typeof saved.speed !== 'number') return undefined;
    const known = SCENARIOS.find((s) => s.id === saved.scenario);
    return known ? { id: saved.id, scenario: known.id, speed: saved.speed } : undefined;
  } catch {
    return undefined; // storage disabled, or not JSON
  }
}

function remember(run: Running | undefined): void {
  try {
    if (run) sessionStorage.setItem(RUNNING, JSON.stringify(run));
    else sessionStorage.removeItem(RUNNING);
  } catch {
    // storage disabled: a reload then starts idle
  }
}

/** The conference-extraction example: the notes, the streamed result and the stream inspector. */
export function MeetingExample({
  fetcher = '/api/extract',
  config: given,
  initialScenario = 'conference',
  initialSpeed = 1,
  drop = typeof fetcher === 'string' ? dropVia(fetcher) : undefined,
}: MeetingExampleProps) {
  const config = useDemoConfig(given);
  const replaying = config?.mode !== 'live';
  const [scenarioId, setScenarioId] = useState<ScenarioId>(initialScenario);
  const [speed, setSpeed] = useState(initialSpeed);
  const chosen = scenario(scenarioId);
  const [ownText, setOwnText] = useState(chosen.input);
  const text = replaying ? chosen.input : ownText;

  const [recorder] = useState(() => new StreamRecorder());
  const tapped = useMemo(() => recorder.tap(fetcher), [recorder, fetcher]);
  // The store's own requests (the resume after "Drop connection") go through its `fetch`: tapped too,
  // so the inspector goes on counting bytes and characters after a drop.
  const {
    object,
    data,
    status,
    error,
    issues,
    reconnects,
    streamId,
    submit,
    stop,
    reset,
    isComplete,
    isCompleteAt,
    store,
  } = usePartialObject<typeof MeetingInfo, ExtractRequest>(MeetingInfo, tapped, { fetch: recorder.fetch });
  // Reconnecting is still running: Stop stays active (and cancels on the server).
  const streaming = status === 'streaming' || status === 'reconnecting';
  // A page reload leaves the stream running on the server (no cleanup runs then): the reloaded page
  // follows it again from its start. On the next task, so that StrictMode's trial unmount (which stops,
  // below) comes first and cancels the timer, not the stream.
  // Read once, when the page loads: coming back to the tab later must not resume it again.
  const [reloaded] = useState(() => ({ run: savedRun() }));
  useEffect(() => {
    const saved = reloaded.run;
    if (!saved || typeof fetcher !== 'string') return;
    const timer = setTimeout(() => {
      reloaded.run = undefined;
      setScenarioId(saved.scenario);
      setSpeed(saved.speed);
      void store.resume(`${fetcher}/${encodeURIComponent(saved.id)}`);
    });
    return () => clearTimeout(timer);
  }, [store, fetcher, reloaded]);
  // Leaving the example (another tab) gives the stream up: cancelled on the server too, as Stop does.
  // Said so when the visitor comes back (set before the stop, whose render reads it).
  const left = useRef(false);
  useEffect(
    () => () => {
      remember(undefined);
      const { status: now } = store.getSnapshot();
      if (now === 'streaming' || now === 'reconnecting') left.current = true;
      store.stop();
    },
    [store],
  );
  useEffect(() => {
    if (streaming && streamId) remember({ id: streamId, scenario: scenarioId, speed });
    else if (!streaming && status !== 'idle') remember(undefined);
  }, [streaming, streamId, status, scenarioId, speed]);
  const [dropping, setDropping] = useState(false);
  const onDrop = () => {
    if (!drop || !streamId || status !== 'streaming' || dropping) return;
    setDropping(true);
    drop(streamId).finally(() => setDropping(false));
  };

  const extractRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const dropRef = useRef<HTMLButtonElement>(null);
  const resultsRef = useRef<HTMLElement>(null);
  // When the stream ends on its own, Stop and Drop connection turn inactive: move focus on to Extract,
  // never to <body>.
  const wasStreaming = useRef(false);
  useEffect(() => {
    const ended = wasStreaming.current && !streaming;
    wasStreaming.current = streaming;
    const focused = document.activeElement;
    const lost = focused === stopRef.current || focused === dropRef.current || focused === document.body;
    if (ended && lost) extractRef.current?.focus();
  }, [streaming]);

  const onExtract = () => {
    if (streaming) return;
    left.current = false;
    void submit({ text, scenario: scenarioId, speed });
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
    <div className="layout">
      <section className="panel input" aria-labelledby="input-title">
        <h2 id="input-title">Input</h2>
        {config === undefined ? null : replaying ? (
          <p className="mode replay" data-testid="mode">
            <strong>Replaying a recording.</strong> The server replays a recorded model stream; no model is
            called and no API key is needed. The notes below are the recorded input.
          </p>
        ) : (
          <p className="mode live" data-testid="mode">
            <strong>Live.</strong> The server calls {config.model ?? 'the model'} with these notes.
          </p>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onExtract();
          }}
        >
          {replaying && (
            <div className="field">
              <label htmlFor="scenario">Recording</label>
              <select
                id="scenario"
                value={scenarioId}
                // The running extraction's recording: switching mid-stream would relabel it.
                disabled={streaming}
                // The result shown belongs to the recording before: it goes with it.
                onChange={(e) => {
                  if (streaming) return;
                  setScenarioId(e.target.value as ScenarioId);
                  onReset();
                }}
                aria-describedby="scenario-description"
              >
                {SCENARIOS.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label}
                  </option>
                ))}
              </select>
              <p id="scenario-description" className="hint">
                {chosen.description}
              </p>
            </div>
          )}
          <div className="field">
            <label htmlFor="notes">{replaying ? 'Meeting notes (recorded input)' : 'Meeting notes'}</label>
            <textarea
              id="notes"
              value={text}
              readOnly={replaying}
              onChange={(e) => setOwnText(e.target.value)}
              rows={10}
            />
          </div>
          <div className="actions">
            {replaying && <SpeedField id="speed" speed={speed} onChange={setSpeed} disabled={streaming} />}
            <div className="buttons">
              <button
                ref={extractRef}
                type="submit"
                className="button primary"
                aria-disabled={streaming}
                data-busy={streaming || undefined}
              >
                {streaming && <span className="spinner" aria-hidden="true" />}
                {streaming ? 'Extracting…' : 'Extract'}
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
              {/* Always there (inactive unless streaming), so the row keeps its shape. */}
              {drop && (
                <button
                  ref={dropRef}
                  type="button"
                  className="button warn"
                  onClick={onDrop}
                  aria-disabled={status !== 'streaming' || !streamId || dropping}
                  title="Cut the live response mid-stream; the page reconnects and resumes"
                >
                  Drop connection
                </button>
              )}
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
      <MeetingView
        object={object}
        status={status}
        error={error}
        issues={issues}
        isComplete={isComplete}
        isCompleteAt={isCompleteAt}
        reconnects={reconnects}
        panelRef={resultsRef}
        left={left.current}
      />
      <aside className="panel inspector-panel" aria-labelledby="inspector-title">
        <h2 id="inspector-title">Stream inspector</h2>
        <StreamInspector store={store} recorder={recorder} className="inspector" />
        <details className="json">
          <summary>{data ? 'Validated result (JSON)' : 'Partial object (JSON)'}</summary>
          <section
            className="json-scroll"
            aria-label={data ? 'Validated result as JSON' : 'Partial object as JSON'}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region takes focus, so that a keyboard scrolls it
            tabIndex={0}
          >
            <pre data-testid="raw">{JSON.stringify(data ?? object ?? null, null, 2)}</pre>
          </section>
        </details>
      </aside>
    </div>
  );
}
