export type RunState = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';
export type PhaseState = 'pending' | 'queued' | 'running' | 'success' | 'failed' | 'upstream_failed' | 'cancelled';
export type Trigger = 'schedule' | 'manual' | 'backfill';

const TERMINAL_PHASE_STATES: ReadonlySet<PhaseState> = new Set(['success', 'failed', 'upstream_failed', 'cancelled']);
const TERMINAL_RUN_STATES: ReadonlySet<RunState> = new Set(['success', 'failed', 'cancelled']);

/** A phase in one of these states changes again only through `retryRun`. */
export function isTerminalPhase(state: PhaseState): boolean {
  return TERMINAL_PHASE_STATES.has(state);
}

/** A run in one of these states has nothing left on the queues and is not counted as active. */
export function isTerminalRun(state: RunState): boolean {
  return TERMINAL_RUN_STATES.has(state);
}
