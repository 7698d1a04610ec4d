import { scheduledRunId, type DataInterval } from '@pipeline/core';
import type { PendingBackfill } from './pending-backfill.js';
import { reprocessRunId } from './reprocess-run-id.js';

/**
 * What a backfill does with an interval that already has a run: `none` leaves it, `failed`
 * retries its latest run when that failed, `all` creates a further run (`.r<n>` id).
 */
export type Reprocess = 'none' | 'failed' | 'all';

export type ExistingRunState = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';

export interface ExistingRun {
  runId: string;
  state: ExistingRunState;
}

export interface IntervalRuns {
  interval: DataInterval;
  /** The interval's runs in creation order: the scheduled id first, then `.r1`, `.r2`, … */
  runs: readonly ExistingRun[];
}

export interface SkippedInterval {
  interval: DataInterval;
  /** The interval's latest run. */
  runId: string;
  /** `has-run`: reprocess none; `not-failed`: reprocess failed and the run did not fail; `active`: the run is still queued or running. */
  reason: 'has-run' | 'not-failed' | 'active';
}

export interface BackfillPlan {
  /** Entries to store, oldest first; ticks turn them into runs as slots free up. */
  pending: PendingBackfill[];
  skipped: SkippedInterval[];
}

function isActive(state: ExistingRunState): boolean {
  return state === 'queued' || state === 'running';
}

/** Decides, for each interval of a backfill range and the runs it already has, what to queue. */
export function planBackfill(pipelineId: string, intervals: readonly IntervalRuns[], reprocess: Reprocess): BackfillPlan {
  const plan: BackfillPlan = { pending: [], skipped: [] };
  for (const { interval, runs } of intervals) {
    const entry = (runId: string, action: PendingBackfill['action']): PendingBackfill => ({ runId, start: interval.start.toISOString(), end: interval.end.toISOString(), action });
    const latest = runs.at(-1);
    if (!latest) {
      plan.pending.push(entry(scheduledRunId(pipelineId, interval.start), 'create'));
    } else if (reprocess === 'none') {
      plan.skipped.push({ interval, runId: latest.runId, reason: 'has-run' });
    } else if (isActive(latest.state)) {
      // A second run of an interval still loading would race it into the same rows.
      plan.skipped.push({ interval, runId: latest.runId, reason: 'active' });
    } else if (reprocess === 'failed') {
      if (latest.state === 'failed') plan.pending.push(entry(latest.runId, 'retry'));
      else plan.skipped.push({ interval, runId: latest.runId, reason: 'not-failed' });
    } else {
      plan.pending.push(entry(reprocessRunId(pipelineId, interval.start, runs.length), 'create'));
    }
  }
  return plan;
}
