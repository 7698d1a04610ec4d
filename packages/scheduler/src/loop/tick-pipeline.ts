import { randomBytes } from 'node:crypto';
import { withLogScope, type Logger, type PipelineDefinition } from '@pipeline/core';
import { backfillKey, encodePendingBackfill, forEachLimit, LuaScript, SCHEDULE_LAST_END_FIELD, SCHEDULE_MAX_ACTIVE_FIELD, type BackfillQueue, type Orchestrator } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import type { SchedulerMetrics } from '../metrics/scheduler-metrics.js';
import { dueIntervals } from '../plan/due-intervals.js';
import { planTick, type PlannedRun } from '../plan/plan-tick.js';
import type { TickLockKeys, TickLockRead, TickLockRelease, TickLocks } from './pipeline-lock.js';
import { schedulerKeys } from './scheduler-keys.js';

/** What one tick did for one pipeline. */
export interface PipelineTickResult {
  pipelineId: string;
  /** `ticked`: planned and acted; `paused`; `busy`: another replica held the pipeline's lock. */
  status: 'ticked' | 'paused' | 'busy';
  /** Runs this tick created, oldest first (not those it found created under the same id). */
  created: string[];
  /** Held runs (manual triggers and retries) this tick gave a run slot, in the order they were held. */
  admitted: string[];
  /** Failed runs a backfill asked to retry, retried by this tick. */
  retried: string[];
}

export interface TickContext {
  redis: Redis;
  keyPrefix: string;
  orchestrator: Orchestrator;
  backfills: BackfillQueue;
  locks: TickLocks;
  logger: Logger;
  metrics?: SchedulerMetrics;
}

/** A backfill's retry of a failed run, dropped when the run is no longer failed. */
async function retry(ctx: TickContext, runId: string, result: PipelineTickResult, logger: Logger): Promise<void> {
  const existing = await ctx.orchestrator.store.get(runId);
  if (existing?.state === 'failed') {
    await ctx.orchestrator.retryRun(runId);
    result.retried.push(runId);
    logger.info({ runId }, 'failed run retried for a backfill');
  } else {
    logger.info({ runId, state: existing?.state ?? 'missing' }, 'backfill retry dropped: the run is no longer failed');
  }
}

/** What the tick read for every pipeline at once, before taking any lock. */
export interface PipelineSnapshot {
  paused: boolean;
  lastEnd?: Date;
  /** Waiting backfill entries. */
  backfills: number;
  /** Runs held for a run slot. */
  held: number;
}

const SNAPSHOT = new LuaScript('snapshot-pipelines', { folder: new URL('./lua/', import.meta.url) });

/** Pipelines read per snapshot script call. */
const SNAPSHOT_CHUNK = 1_000;

/**
 * Reads, in one round trip, what tells whether a pipeline has anything to do this tick: paused
 * pipelines, how far each series got, how many backfill entries wait and how many runs are held;
 * and records each pipeline's `schedule.maxActiveRuns` in force (see `RunStore.maxActiveRunsInForce`). Most ticks find most
 * pipelines with nothing due, and those then cost nothing more. A script call reads a thousand
 * pipelines: one command each would cost the scheduler more than the rest of an idle tick.
 */
export async function snapshotPipelines(ctx: TickContext, pipelines: ReadonlyArray<Pick<PipelineDefinition, 'id' | 'schedule'>>): Promise<Map<string, PipelineSnapshot>> {
  const { keys } = ctx.orchestrator.store;
  const pipelineIds = pipelines.map((p) => p.id);
  const calls: Array<[string[], (string | number)[]]> = [];
  for (let from = 0; from < pipelines.length; from += SNAPSHOT_CHUNK) {
    const chunk = pipelines.slice(from, from + SNAPSHOT_CHUNK);
    calls.push([
      [keys.paused, ...chunk.flatMap(({ id }) => [keys.sched(id), backfillKey(ctx.keyPrefix, id), keys.held(id)])],
      [SCHEDULE_LAST_END_FIELD, SCHEDULE_MAX_ACTIVE_FIELD, ...chunk.flatMap((p) => [p.id, String(p.schedule?.maxActiveRuns ?? '')])],
    ]);
  }
  const replies = ((await SNAPSHOT.runMany(ctx.redis, calls)) as Array<Array<number | string>>).flat();
  const out = new Map<string, PipelineSnapshot>();
  pipelineIds.forEach((id, i) => {
    const lastEnd = parseInstant((replies[4 * i + 1] as string) || null);
    out.set(id, { paused: replies[4 * i] === 1, backfills: Number(replies[4 * i + 2]), held: Number(replies[4 * i + 3]), ...(lastEnd ? { lastEnd } : {}) });
  });
  return out;
}

function parseInstant(text: string | null): Date | undefined {
  const parsed = text === null ? Number.NaN : Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}

/** Where one tick's pipelines report to. */
export interface TickOutcome {
  pipelines: PipelineTickResult[];
  errors: { pipelineId: string; error: unknown }[];
}

