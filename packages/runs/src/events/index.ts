export { runEvents, type RunEvent, type RunStateEvent, type PhaseStateEvent } from './run-event.js';
export { RunEventLog, type StoredRunEvent, type ReadOptions } from './run-event-log.js';
export { compareStreamIds, isStreamId } from './stream-id.js';
