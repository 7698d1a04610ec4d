import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PipelineSchema } from '@pipeline/core';
import { parsePrometheusText } from '@pipeline/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUEUE_KINDS, redisPrefix, type QueueKind } from '../queues/queue-names.js';
import { createRedisTestContext, type RedisTestContext } from '../testing/redis-test-context.js';
import { testPipeline } from '../testing/test-pipeline.js';
import { workerKey } from '../workers/worker-info.js';
import { registerClusterMetrics, type ClusterMetricsOptions } from './cluster-metrics.js';
import type { ClusterSource } from './cluster-snapshot.js';

const MINUTE = 60_000;

async function scrape(registry: Registry) {
  return parsePrometheusText(await registry.metrics());
}

describe('cluster metrics', () => {
  let ctx: RedisTestContext;
  let registry: Registry;
  let source: ClusterSource;
  beforeEach(async () => {
    ctx = await createRedisTestContext();
    registry = new Registry();
    const { orchestrator } = ctx;
    source = { redis: ctx.redis, keyPrefix: ctx.keyPrefix, store: orchestrator.store, queue: (kind) => orchestrator.queue(kind) };
  });
  afterEach(async () => ctx.teardown());

  async function heartbeat(workerId: string, queues: QueueKind[], status: 'running' | 'stopping') {
    const info = { workerId, host: 'h', pid: 1, queues, concurrency: {}, startedAt: new Date().toISOString(), seenAt: new Date().toISOString(), running: [], status };
    await ctx.redis.set(workerKey(ctx.keyPrefix, workerId), JSON.stringify(info), 'PX', MINUTE);
  }

  it('reports runs by pipeline and state, queue jobs, the oldest waiting job and live workers', async () => {
    const { orchestrator } = ctx;
    for (const id of ['orders.manual.m1', 'orders.manual.m2', 'orders.manual.m3']) await orchestrator.createRun({ pipeline: testPipeline('orders'), trigger: 'manual', interval: null, runId: id });
    await orchestrator.cancelRun('orders.manual.m3');
    const users = await orchestrator.createRun({ pipeline: testPipeline('users'), trigger: 'manual', interval: null, runId: 'users.manual.u1' });
    const first = users.phases.find((p) => p.state === 'queued')!;
    await orchestrator.markRunning(users.runId, first.loadId, first.phase, { worker: 'w1', attempt: 1 });

    // The sql queue holds only the test's jobs: one added two minutes ago, one delayed an hour.
    const sql = orchestrator.queue('sql');
    const now = Date.now();
    await sql.add('stage', {}, { jobId: 'old', timestamp: now - 2 * MINUTE });
    await sql.add('stage', {}, { jobId: 'new', timestamp: now });
    await sql.add('stage', {}, { jobId: 'later', delay: 60 * MINUTE });
    await heartbeat('w-both', ['spark', 'sql'], 'running');
    await heartbeat('w-sql', ['sql'], 'running');
    await heartbeat('w-leaving', ['spark'], 'stopping');

    registerClusterMetrics(registry, source);
    const metrics = await scrape(registry);

    expect(metrics.types).toMatchObject({ pipeline_runs: 'gauge', pipeline_queue_jobs: 'gauge', pipeline_queue_oldest_waiting_seconds: 'gauge', pipeline_workers: 'gauge' });
    const runs = Object.fromEntries(metrics.find('pipeline_runs').map((s) => [`${s.labels.pipeline}/${s.labels.state}`, s.value]));
    expect(runs).toEqual({
      'orders/queued': 2,
      'orders/running': 0,
      'orders/success': 0,
      'orders/failed': 0,
      'orders/cancelled': 1,
      'users/queued': 0,
      'users/running': 1,
      'users/success': 0,
      'users/failed': 0,
      'users/cancelled': 0,
    });
    expect(metrics.value('pipeline_queue_jobs', { queue: 'sql', state: 'waiting' })).toBe(2);
    expect(metrics.value('pipeline_queue_jobs', { queue: 'sql', state: 'delayed' })).toBe(1);
    expect(metrics.value('pipeline_queue_jobs', { queue: 'sql', state: 'active' })).toBe(0);
    expect(metrics.value('pipeline_queue_jobs', { queue: 'sql', state: 'failed' })).toBe(0);
    expect(metrics.find('pipeline_queue_jobs', { queue: 'sql' }).map((s) => s.labels.state).sort()).toEqual(['active', 'delayed', 'failed', 'prioritized', 'waiting', 'waiting-children']);
    // Extract phases of the runs still queued (orders m1, m2: loads a and e each; users: e, a is running).
    expect(metrics.value('pipeline_queue_jobs', { queue: 'spark', state: 'waiting' })).toBe(6);
    const oldest = metrics.value('pipeline_queue_oldest_waiting_seconds', { queue: 'sql' });
    expect(oldest).toBeGreaterThanOrEqual(120);
    expect(oldest).toBeLessThan(130);
    expect(metrics.value('pipeline_workers', { queue: 'spark' })).toBe(1);
    expect(metrics.value('pipeline_workers', { queue: 'sql' })).toBe(2);
    expect(metrics.value('pipeline_cluster_read_failures_total')).toBe(0);
    expect(metrics.value('pipeline_cluster_read_timestamp_seconds') * 1000).toBeGreaterThanOrEqual(now - 1000);
  });

  it('reports the runs held for a run slot by pipeline, 0 for a pipeline with runs and none held', async () => {
    const { orchestrator } = ctx;
    const { id, loads } = testPipeline('orders');
    const limited = PipelineSchema.parse({ id, schedule: { cron: '0 * * * *', maxActiveRuns: 1 }, loads });
    for (let i = 0; i < 3; i++) await orchestrator.triggerRun({ pipeline: limited, trigger: 'manual', interval: null });
    await orchestrator.createRun({ pipeline: testPipeline('users'), trigger: 'manual', interval: null });
    registerClusterMetrics(registry, source);
    const metrics = await scrape(registry);
    expect(metrics.types).toMatchObject({ pipeline_runs_held: 'gauge' });
    expect(Object.fromEntries(metrics.find('pipeline_runs_held').map((s) => [s.labels.pipeline, s.value]))).toEqual({ orders: 2, users: 0 });
    expect(metrics.value('pipeline_runs', { pipeline: 'orders', state: 'queued' })).toBe(3);
  });

  it('counts a delayed job whose time has come as waiting, since nothing promotes it without a worker', async () => {
    const sql = ctx.orchestrator.queue('sql');
    registerClusterMetrics(registry, source);
    expect((await scrape(registry)).value('pipeline_queue_oldest_waiting_seconds', { queue: 'sql' })).toBe(0);

    const now = Date.now();
    await sql.add('stage', {}, { jobId: 'waiting', timestamp: now - MINUTE });
    // Due five minutes ago (added ten minutes ago with a five-minute delay), still in the delayed set.
    await sql.add('stage', {}, { jobId: 'due', timestamp: now - 10 * MINUTE, delay: 5 * MINUTE });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const metrics = await scrape(registry);
    expect(metrics.value('pipeline_queue_jobs', { queue: 'sql', state: 'delayed' })).toBe(1);
    const oldest = metrics.value('pipeline_queue_oldest_waiting_seconds', { queue: 'sql' });
    expect(oldest).toBeGreaterThanOrEqual(300);
    expect(oldest).toBeLessThan(310);
  });

  describe('when Redis does not answer', () => {
    let blackHole: Server;
    let sockets: Socket[];
    let silent: Redis;
    let silentQueues: Queue[];
    beforeEach(async () => {
      sockets = [];
      // Accepts connections and never answers: a Redis too slow to matter.
      blackHole = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
      silent = new Redis({ port: (blackHole.address() as AddressInfo).port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: null });
      silentQueues = [];
    });
    afterEach(async () => {
      silent.disconnect();
      await Promise.all(silentQueues.map((q) => q.disconnect().catch(() => undefined)));
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => blackHole.close(resolve));
    });

    it('answers within the timeout and keeps the last values read', async () => {
      await ctx.orchestrator.createRun({ pipeline: testPipeline('orders'), trigger: 'manual', interval: null, runId: 'orders.manual.t1' });
      await heartbeat('w-1', ['sql'], 'running');
      let redis: Redis = ctx.redis;
      const queues = new Map(QUEUE_KINDS.map((kind) => [kind, ctx.orchestrator.queue(kind)]));
      const { store } = ctx.orchestrator;
      /** The store's read while Redis answers; one that never settles once it is silent. */
      const whileUp = <T>(read: () => Promise<T>) => (redis === ctx.redis ? read() : new Promise<T>(() => undefined));
      const switching: ClusterMetricsOptions = {
        timeoutMs: 300,
        keyPrefix: ctx.keyPrefix,
        get redis() {
          return redis;
        },
        store: { countsByState: () => whileUp(() => store.countsByState()), heldCounts: (ids) => whileUp(() => store.heldCounts(ids)) },
        queue: (kind) => queues.get(kind)!,
      };
      registerClusterMetrics(registry, switching);
      const before = await scrape(registry);
      expect(before.value('pipeline_runs', { pipeline: 'orders', state: 'queued' })).toBe(1);
      expect(before.value('pipeline_workers', { queue: 'sql' })).toBe(1);

      redis = silent;
      for (const kind of QUEUE_KINDS) {
        const queue = new Queue(kind, { connection: silent, prefix: redisPrefix(ctx.keyPrefix) });
        queue.on('error', () => undefined);
        silentQueues.push(queue);
        queues.set(kind, queue);
      }
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const started = Date.now();
      const after = await scrape(registry);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(after.value('pipeline_cluster_read_failures_total')).toBe(1);
      expect(after.value('pipeline_runs', { pipeline: 'orders', state: 'queued' })).toBe(1);
      expect(after.value('pipeline_workers', { queue: 'sql' })).toBe(1);
      expect(after.value('pipeline_cluster_read_timestamp_seconds')).toBe(before.value('pipeline_cluster_read_timestamp_seconds'));
    });
  });
});
