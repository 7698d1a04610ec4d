import { PipelineError } from '@pipeline/core';
import type { Job } from 'bullmq';

/**
 * Whether BullMQ should try the phase again: only a retryable error with attempts left.
 * Errors of ours say whether they are retryable; anything else (a bug, a filesystem error) is
 * treated as transient, as BullMQ would, and bounded by the job's attempts.
 */
export function shouldRetry(err: unknown, job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  const retryable = err instanceof PipelineError ? err.retryable : true;
  const attemptsLeft = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
  return retryable && attemptsLeft;
}
