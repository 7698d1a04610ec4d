import type { JobsOptions } from 'bullmq';
import { JOB_CATALOG, JOB_RETENTION } from './job-catalog.js';
import { jobId } from './job-id.js';
import type { JobPayload } from './job-payload.js';

/** BullMQ options for a phase job: deterministic id, the kind's retries and backoff, retention. */
export function jobOptions(payload: JobPayload): JobsOptions {
  const definition = JOB_CATALOG[payload.phase];
  return {
    jobId: jobId(payload),
    attempts: definition.attempts,
    backoff: { ...definition.backoff },
    removeOnComplete: { ...JOB_RETENTION.removeOnComplete },
    removeOnFail: { ...JOB_RETENTION.removeOnFail },
  };
}
