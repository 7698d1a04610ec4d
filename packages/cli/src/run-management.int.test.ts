import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDirs, uniqueName } from '@pipeline/testing';
import { runCli } from './cli-harness.js';

const temp = tempDirs();
afterAll(() => temp.removeAll());

const keyPrefix = uniqueName('cli').replace(/_/g, '-');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
let env: NodeJS.ProcessEnv;

/** Prefixes of the deployments the bad-input cases ran in, emptied at the end should a case have failed. */
const badInputPrefixes: string[] = [];

async function keys(prefix = keyPrefix): Promise<string[]> {
  return redis.keys(`{${prefix}}*`);
}

beforeAll(async () => {
  const dir = await temp.make('cli-runs-');
  await writeFile(
    path.join(dir, 'orders.yaml'),
    `id: orders\nschedule: { cron: "0 0 * * *" }\nloads:\n  - id: a\n    source: { table: public.orders_raw, incrementalColumn: updated_at }\n    target: { table: analytics.orders, key: [id] }\n  - id: b\n    dependsOn: [a]\n    source: { table: analytics.orders }\n    target: { table: analytics.orders_daily, key: [id] }\n`,
  );
  env = { ...process.env, PIPELINE_PIPELINES_DIR: dir, PIPELINE_KEY_PREFIX: keyPrefix };
});

afterAll(async () => {
  const left = (await Promise.all([keyPrefix, ...badInputPrefixes].map((p) => keys(p)))).flat();
  if (left.length) await redis.del(...left);
  redis.disconnect();
});

