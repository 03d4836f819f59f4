/**
 * The console example: `for await` over `streamPartial` on a recorded stream, redrawing the partial
 * object in the terminal as it grows (instructor's `console.clear(); console.print(obj)` loop).
 *
 *   npx tsx --conditions=@partialkit/source examples/console.ts [fixture.sse] [--delay ms]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { streamPartial } from '@partialkit/core';
import '@partialkit/core/providers';
import { MeetingInfo } from '@partialkit/test-utils/conference';
import { fixturePath } from '@partialkit/test-utils/fixtures';

export const DEFAULT_FIXTURE = fixturePath('conference-extraction.sse');

export interface ConsoleOptions {
  file?: string;
  /** Pause between recorded events, to watch it stream (0 = as fast as possible). */
  delayMs?: number;
  write?: (text: string) => void;
  /** Redraw in place with ANSI escapes (a terminal), or print one frame after another. */
  redraw?: boolean;
}

/** Replays a recording event by event, as the network would deliver it. */
async function* replayEvents(bytes: Uint8Array, delayMs: number): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i - 1] === 0x0a) {
      yield bytes.subarray(start, i + 1);
      start = i + 1;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  if (start < bytes.length) yield bytes.subarray(start);
}

export async function runConsole(options: ConsoleOptions = {}): Promise<MeetingInfo> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  const bytes = new Uint8Array(readFileSync(options.file ?? DEFAULT_FIXTURE));
  let lines = 0;
  let final: MeetingInfo | undefined;
  const stream = streamPartial(MeetingInfo, replayEvents(bytes, options.delayMs ?? 0));
  while (true) {
    const step = await stream.next();
    if (step.done) {
      final = step.value;
      break;
    }
    const frame = JSON.stringify(step.value, null, 2);
    write(options.redraw && lines ? `\x1b[${lines}A\x1b[J${frame}\n` : `${frame}\n`);
    lines = frame.split('\n').length;
  }
  return final;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const delay = args.indexOf('--delay');
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--delay');
  await runConsole({
    ...(file && { file }),
    delayMs: delay >= 0 ? Number(args[delay + 1]) : 15,
    redraw: process.stdout.isTTY === true,
  });
}
