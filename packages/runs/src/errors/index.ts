export { RunNotFoundError } from './run-not-found-error.js';
export { PhaseNotFoundError } from './phase-not-found-error.js';
export { RunConflictError } from './run-conflict-error.js';
export { PhaseTransitionError, type PhaseTransitionCode } from './phase-transition-error.js';
export { RunStateError } from './run-state-error.js';
export { JobPayloadError } from './job-payload-error.js';
export { RunIdError } from './run-id-error.js';
export { BackfillError, type BackfillErrorCode } from './backfill-error.js';
export { UsageError } from './usage-error.js';
