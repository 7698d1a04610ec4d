import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { isProcessAlive } from '@pipeline/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunEventLog, listWorkers, type PhaseStateEvent } from '@pipeline/runs';
import { parseLocalExternalId } from './local-external-id.js';
import { createWorkerFixture, type WorkerFixture } from './test-support/worker-fixture.js';

// Each of these starts a real spark-submit in local mode (about 10 s).
let fx: WorkerFixture;

beforeEach(async () => {
  fx = await createWorkerFixture('worker_spark');
  await fx.db.query(`CREATE TABLE ${fx.schema}.orders_src (id bigint NOT NULL, amount numeric(12,2), status text)`);
  await fx.db.query(`INSERT INTO ${fx.schema}.orders_src VALUES (1, 10.50, 'paid'), (2, 20.00, 'open'), (3, NULL, 'open')`);
  await fx.db.query(`CREATE TABLE ${fx.schema}.orders (id bigint PRIMARY KEY, amount numeric(12,2), status text)`);
  await fx.db.query(`INSERT INTO ${fx.schema}.orders VALUES (1, 1.00, 'old'), (7, 70.00, 'kept')`);
});

afterEach(async () => {
  await fx?.teardown();
});

function ordersPipeline() {
  return fx.pipeline(`id: orders
loads:
  - id: orders
    source: { table: ${fx.schema}.orders_src }
    target: { table: ${fx.schema}.orders, key: [id], strategy: merge }
    checks:
      final: [ { reconciliation: true } ]
`);
}

/** Processes of the group that are still running (zombies left for init to reap are not). */
function livingGroupMembers(pgid: number): string[] {
  const { stdout } = spawnSync('ps', ['-o', 'pid=,stat=,comm=', '-g', String(pgid)], { encoding: 'utf8' });
  return stdout.split('\n').map((line) => line.trim()).filter((line) => line && !/^\d+\s+Z/.test(line));
}

async function targetRows() {
  return (await fx.db.query(`SELECT id::int, amount::text, status FROM ${fx.schema}.orders ORDER BY id`)).rows;
}

