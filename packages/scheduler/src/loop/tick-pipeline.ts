import { withLogScope, type Logger, type PipelineDefinition } from '@pipeline/core';
import type { Orchestrator } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import { encodePendingBackfill } from '../plan/pending-backfill.js';
import { planTick, type PlannedRun } from '../plan/plan-tick.js';
import type { BackfillQueue } from './backfill-queue.js';
import { withLeaseLock } from './pipeline-lock.js';
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
}

async function act(ctx: TickContext, pipeline: PipelineDefinition, run: PlannedRun, result: PipelineTickResult, logger: Logger): Promise<void> {
  if (run.action === 'create') {
    const { created } = await ctx.orchestrator.createOrGetRun({ pipeline, trigger: run.trigger, interval: run.interval, runId: run.runId });
    if (created) result.created.push(run.runId);
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
  // Only once the run exists: a crash before this point replans the same run id next tick.
  if (run.advancesSchedule) await ctx.orchestrator.store.setLastScheduledEnd(pipeline.id, run.interval.end.toISOString());
  if (run.pending) await ctx.backfills.remove(pipeline.id, encodePendingBackfill(run.pending));
}

/**
 * One tick for one scheduled pipeline: under the pipeline's lease lock, read how far the series
 * got, how many runs are active and which backfill intervals wait, then create what fits.
 */
export async function tickPipeline(ctx: TickContext, pipeline: PipelineDefinition, now: Date): Promise<PipelineTickResult> {
  const result: PipelineTickResult = { pipelineId: pipeline.id, status: 'ticked', created: [], retried: [] };
  const schedule = pipeline.schedule;
  if (!schedule) return result;
  if (await ctx.orchestrator.store.isPaused(pipeline.id)) return { ...result, status: 'paused' };
  const logger = withLogScope(ctx.logger, { pipelineId: pipeline.id });
  const done = await withLeaseLock(ctx.redis, schedulerKeys(ctx.keyPrefix, pipeline.id).lock, ctx.leaseMs, async () => {
    const [lastEndText, activeCount] = await Promise.all([ctx.orchestrator.store.lastScheduledEnd(pipeline.id), ctx.orchestrator.store.activeCount(pipeline.id)]);
    const parsed = lastEndText === null ? Number.NaN : Date.parse(lastEndText);
    const lastEnd = Number.isNaN(parsed) ? undefined : new Date(parsed);
    const free = Math.max(0, schedule.maxActiveRuns - activeCount);
    const stored = await ctx.backfills.peek(pipeline.id, free);
    for (const { raw, entry } of stored) {
      if (entry) continue;
      logger.warn({ entry: raw }, 'dropping a stored backfill entry that cannot be read');
      await ctx.backfills.remove(pipeline.id, raw);
    }
    const pendingBackfill = stored.flatMap((s) => (s.entry ? [s.entry] : []));
    const plan = planTick({ pipelineId: pipeline.id, schedule, lastEnd, activeCount, now, pendingBackfill });
    for (const run of plan.runs) await act(ctx, pipeline, run, result, logger);
    return true;
  });
  return done ? result : { ...result, status: 'busy' };
}
