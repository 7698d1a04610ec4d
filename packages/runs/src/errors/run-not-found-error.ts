import { PipelineError } from '@pipeline/core';

/** No run with this id is stored (never created, or pruned by retention). */
export class RunNotFoundError extends PipelineError {
  readonly code = 'E_RUN_NOT_FOUND';
  readonly runId: string;

  constructor(runId: string) {
    super(`run "${runId}" does not exist (never created, or pruned); list the pipeline's runs to find its id`);
    this.runId = runId;
  }
}
