import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createLogger, loadDir, parsePipeline, type ExtractResult } from '@pipeline/core';
import { Orchestrator, type RunRecord } from '@pipeline/runs';
import { createTestSchema, getPostgresUrl, repoRoot, startWebhookReceiver, uniqueName, type TestSchema, type WebhookReceiver } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = path.join(repoRoot(), 'packages/cli/bin/pipeline.js');
// Short BullMQ locks, so that the second worker takes the killed worker's job within seconds.
const FAST_STALL = ['--lock-duration', '2', '--stalled-interval', '1'];

interface CliProcess {
  child: ChildProcess;
  /** Every line it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once a line matches; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('alerts from `pipeline scheduler`, with real worker processes', () => {
  let keyPrefix: string;
  let redis: Redis;
  let orchestrator: Orchestrator;
  let receiver: WebhookReceiver;
  let schema: TestSchema;
  let tempDir: string;
  let env: NodeJS.ProcessEnv;
  const processes: CliProcess[] = [];

  function startCli(args: string[]): CliProcess {
    const child = spawn(process.execPath, [CLI, ...args, '--log-level', 'info'], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const waiters: { pattern: RegExp; resolve: () => void }[] = [];
    const onLine = (line: string) => {
      lines.push(line);
      for (const w of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const proc: CliProcess = {
      child,
      exited,
      output: () => lines.join('\n'),
      waitFor: (pattern) =>
        new Promise<void>((resolve, reject) => {
          if (lines.some((l) => pattern.test(l))) return resolve();
          waiters.push({ pattern, resolve });
          void exited.then(({ code, signal }) => reject(new Error(`pipeline ${args[0]} exited (${code ?? signal}) before logging ${pattern}:\n${proc.output()}`)));
        }),
    };
    processes.push(proc);
    return proc;
  }

  beforeEach(async () => {
    const warehouseUrl = await getPostgresUrl();
    schema = await createTestSchema(warehouseUrl, 'cli_alerts');
    keyPrefix = uniqueName('cli-alerts').replace(/_/g, '-');
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    orchestrator = new Orchestrator({ redis, keyPrefix, logger: createLogger({ level: 'silent' }) });
    receiver = await startWebhookReceiver();
    tempDir = await mkdtemp(path.join(tmpdir(), 'cli-alerts-'));
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
      PIPELINE_ALERT_WEBHOOK_URL: receiver.url,
      PIPELINE_DASHBOARD_URL: 'https://pipeline.example.com',
    };
  });

  afterEach(async () => {
    await Promise.all(
      processes.splice(0).map(async (p) => {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        await p.exited;
      }),
    );
    await receiver.close();
    await orchestrator.queue('spark').obliterate({ force: true });
    await orchestrator.queue('sql').obliterate({ force: true });
    await orchestrator.close();
    const keys = await redis.keys(`{${keyPrefix}}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await schema.drop();
    await rm(tempDir, { recursive: true, force: true });
  });

  /** Writes where the Spark job would and records its success, so the run goes on with SQL phases only. */
  async function fakeExtract(record: RunRecord): Promise<void> {
    const load = record.pipeline.loads[0]!;
    const dir = loadDir(tempDir, { runId: record.runId, load });
    const outputDir = path.join(dir, 'data');
    await mkdir(outputDir, { recursive: true });
    await writeFile(path.join(outputDir, 'part-00000.csv'), '1,one@example.com\n2,two@example.com\n');
    const columns = [
      { name: 'id', type: { kind: 'int64' as const }, nullable: false },
      { name: 'email', type: { kind: 'string' as const }, nullable: true },
    ];
    const manifest = { rowsRead: 2, rowsWritten: 2, format: 'csv' as const, files: ['part-00000.csv'], columns };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const result: ExtractResult = { externalId: 'local:fabricated:0', outputDir, manifest };
    await orchestrator.completePhase(record.runId, load.id, 'extract-transform', result);
  }

  async function phaseOf(runId: string, phase: string) {
    return (await orchestrator.store.require(runId)).phases.find((p) => p.phase === phase)!;
  }

