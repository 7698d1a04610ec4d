import { PipelineError } from '@pipeline/core';
import type { PhaseState, RunState } from '../model/states.js';

export type PhaseTransitionCode =
  /** The run was cancelled: the phase must not start. */
  | 'E_RUN_CANCELLED'
  /** The phase already finished (success, failed, upstream_failed, cancelled). */
  | 'E_PHASE_TERMINAL'
  /** The job belongs to an older generation: `retryRun` has replaced it. */
  | 'E_PHASE_STALE'
  /** The phase was never queued: its upstream has not finished, or its run is held. */
  | 'E_PHASE_NOT_QUEUED';

/** A worker asked for a phase change the run's current state does not allow. */
export class PhaseTransitionError extends PipelineError {
  readonly code: PhaseTransitionCode;
  readonly runId: string;
  readonly loadId: string;
  readonly phase: string;
  readonly runState: RunState;
  readonly phaseState: PhaseState;

  constructor(
    code: PhaseTransitionCode,
    message: string,
    fields: { runId: string; loadId: string; phase: string; runState: RunState; phaseState: PhaseState },
  ) {
    super(message);
    this.code = code;
    this.runId = fields.runId;
    this.loadId = fields.loadId;
    this.phase = fields.phase;
    this.runState = fields.runState;
    this.phaseState = fields.phaseState;
  }
}
