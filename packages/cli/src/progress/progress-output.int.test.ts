import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadDir, type ExtractResult } from '@pipeline/core';
import { Orchestrator, RunEventLog } from '@pipeline/runs';
import { createTestSchema, getPostgresUrl, repoRoot, uniqueName, type TestSchema } from '@pipeline/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-harness.js';

// Spawns packages/cli/bin/pipeline.js: build first (`npx nx run-many -t build`).
// Spark does not run in these tests: the test plays the Spark worker (it writes the files and
// the manifest the job would and completes the extract-transform phase); a real
// `pipeline worker --queues sql` runs every SQL phase.

const PIPELINE_BIN = path.join(repoRoot(), 'packages/cli/bin/pipeline.js');
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /;

const keyPrefix = uniqueName('progress').replace(/_/g, '-');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const orchestrator = new Orchestrator({ redis, keyPrefix, logger: createLogger({ level: 'silent' }) });
let schema: TestSchema;
let dir: string;
let tempDir: string;
let env: NodeJS.ProcessEnv;
let worker: ChildProcess | undefined;
let workerLog = '';

interface Spawned {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** The first line on stdout: the run id `trigger` prints at once. */
  firstLine: Promise<string>;
  exit: Promise<number | null>;
}

function spawnCli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, [PIPELINE_BIN, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let resolveLine: (line: string) => void;
  const firstLine = new Promise<string>((resolve) => (resolveLine = resolve));
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    if (out.includes('\n')) resolveLine(out.slice(0, out.indexOf('\n')));
  });
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, out: () => out, err: () => err, firstLine, exit };
}

/** Stands in for the Spark worker: writes the job's output for `emails` and completes the phase. */
async function completeExtract(runId: string, emails: (string | null)[]): Promise<void> {
  const record = await orchestrator.store.require(runId);
  const load = record.pipeline.loads[0]!;
  await orchestrator.markRunning(runId, load.id, 'extract-transform', { worker: 'test-spark', attempt: 1 });
  const loadFolder = loadDir(tempDir, { runId, load });
  const outputDir = path.join(loadFolder, 'data');
  await mkdir(outputDir, { recursive: true });
  await writeFile(path.join(outputDir, 'part-00000.csv'), emails.map((email, i) => `${i + 1},${email ?? ''}\n`).join(''));
  const manifest: ExtractResult['manifest'] = {
    rowsRead: emails.length,
    rowsWritten: emails.length,
    format: 'csv',
    files: ['part-00000.csv'],
    columns: [
      { name: 'id', type: { kind: 'int64' }, nullable: false },
      { name: 'email', type: { kind: 'string' }, nullable: true },
    ],
  };
  await writeFile(path.join(loadFolder, 'manifest.json'), JSON.stringify(manifest));
  const result: ExtractResult = { externalId: 'local:test-spark:0', outputDir, manifest };
  await orchestrator.completePhase(runId, load.id, 'extract-transform', result);
}

/** Progress lines without their timestamp and durations, after checking every line has both shapes right. */
function progressLines(stderr: string): string[] {
  const lines = stderr.split('\n').filter((line) => line !== '' && !line.startsWith('run ') && !line.startsWith('{'));
  for (const line of lines) expect(line, stderr).toMatch(TIMESTAMP);
  expect(stderr).not.toMatch(/\u001b/);
  return lines.map((line) => line.replace(TIMESTAMP, '').replace(/ (\d+\.\ds|\d+m\d\ds)(?= |$)/, ''));
}

