import type { JobsOptions } from 'bullmq';
import { JOB_CATALOG, JOB_RETENTION } from './job-catalog.js';
import { jobId } from './job-id.js';
import type { JobPayload } from './job-payload.js';
import type { JobRetryOverrides } from './job-retry-overrides.js';

/**
 * BullMQ options for a phase job: deterministic id, the kind's retries and backoff (or the
 * load's own attempts and backoff base, keeping the kind's backoff type and jitter), retention.
 */
export function jobOptions(payload: JobPayload, overrides: JobRetryOverrides = {}): JobsOptions & { jobId: string } {
  const definition = JOB_CATALOG[payload.phase];
  return {
    jobId: jobId(payload),
    attempts: overrides.attempts ?? definition.attempts,
    backoff: { ...definition.backoff, ...(overrides.backoffMs !== undefined ? { delay: overrides.backoffMs } : {}) },
    removeOnComplete: { ...JOB_RETENTION.removeOnComplete },
    removeOnFail: { ...JOB_RETENTION.removeOnFail },
  };
}
