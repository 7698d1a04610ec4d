import { Queue, Worker, type JobsOptions } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../model/run-record.js';
import { redisPrefix } from '../queues/queue-names.js';
import { createRedisTestContext, type RedisTestContext } from '../testing/redis-test-context.js';
import { testRecord } from '../testing/test-record.js';
import type { QueueJob } from './queue-jobs.js';
import { RunStore } from './run-store.js';

const OPTS: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 }, removeOnComplete: { age: 60 }, removeOnFail: { age: 600 } };

/** The job a test record asks for in its params: `{ job: id, queue?, data?, opts? }`. */
function jobsIn(record: RunRecord): QueueJob[] {
  const { job, queue = 'sql', data = { runId: record.runId }, opts = OPTS } = record.params as Record<string, never>;
  return job ? [{ queue, name: 'stage', data, opts: { ...(opts as JobsOptions), jobId: job } }] : [];
}

/** What a queue's keys hold, keyed by their names after the queue's prefix; stream entries without their ids, job timestamps left out. */
async function queueContents(ctx: RedisTestContext, prefix: string, queue: string): Promise<Record<string, unknown>> {
  const base = `${prefix}:${queue}:`;
  const keys = (await ctx.redis.keys(`${base}*`)).sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const name = key.slice(base.length);
    const type = await ctx.redis.type(key);
    if (type === 'hash') {
      const { timestamp, opts, ...fields } = await ctx.redis.hgetall(key);
      out[name] = { ...fields, ...(opts ? { opts: JSON.parse(opts) } : {}), ...(timestamp ? { timestamp: 'set' } : {}) };
    } else if (type === 'list') out[name] = await ctx.redis.lrange(key, 0, -1);
    else if (type === 'zset') out[name] = await ctx.redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'stream') out[name] = (await ctx.redis.xrange(key, '-', '+')).map(([, fields]) => fields);
    else out[name] = await ctx.redis.get(key);
  }
  return out;
}

describe('jobs added by run store writes', () => {
  let ctx: RedisTestContext;
  let store: RunStore;
  let others: Array<{ close(): Promise<unknown> }>;
  beforeEach(async () => {
    ctx = await createRedisTestContext();
    store = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix, jobsOf: (_current, next) => jobsIn(next) });
    others = [];
  });
  afterEach(async () => {
    for (const other of others) await other.close();
    await ctx.teardown();
  });

  /** A BullMQ queue of this test under `prefix` (the store's by default), closed after it. */
  function queue(name: string, prefix = redisPrefix(ctx.keyPrefix)): Queue {
    const q = new Queue(name, { connection: ctx.redis, prefix });
    others.push({ close: async () => (await q.obliterate({ force: true }), q.close()) });
    return q;
  }

  for (const paused of [false, true]) {
    it(`writes what Queue.add writes, to the letter${paused ? ', on a paused queue (no marker wakes a worker)' : ''}`, async () => {
      const bullmqPrefix = `{${ctx.keyPrefix}-bullmq}`;
      const ours = queue('sql');
      const theirs = queue('sql', bullmqPrefix);
      if (paused) await Promise.all([ours.pause(), theirs.pause()]);
      const data = { runId: 'r', loadId: 'a', phase: 'stage', generation: 0 };
      await store.create(testRecord('orders.r', { params: { job: 'j1', data } }));
      await theirs.add('stage', data, { ...OPTS, jobId: 'j1' });
      const contents = await queueContents(ctx, redisPrefix(ctx.keyPrefix), 'sql');
      expect(contents).toEqual(await queueContents(ctx, bullmqPrefix, 'sql'));
      expect(contents).toMatchObject({ j1: { name: 'stage', data: JSON.stringify(data), opts: { ...OPTS, jobId: 'j1' } }, wait: ['j1'] });
      expect('marker' in contents).toBe(!paused);
    });
  }

  it('wakes a BullMQ worker waiting on the queue, which runs the job with its attempts and backoff', async () => {
    queue('sql');
    const attempts: number[] = [];
    const worker = new Worker(
      'sql',
      async (job) => {
        attempts.push(job.attemptsMade);
        if (attempts.length === 1) throw new Error('first attempt fails');
        return 'done';
      },
      { connection: ctx.redis.duplicate({ maxRetriesPerRequest: null }), prefix: redisPrefix(ctx.keyPrefix) },
    );
    others.push(worker);
    await worker.waitUntilReady();
    const completed = new Promise<string>((resolve) => worker.on('completed', (job) => resolve(job.returnvalue as string)));
    await store.create(testRecord('orders.r'));
    const added = performance.now();
    await store.update('orders.r', (r) => ({ ...r, params: { job: 'j2', opts: { attempts: 2, backoff: { type: 'fixed', delay: 10 } } } }));
    expect(await completed).toBe('done');
    expect(attempts).toEqual([0, 1]);
    // Woken by the job's marker, not by the end of its blocking wait (5 s).
    expect(performance.now() - added).toBeLessThan(2_000);
  });

  it('adds no job for a write refused on its version, nor for the create of a run that exists', async () => {
    queue('sql');
    const stale = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix, jobsOf: (_current, next) => jobsIn(next) });
    await stale.create(testRecord('orders.r'));
    // Another process writes first: `stale` still has version 1, and its write from it is refused.
    await store.update('orders.r', (r) => ({ ...r, params: { by: 'other' } }));
    await stale.update('orders.r', (r) => ({ ...r, params: { job: `from-v${r.version}` } }));
    expect(await queue('sql').getJob('from-v1')).toBeUndefined();
    expect(await queue('sql').getJob('from-v2')).toBeDefined();
    expect(await store.create(testRecord('orders.r', { params: { job: 'again' } }))).toBe(false);
    expect(await queue('sql').getJob('again')).toBeUndefined();
  });

  it('leaves a job whose id exists as it is', async () => {
    const sql = queue('sql');
    await sql.add('stage', { first: true }, { jobId: 'j3' });
    await store.create(testRecord('orders.r', { params: { job: 'j3', data: { first: false } } }));
    expect((await sql.getJob('j3'))?.data).toEqual({ first: true });
    expect(await ctx.redis.lrange(`${redisPrefix(ctx.keyPrefix)}:sql:wait`, 0, -1)).toEqual(['j3']);
  });

  it('adds the jobs of the writes of one turn, to their own queues, in one call', async () => {
    const [sql, spark] = [queue('sql'), queue('spark')];
    const ids = ['orders.r1', 'orders.r2', 'orders.r3'];
    await store.createMany(ids.map((id) => testRecord(id)));
    await Promise.all(ids.map((id, i) => store.update(id, (r) => ({ ...r, params: { job: `j${i}`, queue: i === 1 ? 'spark' : 'sql' } }))));
    expect((await sql.getWaiting()).map((j) => j.id).sort()).toEqual(['j0', 'j2']);
    expect((await spark.getWaiting()).map((j) => j.id)).toEqual(['j1']);
  });

  it('refuses a job that only Queue.add can add, and writes nothing', async () => {
    await store.create(testRecord('orders.r'));
    const write = store.update('orders.r', (r) => ({ ...r, params: { job: 'j4', opts: { delay: 1000 } } }));
    await expect(write).rejects.toThrow(/option "delay"/);
    expect((await store.get('orders.r'))?.version).toBe(1);
    expect(await ctx.redis.exists(`${redisPrefix(ctx.keyPrefix)}:sql:j4`)).toBe(0);
  });
});
