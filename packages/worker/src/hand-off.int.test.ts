import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ColumnSpec } from '@pipeline/sql';
import { createWorkerFixture, type WorkerFixture } from './test-support/worker-fixture.js';

// These runs start from an extract-transform result written by the test (files, manifest and
// the hand-off), so they exercise the queues and the SQL phases without a Spark job.
const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: { kind: 'int64' }, nullable: false },
  { name: 'email', type: { kind: 'string' }, nullable: true },
];

let fx: WorkerFixture;

beforeEach(async () => {
  fx = await createWorkerFixture('worker_handoff');
});

afterEach(async () => {
  await fx?.teardown();
});

async function targetRows() {
  return fx.customerRows();
}

describe('phase hand-off', () => {
  it('a job whose phase already succeeded only enqueues downstream again, and the run completes', async () => {
    await fx.db.query(`CREATE TABLE ${fx.schema}.customers (id bigint PRIMARY KEY, email text)`);
    await fx.db.query(`INSERT INTO ${fx.schema}.customers VALUES (1, 'old@example.com'), (9, 'kept@example.com')`);
    const created = await fx.orchestrator.createRun({ pipeline: fx.customersPipeline(), trigger: 'manual', interval: null });
    const { runId } = created;
    const sparkJobId = `${runId}__customers__extract-transform__g0`;
    expect(await fx.orchestrator.queue('spark').getJobState(sparkJobId)).toBe('waiting');

    // The phase function succeeded and the hand-off was recorded, but the process died before
    // the stage job was added and before the spark job completed.
    const result = await fx.fakeExtract(created, 'customers', ['1,new@example.com', '2,two@example.com'], COLUMNS);
    await fx.orchestrator.completePhase(runId, 'customers', 'extract-transform', result);
    await fx.orchestrator.queue('sql').remove(`${runId}__customers__stage__g0`);
    expect(await fx.orchestrator.queue('sql').getJobCounts('waiting')).toEqual({ waiting: 0 });

    await fx.startWorker();
    const done = await fx.waitForRun(runId, ['success', 'failed', 'cancelled']);

    expect(done.state).toBe('success');
    const extract = done.phases.find((p) => p.phase === 'extract-transform')!;
    expect(extract).toMatchObject({ state: 'success', attempts: 0, result: { externalId: 'local:fabricated:0' } });
    expect(extract.worker).toBeUndefined();
    const sparkJob = await fx.orchestrator.queue('spark').getJob(sparkJobId);
    expect(sparkJob?.returnvalue).toBe('handed-off');
    expect(done.phases.filter((p) => p.phase !== 'extract-transform').map((p) => [p.phase, p.state, p.attempts])).toEqual([
      ['stage', 'success', 1],
      ['audit', 'success', 1],
      ['merge', 'success', 1],
      ['validate', 'success', 1],
      ['cleanup', 'success', 1],
    ]);
    expect(await targetRows()).toEqual([
      { id: 1, email: 'new@example.com' },
      { id: 2, email: 'two@example.com' },
      { id: 9, email: 'kept@example.com' },
    ]);
  });

  it('a job whose phase already failed for good enqueues the cleanup its worker did not, and the run ends', async () => {
    const { runId } = await fx.orchestrator.createRun({ pipeline: fx.customersPipeline(), trigger: 'manual', interval: null });
    // The phase failed for good and that was recorded, but the process died before the cleanup
    // job was added and before the spark job failed: the job is back on the queue.
    await fx.orchestrator.failPhase(runId, 'customers', 'extract-transform', new Error('source unreachable'), { final: true });
    await fx.orchestrator.queue('sql').remove(`${runId}__customers__cleanup__g0`);
    expect(await fx.orchestrator.queue('sql').getJobCounts('waiting')).toEqual({ waiting: 0 });

    await fx.startWorker();
    const done = await fx.waitForRun(runId, ['success', 'failed', 'cancelled']);

    expect(done.state).toBe('failed');
    expect(done.phases.map((p) => [p.phase, p.state])).toEqual([
      ['extract-transform', 'failed'],
      ['stage', 'upstream_failed'],
      ['audit', 'upstream_failed'],
      ['merge', 'upstream_failed'],
      ['validate', 'upstream_failed'],
      ['cleanup', 'success'],
    ]);
    expect(await fx.orchestrator.queue('spark').getJob(`${runId}__customers__extract-transform__g0`).then((j) => j?.returnvalue)).toBe('skipped');
  });

  it('a failed staging check fails the run without retries; downstream is upstream_failed and cleanup still runs', async () => {
    await fx.db.query(`CREATE TABLE ${fx.schema}.customers (id bigint PRIMARY KEY, email text)`);
    await fx.db.query(`INSERT INTO ${fx.schema}.customers VALUES (1, 'old@example.com')`);
    const created = await fx.orchestrator.createRun({ pipeline: fx.customersPipeline('[ { not_null: [email] } ]'), trigger: 'manual', interval: null });
    const { runId } = created;
    const result = await fx.fakeExtract(created, 'customers', ['1,new@example.com', '2,'], COLUMNS);
    await fx.orchestrator.completePhase(runId, 'customers', 'extract-transform', result);

    await fx.startWorker({ queues: ['sql'] });
    const done = await fx.waitForRun(runId, ['success', 'failed', 'cancelled']);

    expect(done.state).toBe('failed');
    const byPhase = Object.fromEntries(done.phases.map((p) => [p.phase, p]));
    expect(byPhase.audit).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'E_STAGING_CHECKS' } });
    expect(byPhase.merge).toMatchObject({ state: 'upstream_failed', attempts: 0 });
    expect(byPhase.validate).toMatchObject({ state: 'upstream_failed', attempts: 0 });
    expect(byPhase.cleanup).toMatchObject({ state: 'success', attempts: 1, result: { keptFiles: expect.stringContaining(runId) } });

    const auditJob = await fx.orchestrator.queue('sql').getJob(`${runId}__customers__audit__g0`);
    expect(await auditJob?.getState()).toBe('failed');
    expect(auditJob?.attemptsMade).toBe(1);
    expect(auditJob?.failedReason).toMatch(/^E_STAGING_CHECKS: /);

    const staging = (byPhase.stage!.result as { staging: { schema: string; name: string } }).staging;
    const { rows } = await fx.db.query('SELECT to_regclass($1) AS t', [`${staging.schema}.${staging.name}`]);
    expect(rows).toEqual([{ t: null }]);
    expect(await targetRows()).toEqual([{ id: 1, email: 'old@example.com' }]);
  });
});
