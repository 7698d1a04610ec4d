import { once } from 'node:events';
import { PipelineSchema, scheduledRunId } from '@pipeline/core';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhaseTransitionError } from './errors/phase-transition-error.js';
import { RunStateError } from './errors/run-state-error.js';
import type { Orchestrator } from './orchestrator.js';
import { cancelChannel } from './queues/queue-names.js';
import { createRedisTestContext, REDIS_URL, type RedisTestContext } from './testing/redis-test-context.js';
import { testPipeline } from './testing/test-pipeline.js';

const INTERVAL = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-02T00:00:00Z') };
const RUN_ID = scheduledRunId('orders', INTERVAL.start);

async function jobIds(orchestrator: Orchestrator): Promise<string[]> {
  const jobs = [
    ...(await orchestrator.queue('spark').getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])),
    ...(await orchestrator.queue('sql').getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])),
  ];
  return jobs.map((j) => j.id as string).sort();
}

const id = (loadId: string, phase: string, generation = 0) => `${RUN_ID}__${loadId}__${phase}__g${generation}`;

describe('Orchestrator', () => {
  let ctx: RedisTestContext;
  let orchestrator: Orchestrator;
  const create = () => orchestrator.createRun({ pipeline: testPipeline(), trigger: 'schedule', interval: INTERVAL, runId: RUN_ID });
  /** Completes phases one after another, as the workers would. */
  const complete = async (loadId: string, phases: string[]) => {
    for (const phase of phases) await orchestrator.completePhase(RUN_ID, loadId, phase as never, { phase });
  };

  beforeEach(async () => {
    ctx = await createRedisTestContext();
    orchestrator = ctx.orchestrator;
  });
  afterEach(async () => ctx.teardown());

  it('creates many runs in one call, in order, returning the ones that existed as stored and enqueueing every first phase', async () => {
    const day = (n: number) => ({ start: new Date(Date.UTC(2026, 0, n)), end: new Date(Date.UTC(2026, 0, n + 1)) });
    const existing = await create();
    await complete('a', ['extract-transform']);
    // A cold Redis: the create script is loaded by the batch itself.
    await ctx.redis.script('FLUSH');
    const requests = [2, 1, 3].map((n) => ({ pipeline: testPipeline(), trigger: 'schedule' as const, interval: day(n), runId: scheduledRunId('orders', day(n).start) }));
    const outcomes = await orchestrator.createOrGetRuns(requests);
    expect(outcomes.map((o) => [o.record.runId, o.created])).toEqual([
      [scheduledRunId('orders', day(2).start), true],
      [RUN_ID, false],
      [scheduledRunId('orders', day(3).start), true],
    ]);
    expect(outcomes[1]!.record.createdAt).toBe(existing.createdAt);
    expect(outcomes[1]!.record.phases.find((p) => p.loadId === 'a' && p.phase === 'extract-transform')?.state).toBe('success');
    const ids = await jobIds(orchestrator);
    for (const n of [2, 3]) {
      const runId = scheduledRunId('orders', day(n).start);
      expect(ids).toEqual(expect.arrayContaining([`${runId}__a__extract-transform__g0`, `${runId}__e__extract-transform__g0`]));
    }
    // The existing run's queued phases are added again (no-ops for jobs that exist).
    expect(ids.filter((j) => j.startsWith(RUN_ID))).toEqual([id('a', 'extract-transform'), id('a', 'stage'), id('e', 'extract-transform')]);
    expect(await orchestrator.createOrGetRuns([])).toEqual([]);
  });

  it('creates a scheduled run exactly once under 20 concurrent createRun calls', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => orchestrator.createOrGetRun({ pipeline: testPipeline(), trigger: 'schedule', interval: INTERVAL, runId: RUN_ID })),
    );
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.record.createdAt)).size).toBe(1);
    expect(await ctx.redis.zcard(orchestrator.store.keys.runs('orders'))).toBe(1);
    expect(await jobIds(orchestrator)).toEqual([id('a', 'extract-transform'), id('e', 'extract-transform')]);
    expect(await orchestrator.queue('spark').count()).toBe(2);
    const stored = await orchestrator.store.require(RUN_ID);
    expect(stored).toMatchObject({ state: 'queued', trigger: 'schedule', intervalStart: INTERVAL.start.toISOString(), transformPaths: { a: null, b: null, e: null } });
    expect(stored.phases.filter((p) => p.state === 'queued').map((p) => `${p.loadId}/${p.phase}`)).toEqual(['a/extract-transform', 'e/extract-transform']);
    expect(await orchestrator.store.activeCount('orders')).toBe(1);
  });

  it("enqueues a load's phases with its own retries, the other loads with the kind's", async () => {
    const pipeline = testPipeline();
    const withRetries = PipelineSchema.parse({
      ...pipeline,
      loads: pipeline.loads.map((l) => (l.id === 'a' ? { ...l, retries: { attempts: 9, backoff: '30s' } } : l)),
    });
    await orchestrator.createRun({ pipeline: withRetries, trigger: 'schedule', interval: INTERVAL, runId: RUN_ID });
    await orchestrator.completePhase(RUN_ID, 'a', 'extract-transform', {});
    const opts = async (kind: 'spark' | 'sql', jobId: string) => (await orchestrator.queue(kind).getJob(jobId))?.opts;
    expect(await opts('spark', id('e', 'extract-transform'))).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 5000, jitter: 0.5 } });
    expect(await opts('sql', id('a', 'stage'))).toMatchObject({ attempts: 9, backoff: { type: 'exponential', delay: 30_000, jitter: 0.5 } });
  });

  it('gives a manual run a fresh id', async () => {
    const run = await orchestrator.createRun({ pipeline: testPipeline(), trigger: 'manual', interval: null, params: { day: 'x' } });
    expect(run.runId).toMatch(/^orders\.manual\./);
    expect(run).toMatchObject({ intervalStart: null, params: { day: 'x' } });
  });

  it('completePhase enqueues the downstream phase, and again is a no-op', async () => {
    await create();
    const first = await orchestrator.completePhase(RUN_ID, 'a', 'extract-transform', { rows: 3 });
    expect(first.phases.find((p) => p.loadId === 'a' && p.phase === 'stage')?.state).toBe('queued');
    expect(await jobIds(orchestrator)).toContain(id('a', 'stage'));
    const again = await orchestrator.completePhase(RUN_ID, 'a', 'extract-transform', { rows: 999 });
    expect(again.version).toBe(first.version);
    expect(again.phases.find((p) => p.loadId === 'a' && p.phase === 'extract-transform')?.result).toEqual({ rows: 3 });
    expect(await orchestrator.queue('sql').count()).toBe(1);
  });

  it('re-adds the job of a queued phase when the hand-off is repeated, should it have been lost', async () => {
    await create();
    await orchestrator.completePhase(RUN_ID, 'a', 'extract-transform', {});
    await orchestrator.queue('sql').remove(id('a', 'stage'));
    expect(await jobIds(orchestrator)).not.toContain(id('a', 'stage'));
    await orchestrator.completePhase(RUN_ID, 'a', 'extract-transform', {});
    expect(await jobIds(orchestrator)).toContain(id('a', 'stage'));
  });

  it('starts a dependent load after validate of its upstream, cleanup alongside', async () => {
    await create();
    await complete('a', ['extract-transform', 'stage', 'audit', 'merge']);
    expect(await jobIds(orchestrator)).not.toContain(id('b', 'extract-transform'));
    await complete('a', ['validate']);
    expect(await jobIds(orchestrator)).toEqual(expect.arrayContaining([id('b', 'extract-transform'), id('a', 'cleanup')]));
  });

  it('records running attempts and external ids, and refuses a stale generation', async () => {
    await create();
    await orchestrator.markRunning(RUN_ID, 'a', 'extract-transform', { worker: 'w1', attempt: 1, generation: 0 });
    await orchestrator.setExternalId(RUN_ID, 'a', 'extract-transform', 'local:host:123');
    const run = await orchestrator.store.require(RUN_ID);
    expect(run.state).toBe('running');
    expect(run.phases.find((p) => p.loadId === 'a' && p.phase === 'extract-transform')).toMatchObject({ state: 'running', attempts: 1, worker: 'w1', externalId: 'local:host:123' });
    await expect(orchestrator.markRunning(RUN_ID, 'e', 'extract-transform', { worker: 'w1', attempt: 1, generation: 4 })).rejects.toMatchObject({ code: 'E_PHASE_STALE' });
  });

  it('a final failure enqueues cleanup, marks the rest upstream_failed, and the run fails after cleanup', async () => {
    await create();
    await complete('e', ['extract-transform', 'stage', 'audit', 'merge', 'validate', 'cleanup']);
    await orchestrator.failPhase(RUN_ID, 'a', 'extract-transform', new Error('attempt 1'), { final: false });
    let run = await orchestrator.store.require(RUN_ID);
    expect(run.phases.find((p) => p.loadId === 'a' && p.phase === 'extract-transform')).toMatchObject({ state: 'queued', error: { code: 'E_INTERNAL', message: 'attempt 1' } });
    run = await orchestrator.failPhase(RUN_ID, 'a', 'extract-transform', { code: 'E_SPARK', message: 'job failed' }, { final: true });
    expect(run.phases.filter((p) => p.loadId === 'b').every((p) => p.state === 'upstream_failed')).toBe(true);
    expect(await jobIds(orchestrator)).toContain(id('a', 'cleanup'));
    expect(run.state).toBe('queued');
    await complete('a', ['cleanup']);
    expect((await orchestrator.store.require(RUN_ID)).state).toBe('failed');
    expect(await orchestrator.store.activeCount('orders')).toBe(0);
  });

  it('cancelRun removes waiting jobs, publishes the run id on the cancel channel, and still cleans up started loads', async () => {
    await create();
    await orchestrator.completePhase(RUN_ID, 'a', 'extract-transform', {});
    expect(await jobIds(orchestrator)).toHaveLength(3);
    const subscriber = new Redis(REDIS_URL);
    try {
      await subscriber.subscribe(cancelChannel(ctx.keyPrefix));
      const message = once(subscriber, 'message');
      const run = await orchestrator.cancelRun(RUN_ID);
      const [channel, runId] = await message;
      expect(channel).toBe(cancelChannel(ctx.keyPrefix));
      expect(runId).toBe(RUN_ID);
      expect(run.state).toBe('cancelled');
      // Load a had started: its cleanup still runs and drops whatever staging it made.
      const left = run.phases.filter((p) => p.state !== 'success' && p.state !== 'cancelled');
      expect(left.map((p) => [p.loadId, p.phase, p.state])).toEqual([['a', 'cleanup', 'queued']]);
    } finally {
      subscriber.disconnect();
    }
    // The job of the phase completed by hand above (a worker would have finished it) and a's cleanup.
    expect((await jobIds(orchestrator)).sort()).toEqual([id('a', 'extract-transform'), id('a', 'cleanup')].sort());
    expect(await orchestrator.store.activeCount('orders')).toBe(0);
    await expect(orchestrator.markRunning(RUN_ID, 'a', 'stage', { worker: 'w1', attempt: 1 })).rejects.toBeInstanceOf(PhaseTransitionError);
    const afterCancel = await orchestrator.completePhase(RUN_ID, 'a', 'stage', {});
    expect(afterCancel.state).toBe('cancelled');
    await orchestrator.markRunning(RUN_ID, 'a', 'cleanup', { worker: 'w1', attempt: 1 });
    const cleaned = await orchestrator.completePhase(RUN_ID, 'a', 'cleanup', { keptFiles: '/tmp/x' });
    expect(cleaned.state).toBe('cancelled');
    expect(cleaned.phases.find((p) => p.loadId === 'a' && p.phase === 'cleanup')?.state).toBe('success');
  });

  it('retryRun keeps successes and re-enqueues the failed phase with generation + 1', async () => {
    await create();
    await complete('e', ['extract-transform', 'stage', 'audit', 'merge', 'validate', 'cleanup']);
    await complete('a', ['extract-transform']);
    await orchestrator.failPhase(RUN_ID, 'a', 'stage', { code: 'E_COPY', message: 'copy failed' }, { final: true });
    await complete('a', ['cleanup']);
    expect((await orchestrator.store.require(RUN_ID)).state).toBe('failed');
    await expect(orchestrator.retryRun('orders.manual.none')).rejects.toMatchObject({ code: 'E_RUN_NOT_FOUND' });

    const run = await orchestrator.retryRun(RUN_ID);
    expect(run.state).toBe('queued');
    expect(run.phases.filter((p) => p.loadId === 'e').every((p) => p.state === 'success' && p.generation === 0)).toBe(true);
    expect(run.phases.find((p) => p.loadId === 'a' && p.phase === 'extract-transform')).toMatchObject({ state: 'success', generation: 0 });
    expect(run.phases.find((p) => p.loadId === 'a' && p.phase === 'stage')).toMatchObject({ state: 'queued', generation: 1 });
    expect(run.phases.find((p) => p.loadId === 'b' && p.phase === 'extract-transform')).toMatchObject({ state: 'pending', generation: 1 });
    expect(await jobIds(orchestrator)).toContain(id('a', 'stage', 1));
    expect(await orchestrator.store.activeCount('orders')).toBe(1);
    await expect(orchestrator.retryRun(RUN_ID)).rejects.toBeInstanceOf(RunStateError);
  });
});
