export { parseRecording, type RecordedChunk, type Recording, serializeRecording } from './recording.ts';
export { type ReplayOptions, replay, replayResponse } from './replay.ts';
