import { PipelineError } from '@pipeline/core';

export type BackfillErrorCode = 'E_BACKFILL_RANGE' | 'E_BACKFILL_NO_SCHEDULE';

/** A backfill request that cannot be planned; nothing was queued. */
export class BackfillError extends PipelineError {
  readonly code: BackfillErrorCode;
  readonly pipelineId: string;

  constructor(code: BackfillErrorCode, pipelineId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.pipelineId = pipelineId;
  }
}
