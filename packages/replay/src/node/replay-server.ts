import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { sendNodeResponse } from '@partialkit/server/node';
import { RecordingError } from '../errors.ts';
import { checkRecording, parseRecording, type Recording } from '../recording.ts';
import { checkReplayOptions, type ReplayOptions, replayResponse } from '../replay.ts';
import { recordedHeaders } from './record.ts';

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

/**
 * As the recording says, less the headers of a connection (`content-length`…) and a `content-encoding`
 * its bytes are not in: recordings made before the bytes were stored decoded may still say gzip.
 */
function served(recording: Recording): Recording {
  return { ...recording, headers: recordedHeaders(Object.entries(recording.headers), recording.chunks) };
}

/**
 * Reads a fixture file (a `.rec.jsonl` recording or a plain `.sse` body); errors name the file (and the
 * line): one that cannot be read at all (missing, a directory, no permission) is a `RecordingError` too,
 * with the reason and the system error as its `cause`.
 */
export async function loadRecording(file: string): Promise<Recording> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new RecordingError(file, undefined, `cannot be read (${(error as Error).message})`, {
      cause: error,
    });
  }
  // A view, not a copy: a 100 MB recording is held once while it is parsed.
  return parseRecording(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { source: file });
}
