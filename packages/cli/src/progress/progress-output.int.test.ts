import pg from 'pg';
import { RunEventLog } from '@pipeline/runs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliFixture, type CliFixture } from '../test-support/cli-fixture.js';
import type { CliProcess } from '../test-support/cli-process.js';

// Spawns packages/cli/bin/pipeline.js: build first (`npx nx run-many -t build`).
// Spark does not run in these tests: the test plays the Spark worker (it writes the files and
// the manifest the job would and completes the extract-transform phase); a real
// `pipeline worker --queues sql` runs every SQL phase.

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /;

let f: CliFixture;
let worker: CliProcess | undefined;

/** Progress lines without their timestamp and durations, after checking every line has both shapes right. */
function progressLines(stderr: string): string[] {
  const lines = stderr.split('\n').filter((line) => line !== '' && !line.startsWith('run ') && !line.startsWith('{'));
  for (const line of lines) expect(line, stderr).toMatch(TIMESTAMP);
  expect(stderr).not.toMatch(/\u001b/);
  return lines.map((line) => line.replace(TIMESTAMP, '').replace(/ (\d+\.\ds|\d+m\d\ds)(?= |$)/, ''));
}

beforeAll(async () => {
  // Extract-transform fails at once, the same way here and where pyspark is installed.
  f = await createCliFixture('progress', { env: { PIPELINE_SPARK_SUBMIT: '/nonexistent/spark-submit' } });
  const db = new pg.Client({ connectionString: f.warehouseUrl });
  await db.connect();
  await db.query(`CREATE TABLE ${f.schema.schema}.customers_src (id bigint PRIMARY KEY, email text)`);
  await db.end();
  await f.writePipeline('customers', f.customersYaml('[ { not_null: [email] } ]'));
}, 120_000);

afterAll(async () => f?.teardown());

/** The `pipeline worker --queues sql` the trigger tests share, started by the first that needs it. */
async function sqlWorker(): Promise<CliProcess> {
  worker ??= await f.startWorker();
  return worker;
}

/** `trigger` prints the run id at once, as the first line on stdout. */
const runIdOf = (cli: CliProcess) => cli.waitFor(/^/, { stream: 'stdout' });

