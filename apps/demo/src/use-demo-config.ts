import { useEffect, useState } from 'react';
import type { DemoConfig } from '../server/api.ts';

/** What the API serves (recordings or a live model), from /api/config; `given` skips the request. */
export function useDemoConfig(given?: DemoConfig): DemoConfig | undefined {
  const [config, setConfig] = useState<DemoConfig | undefined>(given);
  useEffect(() => {
    if (given) return;
    const controller = new AbortController();
    fetch('/api/config', { signal: controller.signal })
      .then((r) => (r.ok ? (r.json() as Promise<DemoConfig>) : { mode: 'replay' as const }))
      .then(setConfig, () => {});
    return () => controller.abort();
  }, [given]);
  return given ?? config;
}
