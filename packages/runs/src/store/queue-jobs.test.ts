import { describe, expect, it } from 'vitest';
import { encodeJob, jobCallArgs, type QueueJob } from './queue-jobs.js';

const job = (opts: Partial<QueueJob['opts']> = {}, queue = 'sql'): QueueJob => ({ queue, name: 'stage', data: { runId: 'r' }, opts: { jobId: 'r__a__stage__g0', ...opts } });

describe('encodeJob', () => {
  it("stores options as BullMQ does: its short names, undefined members left out", () => {
    const encoded = encodeJob(job({ attempts: 3, keepLogs: 10, failParentOnFailure: true, removeOnFail: undefined, backoff: { type: 'fixed', delay: 5 } }));
    expect(JSON.parse(encoded.opts)).toEqual({ jobId: 'r__a__stage__g0', attempts: 3, kl: 10, fpof: true, backoff: { type: 'fixed', delay: 5 } });
    expect(encoded).toMatchObject({ queue: 'sql', jobId: 'r__a__stage__g0', name: 'stage', data: '{"runId":"r"}' });
  });

  it('stores no data as an empty object, as Queue.add does', () => {
    expect(encodeJob({ ...job(), data: undefined }).data).toBe('{}');
  });

  it('refuses options that need another way of adding a job, naming the job and the option', () => {
    expect(() => encodeJob(job({ delay: 1000 }))).toThrow('job r__a__stage__g0 of queue sql has option "delay": a run store write adds standard jobs only');
    expect(() => encodeJob(job({ priority: 2 }))).toThrow(/option "priority"/);
    expect(() => encodeJob(job({ deduplication: { id: 'x' } }))).toThrow(/option "deduplication"/);
    expect(() => encodeJob(job({ repeat: { every: 1000 } }))).toThrow(/option "repeat"/);
    expect(encodeJob(job({ delay: 0 })).opts).toContain('"delay":0');
  });

  it('refuses a job without an id, or with ":" in it', () => {
    expect(() => encodeJob(job({ jobId: '' }))).toThrow('job id "" of queue sql must be non-empty and without ":"');
    expect(() => encodeJob(job({ jobId: 'a:b' }))).toThrow(/without ":"/);
  });
});

describe('jobCallArgs', () => {
  it("declares each queue's keys once, and numbers the jobs' queues in that order", () => {
    const [sql, spark, sql2] = [encodeJob(job()), encodeJob(job({ jobId: 'x' }, 'spark')), encodeJob(job({ jobId: 'y' }))];
    const args = jobCallArgs('{p}', [[sql], [], [spark, sql2]], 7);
    expect(args.prefixes).toEqual(['{p}:sql:', '{p}:spark:']);
    const keys = ['wait', 'meta', 'id', 'active', 'events', 'marker'];
    expect(args.keys).toEqual([...keys.map((k) => `{p}:sql:${k}`), ...keys.map((k) => `{p}:spark:${k}`)]);
    expect(args.records).toEqual([
      [1, 1, sql.jobId, 'stage', sql.data, sql.opts, 7],
      [0],
      [2, 2, 'x', 'stage', spark.data, spark.opts, 7, 1, 'y', 'stage', sql2.data, sql2.opts, 7],
    ]);
  });
});
