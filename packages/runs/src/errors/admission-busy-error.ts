import { PipelineError } from '@pipeline/core';

/** A pipeline's admission lock stayed taken (by a scheduler tick or another trigger) for as long as a trigger waits. */
export class AdmissionBusyError extends PipelineError {
  readonly code = 'E_ADMISSION_BUSY';
  override readonly retryable = true;
  readonly pipelineId: string;

  constructor(pipelineId: string, waitedMs: number) {
    super(
      `pipeline "${pipelineId}" was busy starting other runs for ${Math.round(waitedMs / 1000)} s (a scheduler tick or another trigger holds its admission lock); try again, nothing was created`,
    );
    this.pipelineId = pipelineId;
  }
}
