import { scheduledRunId, type DataInterval, type ScheduleDefinition } from '@pipeline/core';
import type { PendingBackfill } from '@pipeline/runs';
import { dueIntervals } from './due-intervals.js';

/** One run a tick will create (or retry), in the order the tick acts on them. */
export interface PlannedRun {
  runId: string;
  interval: DataInterval;
  trigger: 'schedule' | 'backfill';
  action: 'create' | 'retry';
  /** The scheduled series moves on to this interval's end once the run exists. */
  advancesSchedule: boolean;
  /** The stored backfill entry this run takes care of, removed once the run exists. */
  pending?: PendingBackfill;
}

export interface TickPlanInput {
  pipelineId: string;
  schedule: ScheduleDefinition;
  /** End of the last interval a scheduled run was created for. */
  lastEnd?: Date;
  /** Runs of the pipeline that are queued or running, whatever started them. */
  activeCount: number;
  now: Date;
  /** Waiting backfill intervals, oldest first (at least as many as there are free slots). */
  pendingBackfill: readonly PendingBackfill[];
}

export interface TickPlan {
  /** Run slots free before this tick: `maxActiveRuns - activeCount`, at least 0. */
  freeSlots: number;
  runs: PlannedRun[];
}

/**
 * Decides what one tick does for one pipeline. Due scheduled intervals and waiting backfill
 * intervals compete for the free run slots together, oldest interval first; what does not fit
 * waits for a later tick. A backfill entry and a scheduled interval with the same run id are one
 * run: it is created once, as scheduled, and settles both.
 */
export function planTick(input: TickPlanInput): TickPlan {
  const freeSlots = Math.max(0, input.schedule.maxActiveRuns - input.activeCount);
  if (freeSlots === 0) return { freeSlots, runs: [] };
  const scheduled: PlannedRun[] = dueIntervals({ schedule: input.schedule, lastEnd: input.lastEnd, now: input.now, limit: freeSlots }).map((interval) => ({
    runId: scheduledRunId(input.pipelineId, interval.start),
    interval,
    trigger: 'schedule',
    action: 'create',
    advancesSchedule: true,
  }));
  const backfill: PlannedRun[] = input.pendingBackfill.slice(0, freeSlots).map((pending) => ({
    runId: pending.runId,
    interval: { start: new Date(pending.start), end: new Date(pending.end) },
    trigger: 'backfill',
    action: pending.action,
    advancesSchedule: false,
    pending,
  }));
  const byId = new Map<string, PlannedRun>();
  for (const run of [...scheduled, ...backfill]) {
    const seen = byId.get(run.runId);
    byId.set(run.runId, seen ? { ...seen, pending: seen.pending ?? run.pending } : run);
  }
  // Stable sort: on equal starts a scheduled run stays ahead of a backfill one.
  const runs = [...byId.values()].sort((a, b) => a.interval.start.getTime() - b.interval.start.getTime()).slice(0, freeSlots);
  return { freeSlots, runs };
}
