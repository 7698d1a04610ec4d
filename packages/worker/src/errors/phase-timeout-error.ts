import { PipelineError } from '@pipeline/core';

/** One attempt of a phase ran longer than its job kind allows (see the job catalog); the next attempt may be quicker. */
export class PhaseTimeoutError extends PipelineError {
  readonly code = 'E_PHASE_TIMEOUT';
  override readonly retryable = true;
  readonly timeoutMs: number;

  constructor(phase: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`phase "${phase}" did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped; look at the load's size or the warehouse's load, then let the retry run`, options);
    this.timeoutMs = timeoutMs;
  }
}
