export { RecordingError, ReplayOptionError } from './errors.ts';
export {
  checkRecording,
  type ParseRecordingOptions,
  parseRecording,
  type RecordedChunk,
  type Recording,
  serializeRecording,
} from './recording.ts';
export { checkReplayOptions, type ReplayOptions, replay, replayResponse } from './replay.ts';
