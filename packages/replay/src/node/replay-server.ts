import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { sendNodeResponse } from '@partialkit/server/node';
import { parseRecording, type Recording } from '../recording.ts';
import { type ReplayOptions, replayResponse } from '../replay.ts';

/**
 * An HTTP server that answers every request with a recording, behaving like the provider that sent it:
 * point the official `openai` client (`baseURL`) or `@anthropic-ai/sdk` at it.
 */
export function createReplayServer(
  recording: Recording | string,
  options: Omit<ReplayOptions, 'signal'> = {},
): Server {
  const parsed = typeof recording === 'string' ? parseRecording(recording) : recording;
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void sendNodeResponse(res, replayResponse(parsed, options));
    });
  });
}

/** Reads a fixture file (a `.rec.jsonl` recording or a plain `.sse` body). */
export async function loadRecording(file: string): Promise<Recording> {
  return parseRecording(new Uint8Array(await readFile(file)));
}