describe('run management commands', () => {
  it('triggers a run, lists it, shows it, cancels it and retries it', async () => {
    const trigger = await runCli(['trigger', 'orders', '--start', '2026-01-01', '--end', '2026-01-02', '--param', 'region=eu', '--param', 'limit=5'], env);
    expect(trigger.code, trigger.err).toBe(0);
    const runId = trigger.out.trim();
    expect(runId).toMatch(/^orders\.manual\.\d{8}t\d{6}z\.[0-9a-f]{6}$/);
    const jobs = await redis.keys(`{${keyPrefix}}:spark:${runId}__a__extract-transform__g0`);
    expect(jobs).toHaveLength(1);

    const listed = await runCli(['runs', 'orders', '--json'], env);
    expect(listed.code).toBe(0);
    const [item] = JSON.parse(listed.out);
    expect(item).toMatchObject({ runId, pipelineId: 'orders', state: 'queued', trigger: 'manual', intervalStart: '2026-01-01T00:00:00.000Z', intervalEnd: '2026-01-02T00:00:00.000Z', params: { region: 'eu', limit: 5 } });
    expect(item.phases).toHaveLength(12);
    expect(item.phases[0]).toMatchObject({ name: 'extract-transform', loadId: 'a', state: 'queued', attempts: 0 });

    const status = await runCli(['status', runId], env);
    expect(status.out).toMatch(/a\s+extract-transform\s+queued/);

    const cancel = await runCli(['cancel', runId], env);
    expect(cancel.code).toBe(0);
    expect(cancel.out).toMatch(/^cancelled/);
    expect(await redis.keys(`{${keyPrefix}}:spark:${runId}__a__extract-transform__g0`)).toHaveLength(0);
    const after = JSON.parse((await runCli(['status', runId, '--json'], env)).out);
    expect(after.phases.every((p: { state: string }) => p.state === 'cancelled')).toBe(true);

    const retry = await runCli(['retry', runId], env);
    expect(retry.code, retry.err).toBe(0);
    expect(retry.out).toMatch(/^queued/);
    expect(await redis.keys(`{${keyPrefix}}:spark:${runId}__a__extract-transform__g1`)).toHaveLength(1);
    // Leave no active run behind: it would hold the pipeline's only active slot.
    expect((await runCli(['cancel', runId], env)).code).toBe(0);
  });

  it("holds a manual run while the pipeline's run slots are taken, and says so", async () => {
    const first = await runCli(['trigger', 'orders'], env);
    expect(first.code, first.err).toBe(0);
    expect(first.err).not.toMatch(/held/);
    const second = await runCli(['trigger', 'orders', '--json'], env);
    expect(second.code, second.err).toBe(0);
    expect(second.err).toMatch(/^run orders\.manual\.\S+ is held: pipeline orders has 1 active run\(s\) \(schedule\.maxActiveRuns 1\); it starts as soon as a run slot frees\n$/);
    const held = JSON.parse(second.out);
    expect(held).toMatchObject({ state: 'queued', held: true });
    expect(held.phases.every((p: { state: string }) => p.state === 'pending')).toBe(true);
    expect(await redis.keys(`{${keyPrefix}}:spark:${held.runId}__*`)).toEqual([]);

    const status = await runCli(['status', held.runId], env);
    expect(status.out).toMatch(/^held\s+manual/);
    expect(status.out).toMatch(/held: queued behind its pipeline's schedule\.maxActiveRuns/);
    // Cancelling the active run ends it, and the cancel lets the held run in at once.
    const firstId = first.out.trim();
    expect((await runCli(['cancel', firstId], env)).code).toBe(0);
    expect((await runCli(['status', held.runId], env)).out).toMatch(/^queued\s+manual/);
    expect(await redis.keys(`{${keyPrefix}}:spark:${held.runId}__*`)).toHaveLength(1);
    // A retry waits its turn too.
    const retry = await runCli(['retry', firstId], env);
    expect(retry.code, retry.err).toBe(0);
    expect(retry.out).toMatch(/^held\s+manual/);
    expect(retry.err).toMatch(/is held: pipeline orders has 1 active run\(s\) \(schedule\.maxActiveRuns 1\); it starts/);
    // The held retry first (it frees no slot), then the active run: nothing is left active or held.
    for (const runId of [firstId, held.runId]) expect((await runCli(['cancel', runId], env)).code).toBe(0);
    expect(await redis.zcard(`{${keyPrefix}}:held:orders`)).toBe(0);
    expect(await redis.scard(`{${keyPrefix}}:active:orders`)).toBe(0);
  });

  it('backfills a range: intervals wait for the scheduler, which creates them and stops cleanly on SIGTERM', async () => {
    const queued = await runCli(['backfill', 'orders', '--from', '2026-01-01', '--to', '2026-01-04'], env);
    expect(queued.code, queued.err).toBe(0);
    expect(queued.out).toMatch(/^3 interval\(s\) queued for orders, 0 skipped/);

    const scheduler = spawn(process.execPath, [path.join(repoRoot(), 'packages/cli/bin/pipeline.js'), 'scheduler', '--tick', '0.2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    scheduler.stderr.on('data', (chunk) => (log += chunk));
    try {
      // maxActiveRuns is 1: the first backfill run is created, the others wait for it to finish.
      await expect.poll(async () => (await redis.exists(`{${keyPrefix}}:run:orders.scheduled.20260101t000000z`)) === 1, { timeout: 20_000 }).toBe(true);
    } finally {
      scheduler.kill('SIGTERM');
    }
    const [code] = await once(scheduler, 'exit');
    expect(code, log).toBe(0);
    expect(log).toMatch(/scheduler started/);
    expect(await redis.exists(`{${keyPrefix}}:run:orders.scheduled.20260102t000000z`)).toBe(0);
  }, 60_000);

  it('pauses and resumes a pipeline', async () => {
    expect((await runCli(['pause', 'orders'], env)).code).toBe(0);
    expect(await redis.sismember(`{${keyPrefix}}:paused`, 'orders')).toBe(1);
    expect((await runCli(['resume', 'orders'], env)).code).toBe(0);
    expect(await redis.sismember(`{${keyPrefix}}:paused`, 'orders')).toBe(0);
  });

  it.each([
    [['trigger', 'nope'], /no pipeline "nope"/],
    [['trigger', 'orders', '--start', '2026-01-02', '--end', '2026-01-01'], /must be before/],
    [['trigger', 'orders', '--start', '2026-02-30', '--end', '2026-03-01'], /not a valid calendar date/],
    [['trigger', 'orders', '--param', 'x'], /key=value/],
    [['trigger', 'orders', '--param', 'a=1', '--param', 'a=2'], /given twice/],
    [['cancel', 'orders.manual.20260101t000000z.000000'], /does not exist/],
    [['retry', 'nope'], /does not exist|not a run id/],
    [['status', 'orders.manual.20260101t000000z.000000'], /does not exist/],
    [['runs', 'nope'], /no pipeline "nope"/],
    [['runs', 'orders', '--limit', '0'], /--limit/],
    [['pause', 'nope'], /no pipeline "nope"/],
    [['backfill', 'orders', '--from', '2026-01-05'], /required option '--to/],
    [['backfill', 'orders', '--from', '2026-01-05', '--to', '2026-01-01'], /must be before/],
    [['backfill', 'orders', '--from', '2026-01-01', '--to', '2026-01-02', '--reprocess', 'some'], /Allowed choices are none, failed, all/],
  ])('%j is refused with exit code 2 and writes nothing to Redis', async (args, message) => {
    // A deployment of its own, so that any key the refused command wrote shows.
    const fresh = uniqueName('cli-bad').replace(/_/g, '-');
    badInputPrefixes.push(fresh);
    const result = await runCli(args, { ...env, PIPELINE_KEY_PREFIX: fresh });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(await keys(fresh)).toEqual([]);
  });
});
