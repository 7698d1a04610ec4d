import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, loadDir, parsePipeline, type ExtractResult } from '@pipeline/core';
import { Orchestrator, type RunRecord } from '@pipeline/runs';
import { createTestSchema, freePort, getPostgresUrl, parsePrometheusText, repoRoot, uniqueName, type TestSchema } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = path.join(repoRoot(), 'packages/cli/bin/pipeline.js');

describe('pipeline worker --metrics-port', () => {
  let keyPrefix: string;
  let redis: Redis;
  let orchestrator: Orchestrator;
  let schema: TestSchema;
  let tempDir: string;
  let env: NodeJS.ProcessEnv;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    const warehouseUrl = await getPostgresUrl();
    schema = await createTestSchema(warehouseUrl, 'cli_metrics');
    keyPrefix = uniqueName('cli-metrics').replace(/_/g, '-');
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    orchestrator = new Orchestrator({ redis, keyPrefix, logger: createLogger({ level: 'silent' }) });
    tempDir = await mkdtemp(path.join(tmpdir(), 'cli-metrics-'));
    await mkdir(path.join(tempDir, 'pipelines'));
    env = {
      ...process.env,
      REDIS_URL,
      PIPELINE_KEY_PREFIX: keyPrefix,
      PIPELINE_WAREHOUSE: 'postgres',
      PIPELINE_WAREHOUSE_URL: warehouseUrl,
      PIPELINE_COMPUTE: 'local',
      PIPELINE_TEMP_DIR: tempDir,
      PIPELINE_PIPELINES_DIR: path.join(tempDir, 'pipelines'),
    };
    delete env.PIPELINE_METRICS_PORT;
    delete env.PIPELINE_METRICS_HOST;
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    child = undefined;
    await orchestrator.queue('spark').obliterate({ force: true });
    await orchestrator.queue('sql').obliterate({ force: true });
    await orchestrator.close();
    const keys = await redis.keys(`{${keyPrefix}}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await schema.drop();
    await rm(tempDir, { recursive: true, force: true });
  });

  function customers(stagingChecks: string) {
    return parsePipeline(
      'customers.yaml',
      `id: customers
loads:
  - id: customers
    source: { table: ${schema.schema}.customers_src }
    target: { table: ${schema.schema}.customers, key: [id], strategy: merge }
    checks:
      staging: ${stagingChecks}
`,
    );
  }

  /** Writes where the Spark job would and records its success, so the run goes on with SQL phases only. */
  async function fakeExtract(record: RunRecord, csv: string): Promise<void> {
    const load = record.pipeline.loads[0]!;
    const dir = loadDir(tempDir, { runId: record.runId, load });
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'part-00000.csv'), csv);
    const columns = [
      { name: 'id', type: { kind: 'int64' as const }, nullable: false },
      { name: 'email', type: { kind: 'string' as const }, nullable: true },
    ];
    const rows = csv.trim().split('\n').length;
    const manifest = { rowsRead: rows, rowsWritten: rows, format: 'csv' as const, files: ['part-00000.csv'], columns };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const result: ExtractResult = { externalId: 'local:fabricated:0', outputDir: path.join(dir, 'data'), manifest };
    await orchestrator.completePhase(record.runId, load.id, 'extract-transform', result);
  }

  async function waitForEnd(runId: string): Promise<RunRecord> {
    let record: RunRecord | undefined;
    await expect
      .poll(async () => (record = await orchestrator.store.require(runId)).state, { timeout: 30_000, interval: 100 })
      .toMatch(/^(success|failed|cancelled)$/);
    return record!;
  }

  it('serves Prometheus text with the phases it ran, rows merged and failed checks; 404 elsewhere', async () => {
    const good = await orchestrator.createRun({ pipeline: customers('[]'), trigger: 'manual', interval: null });
    await fakeExtract(good, '1,one@example.com\n2,two@example.com\n3,three@example.com\n');
    const bad = await orchestrator.createRun({ pipeline: customers('[ { not_null: [email] } ]'), trigger: 'manual', interval: null });
    await fakeExtract(bad, '4,four@example.com\n5,\n');

    const port = await freePort();
    child = spawn(process.execPath, [CLI, 'worker', '--queues', 'sql', '--metrics-port', String(port), '--log-level', 'info'], { cwd: repoRoot(), env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk) => (log += chunk));
    await expect.poll(() => log, { timeout: 20_000 }).toContain('"msg":"metrics served"');
    expect(log).toContain(`http://127.0.0.1:${port}/metrics`);
    expect([(await waitForEnd(good.runId)).state, (await waitForEnd(bad.runId)).state]).toEqual(['success', 'failed']);

    const base = `http://127.0.0.1:${port}`;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheusText(await res.text());
    expect(metrics.types).toMatchObject({
      pipeline_phase_duration_seconds: 'histogram',
      pipeline_phases_total: 'counter',
      pipeline_rows_merged_total: 'counter',
      pipeline_check_failures_total: 'counter',
      pipeline_phases_running: 'gauge',
      process_cpu_user_seconds_total: 'counter',
    });
    const pipeline = 'customers';
    expect(metrics.value('pipeline_phases_total', { pipeline, phase: 'stage', outcome: 'success' })).toBe(2);
    expect(metrics.value('pipeline_phases_total', { pipeline, phase: 'audit', outcome: 'success' })).toBe(1);
    expect(metrics.value('pipeline_phases_total', { pipeline, phase: 'audit', outcome: 'failed' })).toBe(1);
    expect(metrics.value('pipeline_phases_total', { pipeline, phase: 'merge', outcome: 'success' })).toBe(1);
    expect(metrics.value('pipeline_phase_duration_seconds_count', { pipeline, phase: 'cleanup', outcome: 'success' })).toBe(2);
    expect(metrics.value('pipeline_phase_duration_seconds_bucket', { pipeline, phase: 'merge', outcome: 'success', le: '+Inf' })).toBe(1);
    expect(metrics.value('pipeline_rows_merged_total', { pipeline, load: 'customers' })).toBe(3);
    expect(metrics.value('pipeline_check_failures_total', { pipeline, load: 'customers', check: 'not_null(email)' })).toBe(1);
    expect(metrics.value('pipeline_phases_running', { queue: 'sql' })).toBe(0);
    // The worker's own metrics only: the cluster gauges come from the scheduler and the server.
    expect(metrics.find('pipeline_runs')).toEqual([]);

    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code, log).toBe(0);
  }, 60_000);

  it.each([
    [['--metrics-port', 'http'], {}, /--metrics-port "http" must be a port number/],
    [['--metrics-port', '70000'], {}, /--metrics-port "70000" must be a port number/],
    [['--metrics-host', '0.0.0.0'], {}, /--metrics-host needs --metrics-port/],
    [[], { PIPELINE_METRICS_PORT: 'ninety' }, /metricsPort: a port number/],
  ])('worker %j with %j exits 2 before connecting', async (args, extraEnv, message) => {
    const result = await runCli(['worker', ...args], { ...env, REDIS_URL: 'redis://127.0.0.1:1', ...extraEnv });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('says which address it could not bind, and starts nothing', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await runCli(['scheduler', '--metrics-port', String(port)], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
      expect(result.code).toBe(2);
      expect(result.err).toMatch(new RegExp(`cannot serve metrics on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
