import { PipelineError } from '@pipeline/core';

/** Other writers kept changing the run between our read and our compare-and-set. */
export class RunConflictError extends PipelineError {
  readonly code = 'E_RUN_CONFLICT';
  override readonly retryable = true;
  readonly runId: string;
  readonly tries: number;

  constructor(runId: string, tries: number) {
    super(`run "${runId}" changed under ${tries} consecutive updates; retry the operation (it is safe to repeat)`);
    this.runId = runId;
    this.tries = tries;
  }
}