describe('a run through both queues with local Spark', () => {
  it('goes from createRun to success, recording attempts, timings and the spark-submit process', async () => {
    const worker = await fx.startWorker({ workerId: 'worker-e2e' });
    expect((await listWorkers(fx.redis, fx.keyPrefix)).map((w) => [w.workerId, w.queues, w.status])).toEqual([['worker-e2e', ['spark', 'sql'], 'running']]);

    const { runId } = await fx.orchestrator.createRun({ pipeline: ordersPipeline(), trigger: 'manual', interval: null });
    const done = await fx.waitForRun(runId, ['success', 'failed', 'cancelled'], 120_000);

    expect(done.state, JSON.stringify(done.phases.map((p) => p.error))).toBe('success');
    expect(await targetRows()).toEqual([
      { id: 1, amount: '10.50', status: 'paid' },
      { id: 2, amount: '20.00', status: 'open' },
      { id: 3, amount: null, status: 'open' },
      { id: 7, amount: '70.00', status: 'kept' },
    ]);
    expect(done.phases.map((p) => [p.phase, p.state, p.attempts, p.worker])).toEqual(
      ['extract-transform', 'stage', 'audit', 'merge', 'validate', 'cleanup'].map((phase) => [phase, 'success', 1, 'worker-e2e']),
    );
    for (const phase of done.phases) {
      expect(Date.parse(phase.endedAt!)).toBeGreaterThanOrEqual(Date.parse(phase.startedAt!));
      expect(Date.parse(phase.startedAt!)).toBeGreaterThanOrEqual(Date.parse(phase.queuedAt!));
    }
    const extract = done.phases[0]!;
    expect(parseLocalExternalId(extract.externalId)).toEqual({ host: hostname(), pid: expect.any(Number) });
    expect(extract.result).toMatchObject({ externalId: extract.externalId, manifest: { rowsRead: 3, rowsWritten: 3 } });
    expect(done.phases.find((p) => p.phase === 'merge')!.result).toMatchObject({ rowsInserted: 2, rowsUpdated: 1 });

    await worker.close();
    expect(await listWorkers(fx.redis, fx.keyPrefix)).toEqual([]);
  }, 150_000);

  it('cancelling during the Spark phase kills spark-submit and leaves the target untouched', async () => {
    const worker = await fx.startWorker();
    const { runId } = await fx.orchestrator.createRun({ pipeline: ordersPipeline(), trigger: 'manual', interval: null });
    const externalId = await vi.waitFor(
      async () => {
        const record = await fx.orchestrator.store.require(runId);
        const id = record.phases[0]!.externalId;
        if (!id) throw new Error('spark-submit not started yet');
        return id;
      },
      { timeout: 30_000, interval: 50 },
    );
    const { pid } = parseLocalExternalId(externalId)!;
    // Cancel once the job really runs: the JVM has started the Python driver of load_job.py.
    await vi.waitFor(() => expect(livingGroupMembers(pid).some((p) => p.includes('python'))).toBe(true), { timeout: 30_000, interval: 100 });

    await fx.orchestrator.cancelRun(runId);
    await vi.waitFor(() => expect(worker.running()).toEqual([]), { timeout: 30_000, interval: 100 });

    expect(isProcessAlive(pid)).toBe(false);
    expect(livingGroupMembers(pid)).toEqual([]);
    // The load had started, so its cleanup still runs (it keeps the files, as after a failure).
    await vi.waitFor(async () => expect((await fx.orchestrator.store.require(runId)).phases[5]?.state).toBe('success'), { timeout: 30_000, interval: 100 });
    const record = await fx.orchestrator.store.require(runId);
    expect(record.state).toBe('cancelled');
    expect(record.phases.map((p) => p.state)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'success']);
    const sparkJob = await fx.orchestrator.queue('spark').getJob(`${runId}__orders__extract-transform__g0`);
    expect(sparkJob?.returnvalue).toBe('cancelled');
    expect(await fx.orchestrator.queue('sql').getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 0 });
    expect(await targetRows()).toEqual([
      { id: 1, amount: '1.00', status: 'old' },
      { id: 7, amount: '70.00', status: 'kept' },
    ]);
  }, 120_000);

  it('on shutdown hands the Spark wait back without stopping spark-submit, and the next worker reattaches to it', async () => {
    const first = await fx.startWorker({ workerId: 'first', queues: ['spark'] });
    const { runId } = await fx.orchestrator.createRun({ pipeline: ordersPipeline(), trigger: 'manual', interval: null });
    const jobId = `${runId}__orders__extract-transform__g0`;
    const externalId = await vi.waitFor(
      async () => {
        const id = (await fx.orchestrator.store.require(runId)).phases[0]!.externalId;
        if (!id) throw new Error('spark-submit not started yet');
        return id;
      },
      { timeout: 30_000, interval: 50 },
    );
    const { pid } = parseLocalExternalId(externalId)!;

    await first.close();
    expect(isProcessAlive(pid)).toBe(true);
    expect(await fx.orchestrator.queue('spark').getJobState(jobId)).toMatch(/^(delayed|waiting)$/);
    // Recorded as handed back, so the next start is a hand-over and not a dead worker's restart.
    expect((await fx.orchestrator.store.require(runId)).phases[0]).toMatchObject({ state: 'queued', attempts: 1, worker: 'first', externalId });

    await fx.startWorker({ workerId: 'second' });
    const done = await fx.waitForRun(runId, ['success', 'failed', 'cancelled'], 120_000);

    expect(done.state, JSON.stringify(done.phases.map((p) => p.error))).toBe('success');
    expect(done.phases[0]).toMatchObject({ state: 'success', attempts: 2, worker: 'second', externalId, result: { externalId, manifest: { rowsRead: 3 } } });
    expect(await targetRows()).toHaveLength(4);
    const extractEvents = (await new RunEventLog(fx.redis, fx.keyPrefix).read('0-0', { count: 10_000 }))
      .map((e) => e.event)
      .filter((e): e is PhaseStateEvent => e.type === 'phase' && e.runId === runId && e.phase === 'extract-transform');
    expect(extractEvents.map((e) => `${e.from}>${e.to}`)).toEqual(['queued>running', 'running>queued', 'queued>running', 'running>success']);
  }, 150_000);
});
