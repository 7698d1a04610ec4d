import type { PipelineDefinition } from '@pipeline/core';
import type { Redis } from 'ioredis';
import { RunStore } from '../store/run-store.js';
import { backfillIntervals } from './backfill-intervals.js';
import type { PendingBackfill } from './pending-backfill.js';
import { planBackfill, type ExistingRun, type IntervalRuns, type Reprocess, type SkippedInterval } from './plan-backfill.js';
import { intervalRunIds } from './reprocess-run-id.js';
import { BackfillQueue } from './backfill-queue.js';

export interface BackfillOptions {
  redis: Redis;
  /** @defaultValue "pipeline" */
  keyPrefix?: string;
  pipeline: PipelineDefinition;
  /** Intervals starting in `[from, to)` are backfilled. */
  from: Date;
  to: Date;
  /** @defaultValue "none" */
  reprocess?: Reprocess;
  /** Intervals ending after this are left out. @defaultValue new Date() */
  now?: Date;
}

export interface BackfillResult {
  /** Entries now waiting; scheduler ticks create or retry them oldest first within maxActiveRuns. */
  queued: PendingBackfill[];
  skipped: SkippedInterval[];
}

async function runsOf(store: RunStore, pipelineId: string, start: Date): Promise<ExistingRun[]> {
  const runs: ExistingRun[] = [];
  for (const runId of intervalRunIds(pipelineId, start)) {
    const record = await store.get(runId);
    if (!record) return runs;
    runs.push({ runId, state: record.state });
  }
  return runs;
}

/**
 * Queues every interval of the pipeline's schedule that starts in `[from, to)`: intervals without
 * a run get one (trigger `backfill`, the interval's scheduled id, so the schedule and the backfill
 * never make two); intervals with runs follow `reprocess`. Nothing is created here: the entries
 * wait in Redis and every scheduler tick turns the oldest into runs as slots free up, so a
 * backfill respects maxActiveRuns and pause, and survives a scheduler restart.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const { redis, pipeline, from, to, reprocess = 'none', now = new Date() } = options;
  const keyPrefix = options.keyPrefix ?? 'pipeline';
  const intervals = backfillIntervals(pipeline, from, to, now);
  const store = new RunStore(redis, { keyPrefix });
  const withRuns: IntervalRuns[] = await Promise.all(intervals.map(async (interval) => ({ interval, runs: await runsOf(store, pipeline.id, interval.start) })));
  const plan = planBackfill(pipeline.id, withRuns, reprocess);
  await new BackfillQueue(redis, keyPrefix).add(pipeline.id, plan.pending);
  return { queued: plan.pending, skipped: plan.skipped };
}
