import { PipelineError } from '@pipeline/core';

/** A run id holds characters that cannot be part of a directory name or a BullMQ job id. */
export class RunIdError extends PipelineError {
  readonly code = 'E_RUN_ID';
  readonly runId: string;

  constructor(runId: string) {
    super(`run id "${runId}" must be 1–200 characters of a-z, 0-9, ".", "_" and "-" (use scheduledRunId or manualRunId)`);
    this.runId = runId;
  }
}
