import { PipelineError } from '@pipeline/core';

/** The request names a pipeline that the definitions directory does not hold. */
export class PipelineNotFoundError extends PipelineError {
  readonly code = 'E_PIPELINE_NOT_FOUND';
  readonly pipelineId: string;

  constructor(pipelineId: string, known: readonly string[]) {
    super(`no pipeline "${pipelineId}" in the pipelines directory (known: ${known.join(', ') || 'none'}); GET /api/v1/pipelines lists them`);
    this.pipelineId = pipelineId;
  }
}

/** The phase's log is not kept where this server can read it. */
export class LogNotFoundError extends PipelineError {
  readonly code = 'E_LOG_NOT_FOUND';
}

/** A request without the API token, or with a wrong one. */
export class UnauthorizedError extends PipelineError {
  readonly code = 'E_UNAUTHORIZED';
}