  it('sends one phase_stalled for a worker killed with SIGKILL mid-phase, and still one after another worker completes the run', async () => {
    const scheduler = startCli(['scheduler', '--tick', '1', '--alert-sweep', '0.5']);
    await scheduler.waitFor(/alerts on/);
    const first = startCli(['worker', '--queues', 'sql', ...FAST_STALL]);
    await first.waitFor(/"msg":"worker started"/);

    // The staging check sleeps, so the audit phase runs long enough to kill its worker in it.
    const pipeline = parsePipeline(
      'customers.yaml',
      `id: customers
loads:
  - id: customers
    source: { table: ${schema.schema}.customers_src }
    target: { table: ${schema.schema}.customers, key: [id], strategy: merge }
    checks:
      staging: [ { custom_sql: { name: slow, sql: "select * from {{ table }} where (select count(*) from pg_sleep(6)) = 0" } } ]
`,
    );
    const record = await orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    await fakeExtract(record);
    const firstId = `${hostname()}-${first.child.pid}`;
    await expect.poll(async () => (await phaseOf(record.runId, 'audit')).state, { timeout: 30_000, interval: 50 }).toBe('running');
    expect(await phaseOf(record.runId, 'audit')).toMatchObject({ worker: firstId, attempts: 1 });

    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Nobody takes the job over: the sweep finds the phase once the dead worker's heartbeat expires.
    await expect.poll(() => receiver.delivered().length, { timeout: 60_000, interval: 200 }).toBe(1);
    const stalled = { kind: 'phase_stalled', runId: record.runId, loadId: 'customers', phase: 'audit', attempt: 1, worker: firstId };
    expect((receiver.delivered()[0] as { metadata: { event_payload: object } }).metadata.event_payload).toMatchObject(stalled);

    // The second worker restarts the phase: the restart event names the same dead attempt.
    const second = startCli(['worker', '--queues', 'sql', ...FAST_STALL]);
    await second.waitFor(/"msg":"worker started"/);
    await expect.poll(async () => (await orchestrator.store.require(record.runId)).state, { timeout: 60_000, interval: 200 }).toBe('success');
    expect(await phaseOf(record.runId, 'audit')).toMatchObject({ state: 'success', attempts: 2, worker: `${hostname()}-${second.child.pid}` });

    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.body).toMatchObject({ text: expect.stringContaining(`<https://pipeline.example.com/runs/${record.runId}|open run>`) });

    scheduler.child.kill('SIGTERM');
    expect((await scheduler.exited).code, scheduler.output()).toBe(0);
    expect(scheduler.output()).toMatch(/alerts stopped/);
    expect(scheduler.output()).toMatch(/alert sent/);
    // The webhook URL is a credential: no log line carries it.
    expect(scheduler.output()).not.toContain('receiver-token');
  }, 150_000);

  it('doctor says a webhook is configured without calling it or printing it; validate shows deadlines', async () => {
    const doctor = await runCli(['doctor'], env);
    expect(doctor.out).toMatch(/ok\s+alerts\s+webhook on 127\.0\.0\.1:\d+ configured, not called; links to https:\/\/pipeline\.example\.com/);
    expect(`${doctor.out}${doctor.err}`).not.toContain('receiver-token');
    expect(receiver.requests).toHaveLength(0);
    const off = await runCli(['doctor'], { ...env, PIPELINE_ALERT_WEBHOOK_URL: '' });
    expect(off.out).toMatch(/ok\s+alerts\s+off \(set PIPELINE_ALERT_WEBHOOK_URL/);

    await writeFile(path.join(tempDir, 'pipelines', 'orders.yaml'), 'id: orders\ndeadline: PT3H\nschedule: { cron: "0 2 * * *" }\nloads:\n  - id: a\n    source: { table: public.a }\n    target: { table: public.b, key: [id] }\n');
    const validate = await runCli(['validate'], env);
    expect(validate.code, validate.err).toBe(0);
    expect(validate.out).toMatch(/ok orders\s+1 load\(s\), 0 2 \* \* \* UTC, deadline PT3H/);
    await writeFile(path.join(tempDir, 'pipelines', 'orders.yaml'), 'id: orders\ndeadline: soon\nloads:\n  - id: a\n    source: { table: public.a }\n    target: { table: public.b, key: [id] }\n');
    const bad = await runCli(['validate'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/orders\.yaml:2:\d+ at deadline: expected a duration from 1 minute to 30 days/);
  }, 60_000);

  it('refuses a bad --alert-sweep with exit code 2', async () => {
    const scheduler = startCli(['scheduler', '--alert-sweep', 'often']);
    expect((await scheduler.exited).code).toBe(2);
    expect(scheduler.output()).toMatch(/--alert-sweep "often" must be a number of seconds/);
  });
});
