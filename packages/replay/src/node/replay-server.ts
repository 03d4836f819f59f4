import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { sendNodeResponse } from '@partialkit/server/node';
import { checkRecording, parseRecording, type Recording } from '../recording.ts';
import { checkReplayOptions, type ReplayOptions, replayResponse } from '../replay.ts';
import { UNRECORDED } from './record.ts';

/**
 * An HTTP server that answers every request with a recording, behaving like the provider that sent it:
 * point the official `openai` client (`baseURL`) or `@anthropic-ai/sdk` at it. The recording and the
 * options are checked here, so a bad one is refused before the server listens; should a request fail
 * anyway, it is answered with a 500 and the server keeps serving.
 */
export function createReplayServer(
  recording: Recording | string,
  options: Omit<ReplayOptions, 'signal'> = {},
): Server {
  const parsed = typeof recording === 'string' ? parseRecording(recording) : checkRecording(recording);
  checkReplayOptions(options);
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      Promise.resolve()
        .then(() => sendNodeResponse(res, replayResponse(served(parsed), options)))
        .catch((error: unknown) => {
          if (res.headersSent) {
            res.destroy();
            return;
          }
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`partialkit replay: ${error instanceof Error ? error.message : String(error)}\n`);
        });
    });
  });
}

/** Recordings made before the bytes were stored decoded may still say `content-encoding: gzip`: drop it. */
function served(recording: Recording): Recording {
  const headers = Object.fromEntries(
    Object.entries(recording.headers).filter(([k]) => !UNRECORDED.has(k.toLowerCase())),
  );
  return { ...recording, headers };
}

/** Reads a fixture file (a `.rec.jsonl` recording or a plain `.sse` body); errors name the file and line. */
export async function loadRecording(file: string): Promise<Recording> {
  const bytes = await readFile(file);
  // A view, not a copy: a 100 MB recording is held once while it is parsed.
  return parseRecording(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { source: file });
}