export interface TickPipelinesOptions {
  /** Pipelines of a batch planned and acted on at once. */
  concurrency: number;
  /** Pipelines whose locks are taken and given back in one round trip. */
  batchSize: number;
}

/** Lock batches in flight at once. */
const BATCHES_AT_ONCE = 2;

function lockKeys(ctx: TickContext, pipelineId: string): TickLockKeys {
  const { keys } = ctx.orchestrator.store;
  return { lock: schedulerKeys(ctx.keyPrefix, pipelineId).lock, sched: keys.sched(pipelineId), active: keys.active(pipelineId) };
}

/**
 * One tick over the scheduled pipelines. The snapshot passes over paused pipelines and those
 * with no due interval and no waiting backfill, without a lock. The rest are taken in batches:
 * the batch's locks are taken in one step (a pipeline whose lock another replica holds is
 * `busy`), each pipeline plans what fits (see `planLockedPipeline`), the batch's runs are
 * created together (see `actOnPlans`), and the locks are given back in one step with how far
 * each series got. A pipeline that fails is reported in `errors` and tried again next tick; the
 * others go on.
 */
export async function tickPipelines(ctx: TickContext, pipelines: readonly PipelineDefinition[], now: Date, options: TickPipelinesOptions, out: TickOutcome): Promise<void> {
  const snapshots = await snapshotPipelines(ctx, pipelines);
  const due: Array<{ pipeline: PipelineDefinition; snapshot: PipelineSnapshot }> = [];
  for (const pipeline of pipelines) {
    const snapshot = snapshots.get(pipeline.id)!;
    const idle: PipelineTickResult = { pipelineId: pipeline.id, status: 'ticked', created: [], admitted: [], retried: [] };
    // A paused pipeline's held runs are still admitted: pausing stops scheduling, not manual runs.
    if (snapshot.paused && snapshot.held === 0) out.pipelines.push({ ...idle, status: 'paused' });
    else if (!hasWork(pipeline, snapshot, now)) out.pipelines.push(idle);
    else due.push({ pipeline, snapshot });
  }
  const batches: Array<typeof due> = [];
  for (let i = 0; i < due.length; i += options.batchSize) batches.push(due.slice(i, i + options.batchSize));
  // Two at a time: one batch is planned and built while Redis runs the other's scripts.
  await forEachLimit(batches, BATCHES_AT_ONCE, (batch) => tickBatch(ctx, batch, now, options.concurrency, out));
}

/** Whether the snapshot leaves the pipeline anything to do: a held run, a due interval or a waiting backfill. */
function hasWork(pipeline: PipelineDefinition, snapshot: PipelineSnapshot, now: Date): boolean {
  const schedule = pipeline.schedule;
  if (!schedule) return false;
  return snapshot.held > 0 || snapshot.backfills > 0 || dueIntervals({ schedule, lastEnd: snapshot.lastEnd, now, limit: 1 }).length > 0;
}

async function tickBatch(
  ctx: TickContext,
  batch: ReadonlyArray<{ pipeline: PipelineDefinition; snapshot: PipelineSnapshot }>,
  now: Date,
  concurrency: number,
  out: TickOutcome,
): Promise<void> {
  const token = randomBytes(12).toString('hex');
  const keys = batch.map(({ pipeline }) => lockKeys(ctx, pipeline.id));
  let reads: (TickLockRead | null)[];
  try {
    reads = await ctx.locks.acquire(token, keys);
  } catch (error) {
    for (const { pipeline } of batch) out.errors.push({ pipelineId: pipeline.id, error });
    ctx.logger.error({ err: error, pipelines: batch.length }, 'scheduler locks could not be taken; these pipelines are tried again next tick');
    return;
  }
  const held: TickLockRelease[] = [];
  const planned: LockedPlan[] = [];
  const planning: Array<() => Promise<void>> = [];
  batch.forEach(({ pipeline, snapshot }, i) => {
    const read = reads[i];
    if (!read) {
      out.pipelines.push({ pipelineId: pipeline.id, status: 'busy', created: [], admitted: [], retried: [] });
      return;
    }
    const release: TickLockRelease = { keys: keys[i]! };
    held.push(release);
    planning.push(async () => {
      try {
        planned.push({ ...(await planLockedPipeline(ctx, pipeline, now, read, snapshot)), release });
      } catch (error) {
        failed(ctx, out, pipeline.id, error);
      }
    });
  });
  try {
    await forEachLimit(planning, concurrency, (plan) => plan());
    await actOnPlans(ctx, planned, concurrency, out);
  } finally {
    // Recorded as the locks are given back: a crash before that replans the same run ids.
    await ctx.locks.release(token, held);
  }
}

function failed(ctx: TickContext, out: TickOutcome, pipelineId: string, error: unknown): void {
  out.errors.push({ pipelineId, error });
  ctx.logger.error({ err: error, pipelineId }, 'scheduler tick failed for this pipeline; trying again next tick');
}

