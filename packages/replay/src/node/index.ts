export { main as runCli } from './cli.ts';
export { type RecordedResponse, type RecordOptions, record } from './record.ts';
export { createReplayServer, loadRecording } from './replay-server.ts';
