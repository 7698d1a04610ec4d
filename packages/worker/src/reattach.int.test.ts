import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { loadDir } from '@pipeline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkerFixture, type WorkerFixture } from './test-support/worker-fixture.js';

let fx: WorkerFixture;

beforeEach(async () => {
  fx = await createWorkerFixture('worker_reattach');
});

afterEach(async () => {
  await fx?.teardown();
});

/**
 * Stands in for an earlier attempt's spark-submit that outlived its worker: a detached process
 * that writes the job's output and manifest after a while, as load_job.py does at its end.
 */
function startOrphanJob(dir: string, delayMs: number) {
  const script = `
    const fs = require('node:fs');
    const path = require('node:path');
    const [dir, delay] = process.argv.slice(1);
    setTimeout(() => {
      fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'data', 'part-00000.csv'), '1,a@example.com\\n2,b@example.com\\n');
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
        rowsRead: 2, rowsWritten: 2, format: 'csv', files: ['part-00000.csv'],
        columns: [{ name: 'id', type: { kind: 'int64' }, nullable: false }, { name: 'email', type: { kind: 'string' }, nullable: true }],
      }));
    }, Number(delay));`;
  return spawn(process.execPath, ['-e', script, dir, String(delayMs)], { detached: true, stdio: 'ignore' });
}

describe('a retried extract-transform', () => {
  it('waits for the still-running spark-submit of the earlier attempt and takes its manifest', async () => {
    const pipeline = fx.customersPipeline();
    const created = await fx.orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    const { runId } = created;
    const dir = loadDir(path.resolve(fx.config.tempDir), { runId, load: pipeline.loads[0]! });
    const orphan = startOrphanJob(dir, 1_500);
    const exited = new Promise((resolve) => orphan.once('exit', resolve));
    const externalId = `local:${hostname()}:${orphan.pid}`;
    // The earlier attempt got as far as recording its job, then its worker died.
    await fx.orchestrator.markRunning(runId, 'customers', 'extract-transform', { worker: 'gone', attempt: 1, generation: 0 });
    await fx.orchestrator.setExternalId(runId, 'customers', 'extract-transform', externalId, { generation: 0 });

    await fx.startWorker();
    const done = await fx.waitForRun(runId, ['success', 'failed', 'cancelled']);
    await exited;

    expect(done.state, JSON.stringify(done.phases.map((p) => p.error))).toBe('success');
    const extract = done.phases[0]!;
    expect(extract).toMatchObject({ state: 'success', attempts: 2, externalId, result: { externalId, manifest: { rowsRead: 2 } } });
    expect(await fx.customerRows()).toEqual([
      { id: 1, email: 'a@example.com' },
      { id: 2, email: 'b@example.com' },
    ]);
  });
});
