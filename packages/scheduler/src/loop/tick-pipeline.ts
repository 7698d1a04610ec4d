import { withLogScope, type Logger, type PipelineDefinition } from '@pipeline/core';
import { backfillKey, encodePendingBackfill, SCHEDULE_LAST_END_FIELD, type BackfillQueue, type Orchestrator } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import type { SchedulerMetrics } from '../metrics/scheduler-metrics.js';
import { dueIntervals } from '../plan/due-intervals.js';
import { planTick, type PlannedRun } from '../plan/plan-tick.js';
import { tickLockSteps, withLeaseLock } from './pipeline-lock.js';
import { schedulerKeys } from './scheduler-keys.js';


/** What one tick did for one pipeline. */
export interface PipelineTickResult {
  pipelineId: string;
  /** `ticked`: planned and acted; `paused`; `busy`: another replica held the pipeline's lock. */
  status: 'ticked' | 'paused' | 'busy';
  /** Runs this tick created, oldest first (not those it found created under the same id). */
  created: string[];
  /** Failed runs a backfill asked to retry, retried by this tick. */
  retried: string[];
}

export interface TickContext {
  redis: Redis;
  keyPrefix: string;
  orchestrator: Orchestrator;
  backfills: BackfillQueue;
  logger: Logger;
  leaseMs: number;
  metrics?: SchedulerMetrics;
}

async function act(ctx: TickContext, pipeline: PipelineDefinition, run: PlannedRun, result: PipelineTickResult, logger: Logger): Promise<void> {
  if (run.action === 'create') {
    const { created } = await ctx.orchestrator.createOrGetRun({ pipeline, trigger: run.trigger, interval: run.interval, runId: run.runId });
    if (created) {
      result.created.push(run.runId);
      ctx.metrics?.runCreated(pipeline.id, run.trigger);
    }
  } else {
    const existing = await ctx.orchestrator.store.get(run.runId);
    if (existing?.state === 'failed') {
      await ctx.orchestrator.retryRun(run.runId);
      result.retried.push(run.runId);
      logger.info({ runId: run.runId }, 'failed run retried for a backfill');
    } else {
      logger.info({ runId: run.runId, state: existing?.state ?? 'missing' }, 'backfill retry dropped: the run is no longer failed');
    }
  }
  if (run.pending) await ctx.backfills.remove(pipeline.id, encodePendingBackfill(run.pending));
}

/** What the tick read for every pipeline at once, before taking any lock. */
export interface PipelineSnapshot {
  paused: boolean;
  lastEnd?: Date;
  /** Waiting backfill entries. */
  backfills: number;
}

/**
 * Reads, in one round trip, what tells whether a pipeline has anything to do this tick: paused
 * pipelines, how far each series got and how many backfill entries wait. Most ticks find most
 * pipelines with nothing due, and those then cost nothing more.
 */
export async function snapshotPipelines(ctx: TickContext, pipelineIds: readonly string[]): Promise<Map<string, PipelineSnapshot>> {
  const { store } = ctx.orchestrator;
  const batch = ctx.redis.pipeline();
  batch.smembers(store.keys.paused);
  for (const id of pipelineIds) {
    batch.hget(store.keys.sched(id), SCHEDULE_LAST_END_FIELD);
    batch.zcard(backfillKey(ctx.keyPrefix, id));
  }
  const replies = (await batch.exec()) ?? [];
  const value = (i: number): unknown => {
    const [err, reply] = replies[i] ?? [new Error('no reply')];
    if (err) throw err;
    return reply;
  };
  const paused = new Set(value(0) as string[]);
  const out = new Map<string, PipelineSnapshot>();
  pipelineIds.forEach((id, i) => {
    const lastEnd = parseInstant(value(1 + 2 * i) as string | null);
    out.set(id, { paused: paused.has(id), backfills: Number(value(2 + 2 * i)), ...(lastEnd ? { lastEnd } : {}) });
  });
  return out;
}

function parseInstant(text: string | null): Date | undefined {
  const parsed = text === null ? Number.NaN : Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}

/**
 * One tick for one scheduled pipeline: under the pipeline's lease lock, read how far the series
 * got, how many runs are active and which backfill intervals wait, then create what fits. With a
 * snapshot, a paused pipeline, or one with no due interval and no waiting backfill, is passed
 * over without a lock; what the lock then guards is read again under it.
 */
export async function tickPipeline(ctx: TickContext, pipeline: PipelineDefinition, now: Date, snapshot?: PipelineSnapshot): Promise<PipelineTickResult> {
  const result: PipelineTickResult = { pipelineId: pipeline.id, status: 'ticked', created: [], retried: [] };
  const schedule = pipeline.schedule;
  if (!schedule) return result;
  const { store } = ctx.orchestrator;
  if (snapshot ? snapshot.paused : await store.isPaused(pipeline.id)) return { ...result, status: 'paused' };
  if (snapshot && snapshot.backfills === 0 && dueIntervals({ schedule, lastEnd: snapshot.lastEnd, now, limit: 1 }).length === 0) return result;
  const logger = withLogScope(ctx.logger, { pipelineId: pipeline.id });
  let advancedTo: string | undefined;
  const steps = tickLockSteps(
    ctx.redis,
    { lock: schedulerKeys(ctx.keyPrefix, pipeline.id).lock, sched: store.keys.sched(pipeline.id), active: store.keys.active(pipeline.id) },
    ctx.leaseMs,
    SCHEDULE_LAST_END_FIELD,
    () => advancedTo,
  );
  const done = await withLeaseLock(steps, async (read) => {
    const lastEnd = parseInstant(read.lastEnd);
    const { activeCount } = read;
    const free = Math.max(0, schedule.maxActiveRuns - activeCount);
    const stored = snapshot?.backfills === 0 ? [] : await ctx.backfills.peek(pipeline.id, free);
    for (const { raw, entry } of stored) {
      if (entry) continue;
      logger.warn({ entry: raw }, 'dropping a stored backfill entry that cannot be read');
      await ctx.backfills.remove(pipeline.id, raw);
    }
    const pendingBackfill = stored.flatMap((s) => (s.entry ? [s.entry] : []));
    const plan = planTick({ pipelineId: pipeline.id, schedule, lastEnd, activeCount, now, pendingBackfill });
    for (const run of plan.runs) {
      await act(ctx, pipeline, run, result, logger);
      // Recorded when the lock is given back: a crash before that replans the same run ids.
      if (run.advancesSchedule) advancedTo = run.interval.end.toISOString();
    }
    return true;
  });
  return done ? result : { ...result, status: 'busy' };
}
