import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisTestContext, type RedisTestContext } from '../testing/redis-test-context.js';
import { testPipeline } from '../testing/test-pipeline.js';
import type { PhaseStateEvent, RunStateEvent } from './run-event.js';
import { RunEventLog } from './run-event-log.js';

describe('run events and state counts', () => {
  let ctx: RedisTestContext;
  let log: RunEventLog;
  beforeEach(async () => {
    ctx = await createRedisTestContext();
    log = new RunEventLog(ctx.redis, ctx.keyPrefix);
  });
  afterEach(async () => ctx.teardown());

  it('writes one event per state change, in order, with the counts kept in step', async () => {
    const { orchestrator } = ctx;
    const run = await orchestrator.createRun({ pipeline: testPipeline(), trigger: 'manual', runId: 'orders.manual.e1' });
    const first = run.phases.find((p) => p.state === 'queued')!;
    await orchestrator.markRunning(run.runId, first.loadId, first.phase, { worker: 'w1', attempt: 1 });
    // The worker died: another one starts a new attempt of the same running phase.
    await orchestrator.markRunning(run.runId, first.loadId, first.phase, { worker: 'w2', attempt: 2 });
    await orchestrator.failPhase(run.runId, first.loadId, first.phase, Object.assign(new Error('boom'), { code: 'E_TEST' }), { final: true });
    await orchestrator.cancelRun(run.runId);

    const events = (await log.read('0-0')).map((e) => e.event);
    const runEvents = events.filter((e): e is RunStateEvent => e.type === 'run').map((e) => [e.from, e.to]);
    expect(runEvents).toEqual([
      [null, 'queued'],
      ['queued', 'running'],
      // The failed phase's cleanup is still to run: the run stays running until it is cancelled.
      ['running', 'cancelled'],
    ]);
    const mine = events.filter((e): e is PhaseStateEvent => e.type === 'phase' && e.loadId === first.loadId && e.phase === first.phase);
    expect(mine.map((e) => [e.from, e.to, e.attempts, e.restarted ?? false])).toEqual([
      ['queued', 'running', 1, false],
      ['running', 'running', 2, true],
      ['running', 'failed', 2, false],
    ]);
    expect(mine[1]).toMatchObject({ worker: 'w2', previousWorker: 'w1' });
    expect(mine[2]!.error).toEqual({ code: 'E_TEST', message: 'boom' });

    expect(await orchestrator.store.countsByState()).toEqual([{ pipelineId: 'orders', state: 'cancelled', count: 1 }]);
    await orchestrator.createRun({ pipeline: testPipeline(), trigger: 'manual', runId: 'orders.manual.e2' });
    const counts = await orchestrator.store.countsByState();
    expect(counts.sort((a, b) => a.state.localeCompare(b.state))).toEqual([
      { pipelineId: 'orders', state: 'cancelled', count: 1 },
      { pipelineId: 'orders', state: 'queued', count: 1 },
    ]);
    expect(await orchestrator.store.prune(new Date(Date.now() + 60_000))).toBe(1);
    expect(await orchestrator.store.countsByState()).toEqual([{ pipelineId: 'orders', state: 'queued', count: 1 }]);
  });

  it('delivers each event to one consumer of a group, and hands unacknowledged ones over', async () => {
    await log.ensureGroup('alerts', '0-0');
    await log.ensureGroup('alerts', '0-0');
    await ctx.orchestrator.createRun({ pipeline: testPipeline(), trigger: 'manual', runId: 'orders.manual.g1' });
    const a = await log.readGroup('alerts', 'a');
    expect(a.map((e) => e.event.type)).toEqual(['run']);
    expect(await log.readGroup('alerts', 'b')).toEqual([]);
    // Consumer a died before acknowledging: b takes the event over.
    const claimed = await log.claimStale('alerts', 'b', 0);
    expect(claimed.map((e) => e.id)).toEqual(a.map((e) => e.id));
    await log.ack('alerts', claimed.map((e) => e.id));
    expect(await log.claimStale('alerts', 'b', 0)).toEqual([]);
  });

  it('blocks until the next event when reading from the newest id', async () => {
    const reader = ctx.redis.duplicate();
    try {
      const from = await log.lastId();
      const pending = new RunEventLog(reader, ctx.keyPrefix).read(from, { blockMs: 5_000 });
      await ctx.orchestrator.createRun({ pipeline: testPipeline(), trigger: 'manual', runId: 'orders.manual.b1' });
      const events = await pending;
      expect(events.map((e) => e.event)).toMatchObject([{ type: 'run', runId: 'orders.manual.b1', to: 'queued' }]);
    } finally {
      reader.disconnect();
    }
  });
});