/** What one locked pipeline will do this tick, and the lock to give back with how far its series got. */
interface LockedPlan {
  pipeline: PipelineDefinition;
  /** Held runs to admit first, oldest first. */
  admit: string[];
  /** Paused: only held runs are admitted. */
  paused: boolean;
  runs: PlannedRun[];
  logger: Logger;
  release: TickLockRelease;
}

/**
 * One scheduled pipeline's plan, under its lock: with how far the series got and how many runs
 * are active (read as the lock was taken), held manual runs take the free run slots first, in the
 * order they were triggered (someone asked for each and may be waiting on it); then read which
 * backfill intervals wait, and decide what else fits, oldest interval first (see `planTick`).
 * A paused pipeline only admits its held runs.
 */
async function planLockedPipeline(ctx: TickContext, pipeline: PipelineDefinition, now: Date, read: TickLockRead, snapshot: PipelineSnapshot): Promise<Omit<LockedPlan, 'release'>> {
  const schedule = pipeline.schedule!;
  const logger = withLogScope(ctx.logger, { pipelineId: pipeline.id });
  const { store } = ctx.orchestrator;
  const free = Math.max(0, schedule.maxActiveRuns - read.activeCount);
  const admit = snapshot.held === 0 ? [] : await store.heldRunIds(pipeline.id, free);
  if (snapshot.paused) return { pipeline, admit, paused: true, runs: [], logger };
  const activeCount = read.activeCount + admit.length;
  const stored = snapshot.backfills === 0 ? [] : await ctx.backfills.peek(pipeline.id, free - admit.length);
  for (const { raw, entry } of stored) {
    if (entry) continue;
    logger.warn({ entry: raw }, 'dropping a stored backfill entry that cannot be read');
    await ctx.backfills.remove(pipeline.id, raw);
  }
  const pendingBackfill = stored.flatMap((s) => (s.entry ? [s.entry] : []));
  const plan = planTick({ pipelineId: pipeline.id, schedule, lastEnd: parseInstant(read.lastEnd), activeCount, now, pendingBackfill });
  return { pipeline, admit, paused: false, runs: plan.runs, logger };
}

/**
 * Carries out a batch's plans. Held runs are admitted first, pipeline by pipeline; a pipeline
 * whose admission failed does nothing more this tick (its slots stay counted for the held runs).
 * Every run to create, whichever pipeline it is for, is then created in one call (records in one
 * round trip, first jobs in one more); then each pipeline retries what a backfill asked, settles
 * its backfill entries and moves its series on. Runs whose creation failed move nothing on: the
 * next tick plans the same run ids again.
 */
async function actOnPlans(ctx: TickContext, planned: readonly LockedPlan[], concurrency: number, out: TickOutcome): Promise<void> {
  const admitted = new Map<LockedPlan, string[]>();
  const admitting = new Map<LockedPlan, unknown>();
  await forEachLimit(
    planned.filter((plan) => plan.admit.length > 0),
    concurrency,
    async (plan) => {
      try {
        admitted.set(plan, await ctx.orchestrator.admitHeld(plan.pipeline.id, plan.admit));
      } catch (error) {
        admitting.set(plan, error);
      }
    },
  );
  for (const [plan, error] of admitting) failed(ctx, out, plan.pipeline.id, error);
  const acting = planned.filter((plan) => !admitting.has(plan));
  const creates = acting.flatMap((plan) => plan.runs.filter((run) => run.action === 'create').map((run) => ({ plan, run })));
  let created: ReadonlySet<string> = new Set();
  let creating: unknown;
  try {
    const results = await ctx.orchestrator.createOrGetRuns(creates.map(({ plan, run }) => ({ pipeline: plan.pipeline, trigger: run.trigger, interval: run.interval, runId: run.runId })));
    created = new Set(results.flatMap((r) => (r.created ? [r.record.runId] : [])));
  } catch (error) {
    creating = error;
  }
  await forEachLimit(acting, concurrency, async (plan) => {
    const { pipeline, runs, logger, release } = plan;
    if (creating !== undefined && runs.some((run) => run.action === 'create')) {
      failed(ctx, out, pipeline.id, creating);
      return;
    }
    const result: PipelineTickResult = { pipelineId: pipeline.id, status: plan.paused ? 'paused' : 'ticked', created: [], admitted: admitted.get(plan) ?? [], retried: [] };
    try {
      for (const run of runs) {
        if (run.action === 'retry') await retry(ctx, run.runId, result, logger);
        else if (created.has(run.runId)) {
          result.created.push(run.runId);
          ctx.metrics?.runCreated(pipeline.id, run.trigger);
        }
        if (run.pending) await ctx.backfills.remove(pipeline.id, encodePendingBackfill(run.pending));
        if (run.advancesSchedule) release.advanceTo = run.interval.end.toISOString();
      }
      out.pipelines.push(result);
    } catch (error) {
      failed(ctx, out, pipeline.id, error);
    }
  });
}