beforeAll(async () => {
  const url = await getPostgresUrl();
  schema = await createTestSchema(url, 'cli_progress');
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(`CREATE TABLE ${schema.schema}.customers_src (id bigint PRIMARY KEY, email text)`);
  await db.end();
  dir = await mkdtemp(path.join(os.tmpdir(), 'cli-progress-'));
  tempDir = path.join(dir, 'tmp');
  await mkdir(path.join(dir, 'pipelines'));
  await writeFile(
    path.join(dir, 'pipelines', 'customers.yaml'),
    `id: customers
loads:
  - id: customers
    source: { table: ${schema.schema}.customers_src }
    target: { table: ${schema.schema}.customers, key: [id], strategy: merge }
    checks:
      staging: [ { not_null: [email] } ]
`,
  );
  env = {
    ...process.env,
    PIPELINE_WAREHOUSE_URL: url,
    PIPELINE_PIPELINES_DIR: path.join(dir, 'pipelines'),
    PIPELINE_TEMP_DIR: tempDir,
    PIPELINE_KEY_PREFIX: keyPrefix,
    PIPELINE_PROGRESS: '',
    // Extract-transform fails at once, the same way here and where pyspark is installed.
    PIPELINE_SPARK_SUBMIT: '/nonexistent/spark-submit',
  };
}, 120_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await once(worker, 'exit');
  }
  await orchestrator.close();
  const keys = await redis.keys(`{${keyPrefix}}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await schema?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startSqlWorker(): Promise<void> {
  if (worker) return;
  worker = spawn(process.execPath, [PIPELINE_BIN, 'worker', '--queues', 'sql'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  worker.stderr!.on('data', (chunk) => (workerLog += chunk));
  await expect.poll(() => workerLog, { timeout: 30_000 }).toMatch(/worker started/);
}

describe('pipeline trigger --wait, not on a terminal', () => {
  it('prints one line per phase state change, in order, and exits 0 when the run succeeds', async () => {
    await startSqlWorker();
    const cli = spawnCli(['trigger', 'customers', '--full-refresh', '--wait']);
    const runId = await cli.firstLine;
    await completeExtract(runId, ['a@example.com', 'b@example.com']);
    const code = await cli.exit;
    expect(code, cli.err() + workerLog).toBe(0);
    expect(progressLines(cli.err())).toEqual([
      'customers/extract-transform running',
      'customers/extract-transform success rows=2',
      'customers/stage queued',
      'customers/stage running',
      'customers/stage success rows=2',
      'customers/audit queued',
      'customers/audit running',
      'customers/audit success rows=2',
      'customers/merge queued',
      'customers/merge running',
      'customers/merge success rows=2',
      'customers/validate queued',
      'customers/validate running',
      'customers/validate success',
      'customers/cleanup queued',
      'customers/cleanup running',
      'customers/cleanup success',
      'run success',
    ]);
    // stdout keeps what it printed before: the run id, then the run's detail.
    expect(cli.out()).toMatch(new RegExp(`^${runId.replace(/\./g, '\\.')}\\nsuccess\\s+manual\\s+${runId.replace(/\./g, '\\.')}`));
  }, 90_000);

  it('exits 1 with the failing phase and its error code when the run fails', async () => {
    await startSqlWorker();
    const cli = spawnCli(['trigger', 'customers', '--full-refresh', '--wait']);
    const runId = await cli.firstLine;
    await completeExtract(runId, ['a@example.com', null]);
    const code = await cli.exit;
    expect(code, cli.err() + workerLog).toBe(1);
    expect(progressLines(cli.err())).toEqual([
      'customers/extract-transform running',
      'customers/extract-transform success rows=2',
      'customers/stage queued',
      'customers/stage running',
      'customers/stage success rows=2',
      'customers/audit queued',
      'customers/audit running',
      'customers/audit failed error=E_STAGING_CHECKS',
      'customers/merge upstream_failed',
      'customers/validate upstream_failed',
      'customers/cleanup queued',
      'customers/cleanup running',
      'customers/cleanup success',
      'run failed',
    ]);
  }, 90_000);

  it('draws the live block when PIPELINE_PROGRESS=tty, printing the run id before it', async () => {
    await startSqlWorker();
    const log = new RunEventLog(redis, keyPrefix);
    const from = await log.lastId();
    const pending = runCli(['trigger', 'customers', '--full-refresh', '--wait'], { ...env, PIPELINE_PROGRESS: 'tty', NO_COLOR: '1' });
    let runId: string | undefined;
    await expect.poll(async () => (runId = (await log.read(from)).find((e) => e.event.type === 'run')?.event.runId)).toBeDefined();
    await completeExtract(runId!, ['a@example.com']);
    const result = await pending;
    expect(result.code, result.err).toBe(0);
    expect(result.out.startsWith(`${runId}\nsuccess `)).toBe(true);
    expect(result.err.startsWith('\u001b[?25l\u001b[2Kcustomers  extract ○  stage ·  audit ·  merge ·  validate ·  cleanup ·\n')).toBe(true);
    const finalFrame = result.err.slice(result.err.lastIndexOf('\r\u001b[1A'));
    expect(finalFrame).toMatch(/^\r\u001b\[1A\u001b\[2Kcustomers {2}extract ✓ \d+\.\ds {2}stage ✓ \d+\.\ds {2}audit ✓ \d+\.\ds {2}merge ✓ \d+\.\ds {2}validate ✓ \d+\.\ds {2}cleanup ✓ \d+\.\ds\n\u001b\[J\u001b\[\?25h$/);
  }, 90_000);

  it('stops waiting on Ctrl-C and says how to follow the run, which goes on', async () => {
    // No worker takes Spark jobs here: the run stays queued.
    const cli = spawnCli(['trigger', 'customers', '--full-refresh', '--wait']);
    const runId = await cli.firstLine;
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(130);
    expect(cli.err()).toContain(`stopped waiting; run ${runId} goes on. Follow it with: pipeline status ${runId}`);
    expect((await orchestrator.store.require(runId)).state).toBe('queued');
    await orchestrator.cancelRun(runId);
  }, 30_000);
});

describe('pipeline run progress', () => {
  it('prints one line per phase when stderr is a pipe, and keeps the report on stdout', async () => {
    const cli = spawnCli(['run', 'customers', '--full-refresh']);
    expect(await cli.exit, cli.err()).toBe(1);
    expect(progressLines(cli.err())).toEqual([
      'customers/extract-transform running',
      'customers/extract-transform failed error=E_SPARK_START',
      'customers/stage upstream_failed',
      'customers/audit upstream_failed',
      'customers/merge upstream_failed',
      'customers/validate upstream_failed',
      'customers/cleanup running',
      'customers/cleanup success',
      'run failed',
    ]);
    expect(cli.out()).toMatch(/^run customers\.manual\.\S+ {2}pipeline customers {2}full refresh\nload customers: failed\n {2}FAIL extract-transform/);
  }, 60_000);

  it('draws the live block when PIPELINE_PROGRESS=tty, and nothing with off', async () => {
    const live = await runCli(['run', 'customers', '--full-refresh'], { ...env, PIPELINE_PROGRESS: 'tty', NO_COLOR: '1' });
    expect(live.code).toBe(1);
    expect(live.err).toContain('\u001b[?25l');
    expect(live.err).toMatch(/\r\u001b\[1A/);
    const finalFrame = live.err.slice(live.err.lastIndexOf('\r\u001b[1A'));
    expect(finalFrame).toMatch(/^\r\u001b\[1A\u001b\[2Kcustomers {2}extract ✗ \d+\.\ds {2}stage - {2}audit - {2}merge - {2}validate - {2}cleanup ✓ \d+\.\ds\n\u001b\[J\u001b\[\?25h$/);

    const off = await runCli(['run', 'customers', '--full-refresh'], { ...env, PIPELINE_PROGRESS: 'off' });
    expect(off.code).toBe(1);
    expect(off.err).toMatch(/^run customers\.manual\.\S+ {2}pipeline customers {2}full refresh\n$/);

    const bad = await runCli(['run', 'customers', '--full-refresh'], { ...env, PIPELINE_PROGRESS: 'fancy' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/PIPELINE_PROGRESS must be tty, plain or off, not "fancy"/);
  }, 60_000);

  it('keeps stdout to the JSON report with --json, progress staying on stderr as plain lines', async () => {
    const cli = spawnCli(['run', 'customers', '--full-refresh', '--json'], { PIPELINE_PROGRESS: 'tty' });
    expect(await cli.exit).toBe(1);
    expect(cli.out(), cli.err()).toMatch(/^\{/);
    expect(JSON.parse(cli.out())).toMatchObject({ pipelineId: 'customers', state: 'failed' });
    expect(progressLines(cli.err())[0]).toBe('customers/extract-transform running');
  }, 60_000);
});
