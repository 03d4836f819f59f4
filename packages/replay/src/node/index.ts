export { main as runCli } from './cli.ts';
export { type RecordOptions, record } from './record.ts';
export { createReplayServer, loadRecording } from './replay-server.ts';
