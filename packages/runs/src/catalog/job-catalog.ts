import { LOAD_PHASES, type LoadPhase } from '@pipeline/core';
import type { BackoffOptions, KeepJobs } from 'bullmq';
import { queueForPhase, type QueueKind } from '../queues/queue-names.js';
import { JobPayloadSchema } from './job-payload.js';

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY_SECONDS = 24 * 3600;

/** Retry and time limits of one kind of job. */
export interface JobKindDefaults {
  /** Executions BullMQ allows before the phase fails for good. */
  attempts: number;
  /** Exponential backoff with jitter, so that retries of many runs do not arrive together. */
  backoff: BackoffOptions;
  /** The longest one attempt may take; the worker aborts the phase's signal after it. */
  timeoutMs: number;
}

/** Per queue defaults. Spark jobs are long and costly to restart; SQL jobs short and retried sooner. */
export const JOB_KIND_DEFAULTS: Readonly<Record<QueueKind, JobKindDefaults>> = {
  /** @defaultValue 3 attempts, backoff from 5 s, 6 h per attempt */
  spark: { attempts: 3, backoff: { type: 'exponential', delay: 5 * SECOND, jitter: 0.5 }, timeoutMs: 6 * HOUR },
  /** @defaultValue 5 attempts, backoff from 1 s, 1 h per attempt */
  sql: { attempts: 5, backoff: { type: 'exponential', delay: 1 * SECOND, jitter: 0.5 }, timeoutMs: 1 * HOUR },
};

/** How long finished jobs stay in Redis (ages in seconds, as BullMQ takes them). */
export const JOB_RETENTION: Readonly<{ removeOnComplete: KeepJobs; removeOnFail: KeepJobs }> = {
  removeOnComplete: { age: 7 * DAY_SECONDS, count: 10_000 },
  removeOnFail: { age: 30 * DAY_SECONDS },
};

export interface JobDefinition extends JobKindDefaults {
  /** The BullMQ job name: the phase name. */
  name: LoadPhase;
  queue: QueueKind;
  payload: typeof JobPayloadSchema;
}

/** Every job the workers process: one per phase, checked when enqueuing and when processing. */
export const JOB_CATALOG: Readonly<Record<LoadPhase, JobDefinition>> = Object.fromEntries(
  LOAD_PHASES.map((phase) => {
    const queue = queueForPhase(phase);
    return [phase, { name: phase, queue, payload: JobPayloadSchema, ...JOB_KIND_DEFAULTS[queue] }];
  }),
) as Record<LoadPhase, JobDefinition>;
