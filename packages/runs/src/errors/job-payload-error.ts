import { PipelineError } from '@pipeline/core';

/** A job's name or payload does not match the job catalog (a bug, or a producer of another version). */
export class JobPayloadError extends PipelineError {
  readonly code = 'E_JOB_PAYLOAD';
  readonly jobName: string;

  constructor(jobName: string, detail: string, options?: { cause?: unknown }) {
    super(`job "${jobName}" does not match the job catalog: ${detail}; producer and worker must run the same @pipeline/runs version`, options);
    this.jobName = jobName;
  }
}
