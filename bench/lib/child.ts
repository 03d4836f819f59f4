/**
 * Runs a bench script in its own Node process (its own heap, flags and NODE_ENV), bounded by a time cap:
 * the child sends each result over IPC as it has it; past the cap it is killed and the caller keeps the
 * results sent so far (none: the tables print "> N s" instead of hanging the bench).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildOptions {
  /** Extra Node flags, e.g. `--expose-gc`. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  capMs: number;
}

export function benchFile(name: string): string {
  return fileURLToPath(new URL(`../${name}`, import.meta.url));
}

export interface ChildRun<T> {
  results: T[];
  timedOut: boolean;
}

export function runChild<T>(script: string, input: unknown, options: ChildOptions): Promise<ChildRun<T>> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(input)], {
      execArgv: ['--conditions=@partialkit/source', '--import', 'tsx', ...(options.nodeArgs ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const results: T[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.capMs);
    child.on('message', (m) => {
      results.push(m as T);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (timedOut || code === 0) resolve({ results, timedOut });
      else reject(new Error(`${script} exited with code ${code}`));
    });
  });
}

/** In a child: its input, and how it reports. */
export function childInput<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

export function reply(result: unknown): Promise<void> {
  return new Promise((resolve) => process.send!(result, () => resolve()));
}
