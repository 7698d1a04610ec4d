import { stagingTableName } from '@pipeline/sql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkerFixture, type WorkerFixture } from './test-support/worker-fixture.js';

let fx: WorkerFixture;

beforeEach(async () => {
  fx = await createWorkerFixture('worker_cancel');
});

afterEach(async () => {
  await fx?.teardown();
});

describe('cancel during the merge', () => {
  it('stops the transaction on the server, leaves the target untouched, and still drops the staging table', async () => {
    const columns = await fx.slowCustomersTarget();
    const created = await fx.orchestrator.createRun({ pipeline: fx.customersPipeline(), trigger: 'manual', interval: null });
    const { runId } = created;
    const extracted = await fx.fakeExtract(created, 'customers', ['1,new@example.com', '2,two@example.com'], columns);
    await fx.orchestrator.completePhase(runId, 'customers', 'extract-transform', extracted);
    const before = await fx.customerRows();

    const worker = await fx.startWorker({ queues: ['sql'] });
    // The merge's INSERT fires the target's slow trigger: the transaction is open and busy.
    const sleeping = async () =>
      (await fx.db.query(`SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND position($1 in query) > 0 AND pid <> pg_backend_pid()`, [fx.schema])).rows;
    await vi.waitFor(async () => expect(await sleeping()).toHaveLength(1), { timeout: 30_000, interval: 50 });
    expect((await fx.orchestrator.store.require(runId)).phases.find((p) => p.phase === 'merge')).toMatchObject({ state: 'running' });

    await fx.orchestrator.cancelRun(runId);
    const done = await fx.waitForRun(runId, ['cancelled']);
    await vi.waitFor(
      async () => expect((await fx.orchestrator.store.require(runId)).phases.find((p) => p.phase === 'cleanup')?.state).toBe('success'),
      { timeout: 30_000, interval: 100 },
    );
    await vi.waitFor(() => expect(worker.running()).toEqual([]), { timeout: 10_000, interval: 50 });

    expect(await sleeping()).toEqual([]);
    const record = await fx.orchestrator.store.require(runId);
    expect(done.state).toBe('cancelled');
    expect(record.phases.map((p) => [p.phase, p.state])).toEqual([
      ['extract-transform', 'success'],
      ['stage', 'success'],
      ['audit', 'success'],
      ['merge', 'cancelled'],
      ['validate', 'cancelled'],
      ['cleanup', 'success'],
    ]);
    expect(await fx.customerRows()).toEqual(before);
    expect(await fx.auditRowCount(runId)).toBe(0);
    const staging = stagingTableName({ schema: fx.schema, name: 'customers' }, runId, 'customers', 'postgres');
    const left = await fx.db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'pipeline_staging' AND table_name = $1`, [staging.name]);
    expect(left.rowCount).toBe(0);
    const mergeJob = await fx.orchestrator.queue('sql').getJob(`${runId}__customers__merge__g0`);
    expect(mergeJob?.returnvalue).toBe('cancelled');
  }, 60_000);
});
