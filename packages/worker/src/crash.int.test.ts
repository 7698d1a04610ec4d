import { isProcessAlive } from '@pipeline/core';
import { getPostgresUrl } from '@pipeline/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseLocalExternalId } from './local-external-id.js';
import { createWorkerFixture, type WorkerFixture } from './test-support/worker-fixture.js';
import { WorkerProcesses } from './test-support/worker-process.js';

// Workers run as processes of the CLI and are killed with SIGKILL: no shutdown handler, no
// hand-back, the BullMQ lock simply lapses. A short lock and stalled-check interval let the
// next worker find the job within seconds instead of a minute.
const FAST_STALL = ['--lock-duration', '2', '--stalled-interval', '1'];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let fx: WorkerFixture;
let processes: WorkerProcesses;
const orphans: number[] = [];

beforeEach(async () => {
  fx = await createWorkerFixture('worker_crash');
  const warehouseUrl = await getPostgresUrl();
  processes = new WorkerProcesses({ redisUrl: REDIS_URL, keyPrefix: fx.keyPrefix, warehouseUrl, tempDir: fx.config.tempDir, pipelinesDir: fx.config.tempDir });
});

afterEach(async () => {
  await processes?.killAll();
  for (const pid of orphans.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the job's process group has ended
    }
  }
  await fx?.teardown();
});

function phaseSummary(phases: { phase: string; state: string; attempts: number; worker?: string; error?: unknown }[]) {
  return JSON.stringify(phases.map(({ phase, state, attempts, worker, error }) => ({ phase, state, attempts, worker, error })));
}

describe('a worker process killed with SIGKILL', () => {
  it('during extract-transform: the next worker reattaches to the running spark-submit instead of starting another', async () => {
    await fx.db.query(`CREATE TABLE ${fx.schema}.orders_src (id bigint NOT NULL, amount numeric(12,2), status text)`);
    await fx.db.query(`INSERT INTO ${fx.schema}.orders_src VALUES (1, 10.50, 'paid'), (2, 20.00, 'open'), (3, NULL, 'open')`);
    await fx.db.query(`CREATE TABLE ${fx.schema}.orders (id bigint PRIMARY KEY, amount numeric(12,2), status text)`);
    await fx.db.query(`INSERT INTO ${fx.schema}.orders VALUES (1, 1.00, 'old'), (7, 70.00, 'kept')`);
    const pipeline = fx.pipeline(`id: orders
loads:
  - id: orders
    source: { table: ${fx.schema}.orders_src }
    target: { table: ${fx.schema}.orders, key: [id], strategy: merge }
`);
    const first = await processes.start(FAST_STALL);
    const { runId } = await fx.orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    const externalId = await vi.waitFor(
      async () => {
        const extract = (await fx.orchestrator.store.require(runId)).phases[0]!;
        if (extract.state !== 'running' || !extract.externalId) throw new Error(`spark-submit not started yet:\n${first.output()}`);
        return extract.externalId;
      },
      { timeout: 30_000, interval: 50 },
    );
    const { pid } = parseLocalExternalId(externalId)!;
    orphans.push(pid);

    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // spark-submit runs in its own process group: the worker's death does not stop it.
    expect(isProcessAlive(pid)).toBe(true);

    const second = await processes.start(FAST_STALL);
    const done = await fx.waitForRun(runId, ['success', 'failed', 'cancelled'], 90_000);

    expect(done.state, `${phaseSummary(done.phases)}\n${second.output()}`).toBe('success');
    // Had the second worker started spark-submit again, the phase would carry the new job's id.
    expect(done.phases[0]).toMatchObject({
      state: 'success',
      attempts: 2,
      worker: second.workerId,
      externalId,
      result: { externalId, manifest: { rowsRead: 3, rowsWritten: 3 } },
    });
    expect(done.phases.slice(1).map((p) => [p.phase, p.state, p.attempts, p.worker])).toEqual(
      ['stage', 'audit', 'merge', 'validate', 'cleanup'].map((phase) => [phase, 'success', 1, second.workerId]),
    );
    expect(isProcessAlive(pid)).toBe(false);
    expect((await fx.db.query(`SELECT id::int, amount::text, status FROM ${fx.schema}.orders ORDER BY id`)).rows).toEqual([
      { id: 1, amount: '10.50', status: 'paid' },
      { id: 2, amount: '20.00', status: 'open' },
      { id: 3, amount: null, status: 'open' },
      { id: 7, amount: '70.00', status: 'kept' },
    ]);
  }, 120_000);

  it('during merge: the open transaction rolls back, the next worker merges once, and the run completes', async () => {
    const columns = await fx.slowCustomersTarget();
    const pipeline = fx.customersPipeline();
    const created = await fx.orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    const { runId } = created;
    const extracted = await fx.fakeExtract(created, 'customers', ['1,new@example.com', '2,two@example.com'], columns);
    await fx.orchestrator.completePhase(runId, 'customers', 'extract-transform', extracted);

    const first = await processes.start(['--queues', 'sql', ...FAST_STALL]);
    const sleeping = () => fx.db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND position($1 in query) > 0 AND pid <> pg_backend_pid()`,
      [fx.schema],
    );
    await vi.waitFor(async () => expect((await sleeping()).rows, first.output()).toHaveLength(1), { timeout: 30_000, interval: 50 });
    const merging = (await fx.orchestrator.store.require(runId)).phases.find((p) => p.phase === 'merge')!;
    expect(merging).toMatchObject({ state: 'running', attempts: 1, worker: first.workerId });

    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const second = await processes.start(['--queues', 'sql', ...FAST_STALL]);
    const done = await fx.waitForRun(runId, ['success', 'failed', 'cancelled']);

    expect(done.state, `${phaseSummary(done.phases)}\n${second.output()}`).toBe('success');
    expect(done.phases.slice(1).map((p) => [p.phase, p.state, p.attempts, p.worker])).toEqual([
      ['stage', 'success', 1, first.workerId],
      ['audit', 'success', 1, first.workerId],
      ['merge', 'success', 2, second.workerId],
      ['validate', 'success', 1, second.workerId],
      ['cleanup', 'success', 1, second.workerId],
    ]);
    expect(done.phases.find((p) => p.phase === 'merge')!.result).toMatchObject({ rowsInserted: 1, rowsUpdated: 1 });
    expect(await fx.customerRows()).toEqual([
      { id: 1, email: 'new@example.com' },
      { id: 2, email: 'two@example.com' },
      { id: 9, email: 'kept@example.com' },
    ]);
    // The killed attempt's transaction never committed: one audit row, from the second merge.
    expect(await fx.auditRowCount(runId)).toBe(1);
  }, 60_000);
});
