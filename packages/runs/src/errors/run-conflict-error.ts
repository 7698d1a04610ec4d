import { PipelineError } from '@pipeline/core';

/** Other writers kept changing the run between our read and our compare-and-set. */
export class RunConflictError extends PipelineError {
  readonly code = 'E_RUN_CONFLICT';
  override readonly retryable = true;
  readonly runId: string;
  readonly tries: number;

  /** `waitedMs` when what ran out was the wait for the run's update lock, held by other writers. */
  constructor(runId: string, tries: number, waitedMs?: number) {
    super(
      waitedMs === undefined
        ? `run "${runId}" changed under ${tries} consecutive updates; retry the operation (it is safe to repeat)`
        : `run "${runId}" was being updated by other writers for ${Math.round(waitedMs / 1000)} s; retry the operation (it is safe to repeat)`,
    );
    this.runId = runId;
    this.tries = tries;
  }
}
