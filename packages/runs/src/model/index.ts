export { isTerminalPhase, isTerminalRun, type PhaseState, type RunState, type Trigger } from './states.js';
export type { FailedCheckInfo, PhaseErrorInfo, PhaseRecord } from './phase-record.js';
export type { Draft, RunRecord } from './run-record.js';
export { toLoadRun } from './to-load-run.js';
export { RUN_ID_PATTERN, assertRunId } from './run-id.js';
export { toPhaseError } from './to-phase-error.js';
