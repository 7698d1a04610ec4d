import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parsePipeline } from '@pipeline/core';
import type { RunRecord } from '@pipeline/runs';
import { freePort, parsePrometheusText } from '@pipeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliFixture, type CliFixture } from './test-support/cli-fixture.js';

const HEALTHCHECK = fileURLToPath(new URL('../bin/healthcheck.js', import.meta.url));

/** Runs the container health check script as Docker would, against a service on `port`. */
function healthcheck(port: number | undefined): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    if (port !== undefined) env.PIPELINE_METRICS_PORT = String(port);
    execFile(process.execPath, [HEALTHCHECK], { env }, (err, out, errText) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? (err.code as number) : 0, out, err: errText });
    });
  });
}

describe('pipeline worker --metrics-port', () => {
  let f: CliFixture;

  beforeEach(async () => {
    f = await createCliFixture('metrics');
  });

  afterEach(async () => f?.teardown());

  async function waitForEnd(runId: string): Promise<RunRecord> {
    let record: RunRecord | undefined;
    await expect
      .poll(async () => (record = await f.orchestrator.store.require(runId)).state, { timeout: 30_000, interval: 100 })
      .toMatch(/^(success|failed|cancelled)$/);
    return record!;
  }

  it('serves Prometheus text with the phases it ran, rows merged and failed checks; 404 elsewhere', async () => {
    const customers = (stagingChecks: string) => parsePipeline('customers.yaml', f.customersYaml(stagingChecks));
    const good = await f.orchestrator.createRun({ pipeline: customers('[]'), trigger: 'manual', interval: null });
    await f.fakeExtract(good.runId, '1,one@example.com\n2,two@example.com\n3,three@example.com\n');
    const bad = await f.orchestrator.createRun({ pipeline: customers('[ { not_null: [email] } ]'), trigger: 'manual', interval: null });
    await f.fakeExtract(bad.runId, '4,four@example.com\n5,\n');

    const port = await freePort();
    const worker = await f.startWorker(['--metrics-port', String(port)]);
    await worker.waitFor(/"msg":"metrics served"/, { stream: 'stderr' });
    expect(worker.stderr()).toContain(`http://127.0.0.1:${port}/metrics`);
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

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', redis: 'ready', running: 0 });
    expect(await healthcheck(port)).toMatchObject({ code: 0, out: expect.stringContaining('"status":"ok"') });

    worker.child.kill('SIGTERM');
    expect((await worker.exited).code, worker.stderr()).toBe(0);
    expect(await healthcheck(port)).toMatchObject({ code: 1, err: expect.stringContaining(`no answer from http://127.0.0.1:${port}/healthz`) });
  }, 60_000);

  it('answers /healthz for the scheduler once it ticks, and the health check passes', async () => {
    const port = await freePort();
    const scheduler = f.spawnCli(['scheduler', '--tick', '0.2', '--metrics-port', String(port)]);
    try {
      await scheduler.waitFor(/"msg":"scheduler started"/, { stream: 'stderr' });
      let body: { status?: string; lastTickAt?: string } = {};
      await expect.poll(async () => (body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as typeof body).lastTickAt, { timeout: 10_000 }).toBeDefined();
      expect(body.status).toBe('ok');
      expect(await healthcheck(port)).toMatchObject({ code: 0 });
    } finally {
      scheduler.child.kill('SIGTERM');
      await scheduler.exited;
    }
  }, 30_000);

  it('fails the health check when no port is configured, saying what to set', async () => {
    expect(await healthcheck(undefined)).toMatchObject({ code: 1, err: expect.stringContaining('set PIPELINE_METRICS_PORT') });
  });

  it.each([
    [['--metrics-port', 'http'], {}, /--metrics-port "http" must be a port number/],
    [['--metrics-port', '70000'], {}, /--metrics-port "70000" must be a port number/],
    [['--metrics-host', '0.0.0.0'], {}, /--metrics-host needs --metrics-port/],
    [[], { PIPELINE_METRICS_PORT: 'ninety' }, /metricsPort: a port number/],
  ])('worker %j with %j exits 2 before connecting', async (args, extraEnv, message) => {
    const result = await f.runCli(['worker', ...args], { REDIS_URL: 'redis://127.0.0.1:1', ...extraEnv });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('says which address it could not bind, and starts nothing', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await f.runCli(['scheduler', '--metrics-port', String(port)], { REDIS_URL: 'redis://127.0.0.1:1' });
      expect(result.code).toBe(2);
      expect(result.err).toMatch(new RegExp(`cannot serve metrics on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
