import { PipelineError } from '@pipeline/core';

/** The run has no such load, or the load no such phase: the caller and the run's snapshot disagree. */
export class PhaseNotFoundError extends PipelineError {
  readonly code = 'E_PHASE_NOT_FOUND';
  readonly runId: string;
  readonly loadId: string;
  readonly phase: string | undefined;

  constructor(runId: string, loadId: string, phase?: string) {
    const what = phase === undefined ? `load "${loadId}"` : `phase "${loadId}/${phase}"`;
    super(`run "${runId}" has no ${what}; the run's pipeline snapshot names its loads, so a job for another definition cannot run against it`);
    this.runId = runId;
    this.loadId = loadId;
    this.phase = phase;
  }
}
