import { createLogger, PipelineSchema, scheduledRunId, type PipelineDefinition } from '@pipeline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdmissionBusyError } from './errors/admission-busy-error.js';
import { PhaseTransitionError } from './errors/phase-transition-error.js';
import { Orchestrator } from './orchestrator.js';
import { SCHEDULE_MAX_ACTIVE_FIELD } from './store/run-store.js';
import { createRedisTestContext, type RedisTestContext } from './testing/redis-test-context.js';
import { testPipeline } from './testing/test-pipeline.js';

/** The test pipeline (loads a → b, and e) on an hourly schedule allowing `maxActiveRuns` runs at once. */
function scheduled(maxActiveRuns: number): PipelineDefinition {
  const { id, loads } = testPipeline();
  return PipelineSchema.parse({ id, schedule: { cron: '0 * * * *', maxActiveRuns }, loads });
}

const INTERVAL = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T01:00:00Z') };

async function jobIds(orchestrator: Orchestrator): Promise<string[]> {
  const jobs = [...(await orchestrator.queue('spark').getJobs(['waiting', 'delayed', 'active'])), ...(await orchestrator.queue('sql').getJobs(['waiting', 'delayed', 'active']))];
  return jobs.map((j) => j.id as string).sort();
}

describe('manual runs within maxActiveRuns', () => {
  let ctx: RedisTestContext;
  let orchestrator: Orchestrator;
  const trigger = (pipeline: PipelineDefinition) => orchestrator.triggerRun({ pipeline, trigger: 'manual', interval: null });
  /** Runs every phase of the run to success, as workers would (through `by`, another process's orchestrator, when given). */
  const finish = async (runId: string, by: Orchestrator = orchestrator) => {
    for (;;) {
      const record = await by.store.require(runId);
      const queued = record.phases.filter((p) => p.state === 'queued');
      if (queued.length === 0) return record;
      for (const p of queued) {
        await by.markRunning(runId, p.loadId, p.phase, { worker: 'w', attempt: 1, generation: p.generation });
        await by.completePhase(runId, p.loadId, p.phase, {}, { generation: p.generation });
      }
    }
  };
  /** An orchestrator of another process (a worker, the CLI), silent, waiting `admissionWaitMs` for the admission lock. */
  const otherProcess = (admissionWaitMs?: number) =>
    new Orchestrator({ redis: ctx.redis, keyPrefix: ctx.keyPrefix, logger: createLogger({ level: 'silent' }), ...(admissionWaitMs === undefined ? {} : { admissionWaitMs }) });
  const firstJobs = async (runId: string) => (await jobIds(orchestrator)).filter((j) => j.startsWith(runId));
  /** Cancels the run and waits for the admission its end started: the runs still held after. */
  const heldAfterCancel = async (runId: string) => {
    await orchestrator.cancelRun(runId);
    await orchestrator.admissionsSettled();
    return orchestrator.store.heldRunIds('orders');
  };

  beforeEach(async () => {
    ctx = await createRedisTestContext();
    orchestrator = ctx.orchestrator;
  });
  afterEach(async () => ctx.teardown());

  it('starts a manual run at once while a run slot is free, and holds the next one with no job, no slot taken and the reason given', async () => {
    const pipeline = scheduled(1);
    const first = await trigger(pipeline);
    expect(first.held).toBeUndefined();
    expect(first.record.held).toBeUndefined();
    expect(await orchestrator.store.activeCount('orders')).toBe(1);

    const second = await trigger(pipeline);
    expect(second.held).toEqual({ active: 1, maxActiveRuns: 1, ahead: 0 });
    const stored = await orchestrator.store.require(second.record.runId);
    expect(stored).toMatchObject({ state: 'queued', held: true });
    expect(stored.phases.every((p) => p.state === 'pending')).toBe(true);
    expect(await orchestrator.store.activeCount('orders')).toBe(1);
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([second.record.runId]);
    expect((await jobIds(orchestrator)).filter((j) => j.startsWith(second.record.runId))).toEqual([]);
  });

  it('admits the oldest held runs the moment a run ends, in the process that ended it, with no scheduler and within the limit', async () => {
    const pipeline = scheduled(2);
    const [a, b] = [(await trigger(pipeline)).record.runId, (await trigger(pipeline)).record.runId];
    const [c, d, e] = [(await trigger(pipeline)).record.runId, (await trigger(pipeline)).record.runId, (await trigger(pipeline)).record.runId];
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([c, d, e]);

    // A worker's hand-off ends run a: the run held first takes its slot.
    const worker = otherProcess();
    await finish(a, worker);
    await worker.admissionsSettled();
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([d, e]);
    expect(await orchestrator.store.require(c)).toMatchObject({ state: 'queued' });
    expect((await orchestrator.store.require(c)).held).toBeUndefined();
    expect(await firstJobs(c)).toHaveLength(2);
    expect((await orchestrator.store.activeRunIds('orders')).sort()).toEqual([b, c].sort());

    // A cancel frees a slot too; cancelling a held run frees none.
    expect(await heldAfterCancel(e)).toEqual([d]);
    expect(await heldAfterCancel(b)).toEqual([]);
    expect(await firstJobs(d)).toHaveLength(2);
    expect((await orchestrator.store.activeRunIds('orders')).sort()).toEqual([c, d].sort());
    await worker.close();
  });

  it("admits within the limit in force, as the scheduler last read the definition, over the one a run was held under", async () => {
    const inForce = (limit: number) => ctx.redis.hset(orchestrator.store.keys.sched('orders'), SCHEDULE_MAX_ACTIVE_FIELD, String(limit));
    // Held under 1; the definition now allows 3: a run's end lets both held runs in.
    const one = scheduled(1);
    const first = (await trigger(one)).record.runId;
    const held = [(await trigger(one)).record.runId, (await trigger(one)).record.runId];
    await inForce(3);
    expect(await heldAfterCancel(first)).toEqual([]);
    expect((await orchestrator.store.activeRunIds('orders')).sort()).toEqual([...held].sort());
    // Held under 3; the definition now allows 1: a run's end, two still active, lets none in.
    const three = scheduled(3);
    const third = (await trigger(three)).record.runId;
    const waiting = (await trigger(three)).record.runId;
    await inForce(1);
    expect(await heldAfterCancel(third)).toEqual([waiting]);
  });

  it('leaves held runs to the next admission when a run ends while the admission lock stays taken, and holds new runs behind them', async () => {
    const pipeline = scheduled(1);
    const first = (await trigger(pipeline)).record.runId;
    const second = (await trigger(pipeline)).record.runId;
    const lock = orchestrator.store.keys.admissionLock('orders');
    await ctx.redis.set(lock, 'a-stalled-scheduler-tick', 'PX', 60_000);
    const worker = otherProcess(100);
    await finish(first, worker);
    await worker.admissionsSettled();
    expect(await orchestrator.store.activeCount('orders')).toBe(0);
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([second]);
    await ctx.redis.del(lock);

    // An entry whose run is gone (pruned) is dropped on the way and takes no slot.
    await ctx.redis.zadd(orchestrator.store.keys.held('orders'), 0, 'orders.manual.20250101t000000z.000000');
    expect(await orchestrator.admitWaiting('orders')).toEqual([second]);
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([]);
    expect(await orchestrator.admitWaiting('orders')).toEqual([]);
    await worker.close();
  });

  it('gives a slot left free to the run held first when the next run is held', async () => {
    // The run holding the slot is gone from the active set without admitting anyone (a process
    // that stopped before its admission): the next run held behind the waiting one lets it in.
    const pipeline = scheduled(1);
    const first = (await trigger(pipeline)).record.runId;
    const second = (await trigger(pipeline)).record.runId;
    await ctx.redis.srem(orchestrator.store.keys.active('orders'), first);
    const third = await trigger(pipeline);
    expect(third.held).toEqual({ active: 0, maxActiveRuns: 1, ahead: 1 });
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([third.record.runId]);
    expect(await firstJobs(second)).toHaveLength(2);
  });

  it('starts a run held just as the run holding the last slot ended, which found nothing held to admit', async () => {
    let race: (() => void) | undefined;
    // The clock is read as the held run is built, after the trigger counted the active runs:
    // the race is run there, on the same connection, so it reaches Redis before the hold.
    const racing = new Orchestrator({
      redis: ctx.redis,
      keyPrefix: ctx.keyPrefix,
      logger: createLogger({ level: 'silent' }),
      now: () => {
        race?.();
        race = undefined;
        return new Date();
      },
    });
    const pipeline = scheduled(1);
    const first = (await racing.triggerRun({ pipeline, trigger: 'manual', interval: null })).record.runId;
    race = () => void ctx.redis.srem(racing.store.keys.active('orders'), first);
    const second = await racing.triggerRun({ pipeline, trigger: 'manual', interval: null });
    expect(race).toBeUndefined();
    expect(second.held).toBeUndefined();
    expect(second.record.held).toBeUndefined();
    expect(await firstJobs(second.record.runId)).toHaveLength(2);
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([]);
    await racing.close();
  });

  it('keeps runs held in the same millisecond in the order they were held', async () => {
    const frozen = new Orchestrator({ redis: ctx.redis, keyPrefix: ctx.keyPrefix, logger: createLogger({ level: 'silent' }), now: () => new Date('2026-01-01T00:00:00Z') });
    const pipeline = scheduled(1);
    await frozen.triggerRun({ pipeline, trigger: 'manual', interval: null });
    const held: string[] = [];
    for (let i = 0; i < 8; i++) held.push((await frozen.triggerRun({ pipeline, trigger: 'manual', interval: null })).record.runId);
    expect(await frozen.store.heldRunIds('orders')).toEqual(held);
    await frozen.close();
  });

  it('admits held runs in the order given: ready, first jobs added, counted active, off the held index', async () => {
    const pipeline = scheduled(1);
    await trigger(pipeline);
    const held = await trigger(pipeline);
    expect(await orchestrator.admitHeld('orders', [held.record.runId])).toEqual([held.record.runId]);
    const admitted = await orchestrator.store.require(held.record.runId);
    expect(admitted.held).toBeUndefined();
    expect(admitted.phases.filter((p) => p.state === 'queued').map((p) => `${p.loadId}/${p.phase}`)).toEqual(['a/extract-transform', 'e/extract-transform']);
    expect((await jobIds(orchestrator)).filter((j) => j.startsWith(held.record.runId))).toHaveLength(2);
    expect(await orchestrator.store.activeCount('orders')).toBe(2);
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([]);
    // Admitting again only adds its queued jobs again (what a tick does after a crash in between).
    await orchestrator.queue('spark').obliterate({ force: true });
    await ctx.redis.zadd(orchestrator.store.keys.held('orders'), Date.now(), held.record.runId);
    expect(await orchestrator.admitHeld('orders', [held.record.runId])).toEqual([]);
    expect((await jobIds(orchestrator)).filter((j) => j.startsWith(held.record.runId))).toHaveLength(2);
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([]);
  });

  it('never lets a job start a phase of a held run', async () => {
    const pipeline = scheduled(1);
    await trigger(pipeline);
    const held = await trigger(pipeline);
    const error = await orchestrator.markRunning(held.record.runId, 'a', 'extract-transform', { worker: 'w', attempt: 1, generation: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhaseTransitionError);
    expect(error).toMatchObject({ code: 'E_PHASE_NOT_QUEUED', message: expect.stringContaining('held for a run slot') });
    expect((await orchestrator.store.require(held.record.runId)).phases.every((p) => p.state === 'pending')).toBe(true);
  });

  it('cancels a held run: off the held index, no job added, and admitting it later does nothing', async () => {
    const pipeline = scheduled(1);
    await trigger(pipeline);
    const held = await trigger(pipeline);
    const cancelled = await orchestrator.cancelRun(held.record.runId);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.held).toBeUndefined();
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([]);
    expect(await orchestrator.admitHeld('orders', [held.record.runId])).toEqual([]);
    expect((await jobIds(orchestrator)).filter((j) => j.startsWith(held.record.runId))).toEqual([]);
    expect(await orchestrator.store.activeCount('orders')).toBe(1);
  });

  it('gives the last slot to exactly one of 12 concurrent triggers, scheduled runs counted alike', async () => {
    const pipeline = scheduled(2);
    await orchestrator.createRun({ pipeline, trigger: 'schedule', interval: INTERVAL, runId: scheduledRunId('orders', INTERVAL.start) });
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => trigger(pipeline)));
    expect(outcomes.filter((o) => !o.held)).toHaveLength(1);
    expect(await orchestrator.store.activeCount('orders')).toBe(2);
    expect(await orchestrator.store.heldRunIds('orders')).toHaveLength(11);
    expect(await ctx.redis.exists(orchestrator.store.keys.admissionLock('orders'))).toBe(0);
  });

  it('retries a failed run at once while a slot is free, else holds it behind the runs held before it, and admits it later', async () => {
    const pipeline = scheduled(1);
    const failRun = async (runId: string) => {
      await orchestrator.markRunning(runId, 'a', 'extract-transform', { worker: 'w', attempt: 1, generation: 0 });
      await orchestrator.failPhase(runId, 'a', 'extract-transform', new Error('boom'), { final: true, generation: 0 });
      await finish(runId);
      expect((await orchestrator.store.require(runId)).state).toBe('failed');
    };
    const failed = (await trigger(pipeline)).record.runId;
    await failRun(failed);
    const retried = await orchestrator.triggerRetry(failed);
    expect(retried.held).toBeUndefined();
    expect(retried.record.phases.find((p) => p.loadId === 'a' && p.phase === 'extract-transform')).toMatchObject({ state: 'queued', generation: 1 });
    await orchestrator.cancelRun(failed);

    const other = (await trigger(pipeline)).record.runId;
    await failRun(other);
    const busy = (await trigger(pipeline)).record.runId;
    const waiting = (await trigger(pipeline)).record.runId;
    const held = await orchestrator.triggerRetry(other);
    expect(held.held).toEqual({ active: 1, maxActiveRuns: 1, ahead: 1 });
    const stored = await orchestrator.store.require(other);
    expect(stored).toMatchObject({ state: 'queued', held: true });
    expect(stored.phases.find((p) => p.loadId === 'a' && p.phase === 'extract-transform')).toMatchObject({ state: 'pending', generation: 1 });
    expect(stored.phases.some((p) => p.state === 'queued')).toBe(false);
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([waiting, other]);
    expect(await orchestrator.store.activeCount('orders')).toBe(1);
    expect(await jobIds(orchestrator)).not.toContain(`${other}__a__extract-transform__g1`);

    // Each run that ends admits the next held one: busy lets waiting in, waiting lets the retry in.
    expect(await heldAfterCancel(busy)).toEqual([other]);
    expect(await heldAfterCancel(waiting)).toEqual([]);
    expect(await jobIds(orchestrator)).toContain(`${other}__a__extract-transform__g1`);
    // Two retries of one run at once: one is held, the other refused, and the run stays held.
    await orchestrator.cancelRun(other);
    const blocker = (await trigger(pipeline)).record.runId;
    const both = await Promise.allSettled([orchestrator.triggerRetry(other), orchestrator.triggerRetry(other)]);
    expect(both.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(both.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'E_RUN_STATE' } });
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([other]);
    expect(await heldAfterCancel(blocker)).toEqual([]);
    expect((await orchestrator.store.require(other)).held).toBeUndefined();
    // A run that has not failed is refused before anything is held.
    const error = await orchestrator.triggerRetry(other).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_RUN_STATE' });
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([]);
  });

  it('starts every manual run of a pipeline without a schedule at once, and waits out a busy admission lock with a clear error', async () => {
    const unscheduled = testPipeline();
    const runs = await Promise.all([trigger(unscheduled), trigger(unscheduled)]);
    expect(runs.every((r) => !r.held)).toBe(true);
    expect(await orchestrator.store.activeCount('orders')).toBe(2);

    const impatient = new Orchestrator({ redis: ctx.redis, keyPrefix: ctx.keyPrefix, logger: createLogger({ level: 'silent' }), admissionWaitMs: 100 });
    await ctx.redis.set(orchestrator.store.keys.admissionLock('orders'), 'a-scheduler-tick', 'PX', 60_000);
    const error = await impatient.triggerRun({ pipeline: scheduled(5), trigger: 'manual', interval: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdmissionBusyError);
    expect((error as Error).message).toMatch(/busy starting other runs.*nothing was created/);
    expect(await orchestrator.store.activeCount('orders')).toBe(2);
    expect(await orchestrator.store.heldRunIds('orders')).toEqual([]);
    await impatient.close();
  });
});
