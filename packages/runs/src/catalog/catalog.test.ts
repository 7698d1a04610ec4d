import { describe, expect, it } from 'vitest';
import { JobPayloadError } from '../errors/job-payload-error.js';
import { cancelChannel, queueForPhase, redisPrefix } from '../queues/queue-names.js';
import { JOB_CATALOG } from './job-catalog.js';
import { jobId } from './job-id.js';
import { jobOptions } from './job-options.js';
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
