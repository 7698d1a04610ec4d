import { createLogger } from '@pipeline/core';
import { Orchestrator, type RunRecord } from '@pipeline/runs';
import { getPostgresUrl } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from './test-support/private-redis.js';
import { createWorkerFixture, type WorkerFixture } from './test-support/worker-fixture.js';
import { WorkerProcesses } from './test-support/worker-process.js';

// The fixture gives the schema, temp dir and fake extract; queues and runs live in a Redis of
// this test alone, which it stops and starts again.
let fx: WorkerFixture;
let server: PrivateRedis;
let redis: Redis;
let orchestrator: Orchestrator;
let processes: WorkerProcesses;

beforeEach(async () => {
  fx = await createWorkerFixture('worker_redis_restart');
  server = await startPrivateRedis();
  redis = new Redis(server.url);
  orchestrator = new Orchestrator({ redis, keyPrefix: fx.keyPrefix, logger: createLogger({ level: 'silent' }) });
  processes = new WorkerProcesses({ redisUrl: server.url, keyPrefix: fx.keyPrefix, warehouseUrl: await getPostgresUrl(), tempDir: fx.config.tempDir, pipelinesDir: fx.config.tempDir });
});

afterEach(async () => {
  await processes?.killAll();
  await orchestrator?.close();
  redis?.disconnect();
  await server?.close();
  await fx?.teardown();
});

async function waitForRun(runId: string): Promise<RunRecord> {
  return vi.waitFor(
    async () => {
      const record = await orchestrator.store.require(runId);
      if (!['success', 'failed', 'cancelled'].includes(record.state)) throw new Error(`run ${runId} is ${record.state}`);
      return record;
    },
    { timeout: 60_000, interval: 100 },
  );
}

describe('Redis restarted while a phase runs', () => {
  it('the worker waits for Redis, hands the finished phase off once it is back, and the run completes', async () => {
    const columns = await fx.slowCustomersTarget();
    const pipeline = fx.customersPipeline();
    const created = await orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    const { runId } = created;
    const extracted = await fx.fakeExtract(created, 'customers', ['1,new@example.com', '2,two@example.com'], columns);
    await orchestrator.completePhase(runId, 'customers', 'extract-transform', extracted);

    const worker = await processes.start(['--queues', 'sql']);
    const sleeping = async () =>
      (await fx.db.query(`SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND position($1 in query) > 0 AND pid <> pg_backend_pid()`, [fx.schema])).rows;
    await vi.waitFor(async () => expect(await sleeping(), worker.output()).toHaveLength(1), { timeout: 30_000, interval: 50 });

    await server.stop();
    // The merge commits while Redis is down: its hand-off has to wait for Redis to come back.
    await vi.waitFor(async () => expect(await sleeping()).toEqual([]), { timeout: 30_000, interval: 50 });
    await server.start();
    const done = await waitForRun(runId);

    expect(done.state, `${JSON.stringify(done.phases)}\n${worker.output()}`).toBe('success');
    expect(done.phases.map((p) => [p.phase, p.state, p.attempts])).toEqual([
      ['extract-transform', 'success', 0],
      ['stage', 'success', 1],
      ['audit', 'success', 1],
      ['merge', 'success', 1],
      ['validate', 'success', 1],
      ['cleanup', 'success', 1],
    ]);
    expect(await fx.customerRows()).toEqual([
      { id: 1, email: 'new@example.com' },
      { id: 2, email: 'two@example.com' },
      { id: 9, email: 'kept@example.com' },
    ]);
    expect(await fx.auditRowCount(runId)).toBe(1);
    // The outage shows in the JSON log only, not as stack traces printed beside it.
    expect(worker.unstructuredOutput()).toEqual([]);
  }, 60_000);
});
