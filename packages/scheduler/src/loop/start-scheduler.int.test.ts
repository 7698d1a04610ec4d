import { EventEmitter, once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, parsePipeline, scheduledRunId, type PipelineDefinition } from '@pipeline/core';
import { backfill, BackfillQueue, Orchestrator, type RunStore } from '@pipeline/runs';
import { uniqueName } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RETENTION_EVERY_SECONDS } from './prune-expired-runs.js';
import { retentionGuardKey } from './scheduler-keys.js';
import { startScheduler, type Scheduler, type SchedulerOptions, type TickReport } from './start-scheduler.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ level: 'silent' });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface ScheduleYaml {
  cron: string;
  catchup: boolean;
  start?: string;
  maxActiveRuns: number;
  timezone?: string;
}

function definitionText(id: string, schedule: ScheduleYaml): string {
  return `id: ${id}
schedule: ${JSON.stringify({ timezone: 'UTC', ...schedule })}
loads:
  - id: main
    source: { table: public.src, incrementalColumn: updated_at }
    target: { table: public.dst, key: [id] }
`;
}

describe('scheduler against Redis', () => {
  let keyPrefix: string;
  let dir: string;
  let connections: Redis[];
  let schedulers: Scheduler[];
  let orchestrator: Orchestrator;
  let store: RunStore;

  const connect = () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    connections.push(redis);
    return redis;
  };

  async function define(id: string, schedule: ScheduleYaml): Promise<PipelineDefinition> {
    const text = definitionText(id, schedule);
    await writeFile(path.join(dir, `${id}.yaml`), text);
    return parsePipeline(`${id}.yaml`, text);
  }

  function start(options: Partial<SchedulerOptions> & Pick<SchedulerOptions, 'now'>): Scheduler {
    const scheduler = startScheduler({ config: { pipelinesDir: dir }, redis: connect(), keyPrefix, logger, ...options });
    schedulers.push(scheduler);
    return scheduler;
  }

  /** Every run of the pipeline, oldest interval first. */
  async function runIds(pipelineId: string): Promise<string[]> {
    return (await store.list(pipelineId, { limit: 10_000 })).map((r) => r.runId).reverse();
  }

  const createdIn = (reports: TickReport[]) => reports.flatMap((r) => r.pipelines.flatMap((p) => p.created));
  const series = (pipelineId: string, first: Date, step: number, count: number) => Array.from({ length: count }, (_, i) => scheduledRunId(pipelineId, new Date(first.getTime() + i * step)));

  beforeEach(async () => {
    keyPrefix = uniqueName('sched');
    dir = await mkdtemp(path.join(tmpdir(), 'scheduler-int-'));
    connections = [];
    schedulers = [];
    orchestrator = new Orchestrator({ redis: connect(), keyPrefix, logger });
    store = orchestrator.store;
  });

  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    await orchestrator.close();
    const redis = connections[0]!;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${keyPrefix}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    await Promise.all(connections.map((c) => c.quit()));
    await rm(dir, { recursive: true, force: true });
  });

  it('three replicas on their own timers create each minute’s run exactly once, in order, within maxActiveRuns', async () => {
    const first = new Date('2026-01-01T00:00:00Z');
    const count = 30;
    const now = new Date(first.getTime() + count * MINUTE + 30_000);
    await define('minutely', { cron: '* * * * *', catchup: true, start: first.toISOString(), maxActiveRuns: 2 });
    const expected = series('minutely', first, MINUTE, count);
    const reports: TickReport[] = [];
    const ticks = new EventEmitter();
    for (let i = 0; i < 3; i++) {
      start({ tickMs: 2, now: () => now, onTick: (report) => (reports.push(report), ticks.emit('tick')) });
    }

    let cancelled = 0;
    for (;;) {
      await once(ticks, 'tick');
      const ids = await runIds('minutely');
      // Runs end only when this test cancels them, so everything else listed is still active.
      expect(ids.length - cancelled).toBeLessThanOrEqual(2);
      expect(ids).toEqual(expected.slice(0, ids.length));
      for (const runId of ids.slice(cancelled)) await orchestrator.cancelRun(runId);
      cancelled = ids.length;
      if (ids.length === count) break;
    }
    for (let i = 0; i < 6; i++) await once(ticks, 'tick');

    expect(await runIds('minutely')).toEqual(expected);
    const created = createdIn(reports);
    expect(created).toHaveLength(count);
    expect([...created].sort()).toEqual(expected);
    const records = await store.list('minutely', { limit: 100 });
    expect(records.every((r) => r.trigger === 'schedule')).toBe(true);
    expect(records.map((r) => Date.parse(r.intervalEnd!) - Date.parse(r.intervalStart!))).toEqual(Array(count).fill(MINUTE));
  });

  it('two replicas ticking at the same moments as the clock moves create every hour once, oldest first, never more than maxActiveRuns', async () => {
    const first = new Date('2026-03-01T00:00:00Z');
    const hours = 48;
    let clock = new Date(first.getTime() + HOUR);
    await define('hourly', { cron: '0 * * * *', catchup: true, start: first.toISOString(), maxActiveRuns: 3 });
    const expected = series('hourly', first, HOUR, hours);
    const reports: TickReport[] = [];
    const replicas = [0, 1].map(() => start({ tickMs: 3_600_000, now: () => clock, onTick: (report) => void reports.push(report) }));

    let finished = 0;
    for (let round = 0; finished < hours; round++) {
      clock = new Date(Math.min(clock.getTime() + 2 * HOUR, first.getTime() + hours * HOUR));
      await Promise.all(replicas.map((r) => r.tick()));
      const ids = await runIds('hourly');
      const due = Math.min(hours, (clock.getTime() - first.getTime()) / HOUR);
      expect(ids.length - finished).toBeLessThanOrEqual(3);
      expect(ids).toEqual(expected.slice(0, ids.length));
      // Finishing one run a round keeps the limit binding while the backlog grows.
      if (ids.length > finished) await orchestrator.cancelRun(ids[finished]!);
      finished += ids.length > finished ? 1 : 0;
      expect(ids.length).toBeLessThanOrEqual(due);
      expect(round).toBeLessThan(200);
    }

    expect(await runIds('hourly')).toEqual(expected);
    expect([...createdIn(reports)].sort()).toEqual(expected);
    expect(reports.flatMap((r) => r.pipelines).some((p) => p.status === 'busy')).toBe(true);
  });

  it('creates nothing for a paused pipeline and resumes where it stopped', async () => {
    const first = new Date('2026-01-01T00:00:00Z');
    await define('paused', { cron: '0 * * * *', catchup: true, start: first.toISOString(), maxActiveRuns: 5 });
    await store.pause('paused');
    const scheduler = start({ tickMs: 3_600_000, now: () => new Date(first.getTime() + 3 * HOUR) });
    const report = await scheduler.tick();
    expect(report.pipelines).toEqual([{ pipelineId: 'paused', status: 'paused', created: [], admitted: [], retried: [] }]);
    expect(await runIds('paused')).toEqual([]);
    await store.resume('paused');
    await scheduler.tick();
    expect(await runIds('paused')).toEqual(series('paused', first, HOUR, 3));
  });

  /**
   * A scheduler that ticks only when told: its automatic first tick has run (and is in `reports`)
   * by the time this resolves. `tick()` returns what every tick since the last call did for `pipelineId`.
   */
  async function manualScheduler(pipelineId: string, now: Date) {
    const reports: TickReport[] = [];
    const scheduler = start({ tickMs: 3_600_000, now: () => now, onTick: (report) => void reports.push(report) });
    // The automatic first tick starts on a zero timer: past it, it is chained before the next call.
    await new Promise((resolve) => setTimeout(resolve, 10));
    let seen = 0;
    return {
      async tick() {
        await scheduler.tick();
        const results = reports.slice(seen).flatMap((r) => r.pipelines.filter((p) => p.pipelineId === pipelineId));
        seen = reports.length;
        return { statuses: [...new Set(results.map((r) => r.status))], created: results.flatMap((r) => r.created), admitted: results.flatMap((r) => r.admitted) };
      },
    };
  }

  /**
   * Cancels the run as a process whose own admission of the held runs fails (the admission lock
   * stays taken past its wait, as behind a stalled replica): the slot is left for a tick to give.
   */
  async function endLeavingHeld(runId: string): Promise<void> {
    const { pipelineId } = await store.require(runId);
    const lock = store.keys.admissionLock(pipelineId);
    await connections[0]!.set(lock, 'a-stalled-replica', 'PX', 60_000);
    const other = new Orchestrator({ redis: connect(), keyPrefix, logger, admissionWaitMs: 20 });
    await other.cancelRun(runId);
    await other.close();
    await connections[0]!.del(lock);
  }

  it('gives free run slots to held manual runs first, in the order they were triggered, then to due intervals', async () => {
    const first = new Date('2026-01-01T00:00:00Z');
    const pipeline = await define('mixed', { cron: '0 * * * *', catchup: true, start: first.toISOString(), maxActiveRuns: 1 });
    const scheduler = await manualScheduler('mixed', new Date(first.getTime() + 3 * HOUR));
    const hours = series('mixed', first, HOUR, 3);
    expect((await scheduler.tick()).created).toEqual([hours[0]]);

    const manual = [await orchestrator.triggerRun({ pipeline, trigger: 'manual', interval: null }), await orchestrator.triggerRun({ pipeline, trigger: 'manual', interval: null })];
    expect(manual.map((m) => m.held)).toEqual([
      { active: 1, maxActiveRuns: 1, ahead: 0 },
      { active: 1, maxActiveRuns: 1, ahead: 1 },
    ]);
    const [m1, m2] = manual.map((m) => m.record.runId) as [string, string];
    expect(await scheduler.tick()).toEqual({ statuses: ['ticked'], created: [], admitted: [] });

    const steps: Array<{ created: string[]; admitted: string[] }> = [];
    for (const active of [hours[0]!, m1, m2, hours[1]!]) {
      await endLeavingHeld(active);
      const { created, admitted } = await scheduler.tick();
      steps.push({ created, admitted });
      expect(await store.activeCount('mixed')).toBe(1);
    }
    expect(steps).toEqual([
      { created: [], admitted: [m1] },
      { created: [], admitted: [m2] },
      { created: [hours[1]], admitted: [] },
      { created: [hours[2]], admitted: [] },
    ]);
    // Queued once admitted (then cancelled by this test).
    const admitted = await store.require(m1);
    expect(admitted.held).toBeUndefined();
    expect(admitted.phases.find((p) => p.phase === 'extract-transform')?.queuedAt).toEqual(expect.any(String));
    expect(await store.heldRunIds('mixed')).toEqual([]);
  });

  it("admits a paused pipeline's held manual runs, and schedules nothing for it", async () => {
    const first = new Date('2026-01-01T00:00:00Z');
    const pipeline = await define('held-paused', { cron: '0 * * * *', catchup: true, start: first.toISOString(), maxActiveRuns: 1 });
    await store.pause('held-paused');
    const running = await orchestrator.triggerRun({ pipeline, trigger: 'manual', interval: null });
    const held = await orchestrator.triggerRun({ pipeline, trigger: 'manual', interval: null });
    expect([running.held, held.held?.active]).toEqual([undefined, 1]);
    const scheduler = await manualScheduler('held-paused', new Date(first.getTime() + 3 * HOUR));
    expect(await scheduler.tick()).toEqual({ statuses: ['paused'], created: [], admitted: [] });
    await endLeavingHeld(running.record.runId);
    expect(await scheduler.tick()).toEqual({ statuses: ['paused'], created: [], admitted: [held.record.runId] });
    expect(await scheduler.tick()).toEqual({ statuses: ['paused'], created: [], admitted: [] });
    expect(await runIds('held-paused')).toHaveLength(2);
  });

  it('admits, in its hourly housekeeping, the held runs of a pipeline whose file is gone, within the limit they were held under', async () => {
    // Triggered from a definition that is then deleted: no tick looks at the pipeline again.
    const gone = parsePipeline('gone.yaml', definitionText('gone', { cron: '0 * * * *', catchup: false, maxActiveRuns: 1 }));
    await define('kept', { cron: '0 * * * *', catchup: false, maxActiveRuns: 1 });
    const triggered = [];
    for (let i = 0; i < 3; i++) triggered.push(await orchestrator.triggerRun({ pipeline: gone, trigger: 'manual', interval: null }));
    const [running, first, second] = triggered.map((t) => t.record.runId) as [string, string, string];
    expect(triggered.map((t) => t.held?.ahead)).toEqual([undefined, 0, 1]);
    await endLeavingHeld(running);

    const clock = new Date('2026-06-01T00:30:00Z');
    const reports: TickReport[] = [];
    const scheduler = start({ tickMs: HOUR, now: () => clock, onTick: (r) => reports.push(r) });
    const nextHour = async () => {
      // The guard's expiry, as Redis would apply it an hour later.
      await connections[0]!.del(retentionGuardKey(keyPrefix));
      return (await scheduler.tick()).unscheduledAdmitted;
    };
    await expect.poll(() => reports.length).toBeGreaterThan(0);
    // The first tick's pass: one slot free, the oldest held run takes it. `kept`, ticked, is not its business.
    expect(reports[0]!.unscheduledAdmitted).toEqual([{ pipelineId: 'gone', admitted: [first] }]);
    expect(reports[0]!.pipelines.map((p) => p.pipelineId)).toEqual(['kept']);
    expect(await store.heldRunIds('gone')).toEqual([second]);
    expect((await store.require(first)).phases.find((p) => p.phase === 'extract-transform')?.state).toBe('queued');

    // Within the hour no pass; the next one finds no free slot.
    expect((await scheduler.tick()).unscheduledAdmitted).toBeUndefined();
    expect(await nextHour()).toEqual([{ pipelineId: 'gone', admitted: [] }]);

    // A pass that finds the admission lock taken leaves the runs to the holder, or the next pass.
    await endLeavingHeld(first);
    const lock = store.keys.admissionLock('gone');
    await connections[0]!.set(lock, 'a-trigger', 'PX', 60_000);
    expect(await nextHour()).toEqual([]);
    await connections[0]!.del(lock);
    expect(await nextHour()).toEqual([{ pipelineId: 'gone', admitted: [second] }]);
    expect(await store.heldRunIds('gone')).toEqual([]);
  });

  it('creates only the latest interval without catchup, once', async () => {
    await define('latest', { cron: '0 2 * * *', catchup: false, start: '2026-01-01T00:00:00Z', maxActiveRuns: 5 });
    const scheduler = start({ tickMs: 3_600_000, now: () => new Date('2026-01-10T12:00:00Z') });
    await scheduler.tick();
    await scheduler.tick();
    expect(await runIds('latest')).toEqual([scheduledRunId('latest', new Date('2026-01-09T02:00:00Z'))]);
  });

  it('follows definition files edited while it runs, and keeps the last good one when an edit breaks it', async () => {
    const first = new Date('2026-01-01T00:00:00Z');
    let clock = new Date(first.getTime() + HOUR);
    await define('alpha', { cron: '0 * * * *', catchup: true, start: first.toISOString(), maxActiveRuns: 10 });
    const scheduler = start({ tickMs: 3_600_000, now: () => clock });
    await scheduler.tick();
    expect(await runIds('alpha')).toHaveLength(1);

    await define('beta', { cron: '0 * * * *', catchup: true, start: first.toISOString(), maxActiveRuns: 10 });
    await writeFile(path.join(dir, 'alpha.yaml'), 'id: alpha\nschedule: { cron: "not a cron" }\n');
    clock = new Date(first.getTime() + 3 * HOUR);
    const report = await scheduler.tick();
    expect(report.errors).toEqual([]);
    expect(await runIds('alpha')).toEqual(series('alpha', first, HOUR, 3));
    expect(await runIds('beta')).toEqual(series('beta', first, HOUR, 3));
  });

  it('prunes finished runs past retention by its clock, once per hour across replicas, never active runs', async () => {
    const t0 = new Date('2026-06-01T00:00:00Z');
    let clock = t0;
    const creator = new Orchestrator({ redis: connect(), keyPrefix, logger, now: () => clock });
    // Not written to the pipelines directory: retention covers runs of every pipeline the store knows.
    const pipeline = parsePipeline('kept.yaml', definitionText('kept', { cron: '0 2 * * *', catchup: false, maxActiveRuns: 5 }));
    const run = async (createdAt: Date, finished: boolean) => {
      clock = createdAt;
      const record = await creator.createRun({ pipeline, trigger: 'manual', interval: null });
      if (finished) await creator.cancelRun(record.runId);
      return record.runId;
    };
    try {
      const oldFinished = await run(new Date(t0.getTime() - 40 * DAY), true);
      const oldActive = await run(new Date(t0.getTime() - 40 * DAY + MINUTE), false);
      const recentFinished = await run(new Date(t0.getTime() - 10 * DAY), true);
      const exists = async (runId: string) => (await store.get(runId)) !== null;

      clock = t0;
      const reports: TickReport[] = [];
      const replicas = [0, 1].map(() =>
        start({ tickMs: HOUR, now: () => clock, config: { pipelinesDir: dir, retentionDays: 30 }, onTick: (r) => reports.push(r) }),
      );
      await Promise.all(replicas.map((r) => r.tick()));
      expect(reports.filter((r) => r.pruned !== undefined).map((r) => r.pruned)).toEqual([1]);
      expect(await exists(oldFinished)).toBe(false);
      expect(await exists(oldActive)).toBe(true);
      expect(await exists(recentFinished)).toBe(true);
      const ttl = await connections[0]!.ttl(retentionGuardKey(keyPrefix));
      expect(ttl).toBeGreaterThan(RETENTION_EVERY_SECONDS - 60);
      expect(ttl).toBeLessThanOrEqual(RETENTION_EVERY_SECONDS);

      // Within the hour nothing is pruned, even once a run is past retention by the clock.
      clock = new Date(t0.getTime() + 25 * DAY);
      reports.length = 0;
      await Promise.all(replicas.map((r) => r.tick()));
      expect(reports.length).toBeGreaterThanOrEqual(2);
      expect(reports.every((r) => r.pruned === undefined)).toBe(true);
      expect(await exists(recentFinished)).toBe(true);

      // The guard's expiry, as Redis would apply it an hour later: the next tick prunes again.
      await connections[0]!.del(retentionGuardKey(keyPrefix));
      reports.length = 0;
      await Promise.all(replicas.map((r) => r.tick()));
      expect(reports.filter((r) => r.pruned !== undefined).map((r) => r.pruned)).toEqual([1]);
      expect(await exists(recentFinished)).toBe(false);
      expect(await exists(oldActive)).toBe(true);
    } finally {
      await creator.close();
    }
  });

  it('runs a backfill through later ticks within maxActiveRuns, retrying failed intervals and reprocessing with .rN ids', async () => {
    const pipeline = await define('daily', { cron: '0 0 * * *', catchup: false, start: '2030-01-01T00:00:00Z', maxActiveRuns: 1 });
    const day = (d: number) => new Date(Date.UTC(2026, 0, d));
    const interval = (d: number) => ({ start: day(d), end: day(d + 1) });
    const now = new Date('2026-02-01T00:00:00Z');
    await orchestrator.createRun({ pipeline, trigger: 'schedule', interval: interval(2), runId: scheduledRunId('daily', day(2)) });
    await orchestrator.cancelRun(scheduledRunId('daily', day(2)));
    const failing = scheduledRunId('daily', day(3));
    await orchestrator.createRun({ pipeline, trigger: 'schedule', interval: interval(3), runId: failing });
    await orchestrator.failPhase(failing, 'main', 'extract-transform', new Error('source unreachable'), { final: true });
    await orchestrator.completePhase(failing, 'main', 'cleanup', {});
    expect((await store.get(failing))?.state).toBe('failed');

    const result = await backfill({ redis: connect(), keyPrefix, pipeline, from: day(1), to: day(5), reprocess: 'failed', now });
    expect(result.queued.map((e) => [e.runId, e.action])).toEqual([
      [scheduledRunId('daily', day(1)), 'create'],
      [failing, 'retry'],
      [scheduledRunId('daily', day(4)), 'create'],
    ]);
    expect(result.skipped.map((s) => [s.runId, s.reason])).toEqual([[scheduledRunId('daily', day(2)), 'not-failed']]);

    const reports: TickReport[] = [];
    const scheduler = start({ tickMs: 3_600_000, now: () => now, onTick: (report) => void reports.push(report) });
    const acted = () => reports.flatMap((r) => r.pipelines.flatMap((p) => [...p.created, ...p.retried]));
    for (let i = 0; i < 10 && acted().length < 3; i++) {
      await scheduler.tick();
      expect(await store.activeCount('daily')).toBeLessThanOrEqual(1);
      for (const runId of await store.activeRunIds('daily')) await orchestrator.cancelRun(runId);
    }
    expect(reports.every((r) => r.pipelines.every((p) => p.created.length + p.retried.length <= 1))).toBe(true);
    expect(acted()).toEqual([scheduledRunId('daily', day(1)), failing, scheduledRunId('daily', day(4))]);
    expect((await store.get(scheduledRunId('daily', day(1))))?.trigger).toBe('backfill');
    expect(await new BackfillQueue(connections[0]!, keyPrefix).count('daily')).toBe(0);

    const again = await backfill({ redis: connect(), keyPrefix, pipeline, from: day(1), to: day(3), reprocess: 'all', now });
    expect(again.queued.map((e) => e.runId)).toEqual([`${scheduledRunId('daily', day(1))}.r1`, `${scheduledRunId('daily', day(2))}.r1`]);
    await scheduler.tick();
    expect(await store.activeRunIds('daily')).toEqual([`${scheduledRunId('daily', day(1))}.r1`]);
  });

  it('reports itself healthy while ticks end, stalled when one hangs, and stopped', async () => {
    await define('hourly', { cron: '0 * * * *', catchup: false, maxActiveRuns: 1 });
    const healthy = start({ tickMs: 3_600_000, now: () => new Date() });
    await healthy.tick();
    expect(healthy.health()).toMatchObject({ status: 'ok', lastTickAt: expect.any(String) });

    // A Redis that takes the connection and never answers: the first tick waits forever.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hung = new Redis({ port: (silent.address() as AddressInfo).port, host: '127.0.0.1', maxRetriesPerRequest: null, enableReadyCheck: false });
    const scheduler = startScheduler({ config: { pipelinesDir: dir }, redis: hung, keyPrefix, logger, tickMs: 3_600_000, stallAfterMs: 200 });
    try {
      expect(scheduler.health().status).toBe('ok');
      await expect.poll(() => scheduler.health().status, { timeout: 5_000 }).toBe('stalled');
      expect(scheduler.health().lastTickAt).toBeUndefined();
    } finally {
      // Closing the connection fails the hung tick, which lets the scheduler stop.
      hung.disconnect();
      await scheduler.stop();
      silent.close();
    }
    expect(scheduler.health().status).toBe('stopped');
  });
});