describe('pipeline trigger --wait, not on a terminal', () => {
  it('prints one line per phase state change, in order, and exits 0 when the run succeeds', async () => {
    const worker = await sqlWorker();
    const cli = f.spawnCli(['trigger', 'customers', '--full-refresh', '--wait']);
    const runId = await runIdOf(cli);
    await f.fakeExtract(runId, '1,a@example.com\n2,b@example.com\n');
    const { code } = await cli.exited;
    expect(code, cli.stderr() + worker.stderr()).toBe(0);
    expect(progressLines(cli.stderr())).toEqual([
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
    expect(cli.stdout()).toMatch(new RegExp(`^${runId.replace(/\./g, '\\.')}\\nsuccess\\s+manual\\s+${runId.replace(/\./g, '\\.')}`));
  }, 90_000);

  it('exits 1 with the failing phase and its error code when the run fails', async () => {
    const worker = await sqlWorker();
    const cli = f.spawnCli(['trigger', 'customers', '--full-refresh', '--wait']);
    const runId = await runIdOf(cli);
    await f.fakeExtract(runId, '1,a@example.com\n2,\n');
    const { code } = await cli.exited;
    expect(code, cli.stderr() + worker.stderr()).toBe(1);
    expect(progressLines(cli.stderr())).toEqual([
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
    await sqlWorker();
    const log = new RunEventLog(f.redis, f.keyPrefix);
    const from = await log.lastId();
    const pending = f.runCli(['trigger', 'customers', '--full-refresh', '--wait'], { PIPELINE_PROGRESS: 'tty', NO_COLOR: '1' });
    let runId: string | undefined;
    await expect.poll(async () => (runId = (await log.read(from)).find((e) => e.event.type === 'run')?.event.runId)).toBeDefined();
    await f.fakeExtract(runId!, '1,a@example.com\n');
    const result = await pending;
    expect(result.code, result.err).toBe(0);
    expect(result.out.startsWith(`${runId}\nsuccess `)).toBe(true);
    expect(result.err.startsWith('\u001b[?25l\u001b[2Kcustomers  extract ○  stage ·  audit ·  merge ·  validate ·  cleanup ·\n')).toBe(true);
    const finalFrame = result.err.slice(result.err.lastIndexOf('\r\u001b[1A'));
    expect(finalFrame).toMatch(/^\r\u001b\[1A\u001b\[2Kcustomers {2}extract ✓ \d+\.\ds {2}stage ✓ \d+\.\ds {2}audit ✓ \d+\.\ds {2}merge ✓ \d+\.\ds {2}validate ✓ \d+\.\ds {2}cleanup ✓ \d+\.\ds\n\u001b\[J\u001b\[\?25h$/);
  }, 90_000);

  it('stops waiting on Ctrl-C and says how to follow the run, which goes on', async () => {
    // No worker takes Spark jobs here: the run stays queued.
    const cli = f.spawnCli(['trigger', 'customers', '--full-refresh', '--wait']);
    const runId = await runIdOf(cli);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
    expect(cli.stderr()).toContain(`stopped waiting; run ${runId} goes on. Follow it with: pipeline status ${runId}`);
    expect((await f.orchestrator.store.require(runId)).state).toBe('queued');
    await f.orchestrator.cancelRun(runId);
  }, 30_000);
});

describe('pipeline run progress', () => {
  it('prints one line per phase when stderr is a pipe, and keeps the report on stdout', async () => {
    const cli = f.spawnCli(['run', 'customers', '--full-refresh']);
    expect((await cli.exited).code, cli.stderr()).toBe(1);
    expect(progressLines(cli.stderr())).toEqual([
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
    expect(cli.stdout()).toMatch(/^run customers\.manual\.\S+ {2}pipeline customers {2}full refresh\nload customers: failed\n {2}FAIL extract-transform/);
  }, 60_000);

  it('draws the live block when PIPELINE_PROGRESS=tty, and nothing with off', async () => {
    const live = await f.runCli(['run', 'customers', '--full-refresh'], { PIPELINE_PROGRESS: 'tty', NO_COLOR: '1' });
    expect(live.code).toBe(1);
    expect(live.err).toContain('\u001b[?25l');
    expect(live.err).toMatch(/\r\u001b\[1A/);
    const finalFrame = live.err.slice(live.err.lastIndexOf('\r\u001b[1A'));
    expect(finalFrame).toMatch(/^\r\u001b\[1A\u001b\[2Kcustomers {2}extract ✗ \d+\.\ds {2}stage - {2}audit - {2}merge - {2}validate - {2}cleanup ✓ \d+\.\ds\n\u001b\[J\u001b\[\?25h$/);

    const off = await f.runCli(['run', 'customers', '--full-refresh'], { PIPELINE_PROGRESS: 'off' });
    expect(off.code).toBe(1);
    expect(off.err).toMatch(/^run customers\.manual\.\S+ {2}pipeline customers {2}full refresh\n$/);

    const bad = await f.runCli(['run', 'customers', '--full-refresh'], { PIPELINE_PROGRESS: 'fancy' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/PIPELINE_PROGRESS must be tty, plain or off, not "fancy"/);
  }, 60_000);

  it('keeps stdout to the JSON report with --json, progress staying on stderr as plain lines', async () => {
    const cli = f.spawnCli(['run', 'customers', '--full-refresh', '--json'], { PIPELINE_PROGRESS: 'tty' });
    expect((await cli.exited).code).toBe(1);
    expect(cli.stdout(), cli.stderr()).toMatch(/^\{/);
    expect(JSON.parse(cli.stdout())).toMatchObject({ pipelineId: 'customers', state: 'failed' });
    expect(progressLines(cli.stderr())[0]).toBe('customers/extract-transform running');
  }, 60_000);
});
