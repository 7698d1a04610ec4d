import { describe, expect, it } from 'vitest';
import { JobPayloadError } from '../errors/job-payload-error.js';
import { cancelChannel, queueForPhase, redisPrefix } from '../queues/queue-names.js';
import { JOB_CATALOG } from './job-catalog.js';
import { jobId } from './job-id.js';
import { jobOptions } from './job-options.js';
import { jobRetryOverrides } from './job-retry-overrides.js';
import { parseJob } from './parse-job.js';

const payload = { runId: 'users.scheduled.20260101t000000z', loadId: 'users', phase: 'stage' as const, generation: 2 };

describe('job catalog', () => {
  it('sends extract-transform to spark and every other phase to sql', () => {
    expect(queueForPhase('extract-transform')).toBe('spark');
    for (const phase of ['stage', 'audit', 'merge', 'validate', 'cleanup'] as const) expect(queueForPhase(phase)).toBe('sql');
    expect(JOB_CATALOG['extract-transform']).toMatchObject({ queue: 'spark', attempts: 3, timeoutMs: 6 * 3600_000 });
    expect(JOB_CATALOG.merge).toMatchObject({ queue: 'sql', attempts: 5, timeoutMs: 3600_000 });
  });

  it('derives a job id without ":" from run, load, phase and generation', () => {
    expect(jobId(payload)).toBe('users.scheduled.20260101t000000z__users__stage__g2');
    expect(jobOptions(payload)).toMatchObject({
      jobId: 'users.scheduled.20260101t000000z__users__stage__g2',
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 86400, count: 10_000 },
      removeOnFail: { age: 30 * 86400 },
    });
  });

  it("applies a load's attempts and backoff base, keeping the kind's exponential type and jitter", () => {
    expect(jobOptions(payload, { attempts: 12, backoffMs: 30_000 })).toMatchObject({
      attempts: 12,
      backoff: { type: 'exponential', delay: 30_000, jitter: 0.5 },
    });
    const spark = { ...payload, phase: 'extract-transform' as const };
    expect(jobOptions(spark, { attempts: 1 })).toMatchObject({ attempts: 1, backoff: { type: 'exponential', delay: 5000, jitter: 0.5 } });
    expect(jobOptions(spark, { backoffMs: 60_000 })).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 60_000, jitter: 0.5 } });
    expect(jobOptions(payload, {})).toEqual(jobOptions(payload));
  });

  it('does not let one job change the catalog it was built from', () => {
    const options = jobOptions(payload, { backoffMs: 1 });
    expect(options.backoff).not.toBe(JOB_CATALOG.stage.backoff);
    expect(JOB_CATALOG.stage.backoff).toEqual({ type: 'exponential', delay: 1000, jitter: 0.5 });
  });

  it("reads a load's retries as job overrides", () => {
    expect(jobRetryOverrides({ retries: { attempts: 8, backoff: '1m30s' } })).toEqual({ attempts: 8, backoffMs: 90_000 });
    expect(jobRetryOverrides({ retries: { backoff: '2h' } })).toEqual({ backoffMs: 7_200_000 });
    expect(jobRetryOverrides({ retries: { attempts: 2 } })).toEqual({ attempts: 2 });
    expect(jobRetryOverrides({})).toEqual({});
    expect(jobRetryOverrides(undefined)).toEqual({});
  });

  it('accepts a payload that matches its job name', () => {
    expect(parseJob('stage', payload)).toEqual(payload);
  });

  it.each([
    ['unknown name', 'load', payload],
    ['name and phase differ', 'merge', payload],
    ['run id with ":"', 'stage', { ...payload, runId: 'a:b' }],
    ['negative generation', 'stage', { ...payload, generation: -1 }],
    ['extra field', 'stage', { ...payload, extra: 1 }],
  ])('refuses %s', (_case, name, data) => {
    expect(() => parseJob(name, data)).toThrow(JobPayloadError);
  });

  it('puts every key of a deployment under one cluster hash tag', () => {
    expect(redisPrefix('pipeline')).toBe('{pipeline}');
    expect(cancelChannel('acme')).toBe('{acme}:cancel');
    expect(() => redisPrefix('a:b')).toThrow(/key prefix/);
  });
});
