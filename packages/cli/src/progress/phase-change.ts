import type { LoadPhase } from '@pipeline/core';
import type { PhaseState, RunState } from '@pipeline/runs';

/**
 * One state change of one phase, as both commands see it: `pipeline run` from its in-process
 * phase hooks, `pipeline trigger --wait` from the run event stream. The states are the run
 * model's, so the two commands print the same vocabulary.
 */
export interface PhaseChange {
  loadId: string;
  phase: LoadPhase;
  state: PhaseState;
  /** When the change happened. */
  at: Date;
  /** Execution number of the phase, when known. */
  attempt?: number;
  /** How long the attempt took, on `success` and `failed`. */
  durationMs?: number;
  /** The phase's main row count (see `primaryRows`), when known. */
  rows?: number;
  /** Code of the error, on `failed` and on a failed attempt that goes back to `queued`. */
  errorCode?: string;
  /** A new attempt started while the phase was still `running`: the previous worker died. */
  restarted?: boolean;
}

/** Where a phase stands at the start: what the live block shows before any change arrives. */
export interface PhaseSlot {
  loadId: string;
  phase: LoadPhase;
  state: PhaseState;
}

/** How the run ended, for the last line of the progress output. */
export interface RunOutcome {
  state: RunState;
  durationMs: number;
}
