import { intervalsBetween, type DataInterval, type PipelineDefinition } from '@pipeline/core';
import { BackfillError } from '../errors/backfill-error.js';

/** A backfill covers at most this many intervals; split longer ranges. */
export const MAX_BACKFILL_INTERVALS = 10_000;

/**
 * Every complete interval of the pipeline's schedule that starts in `[from, to)`, oldest first.
 * The range is the operator's: `schedule.start`, `schedule.end` and `catchup` do not narrow it.
 */
export function backfillIntervals(pipeline: PipelineDefinition, from: Date, to: Date, now: Date): DataInterval[] {
  const { schedule } = pipeline;
  if (!schedule) {
    throw new BackfillError('E_BACKFILL_NO_SCHEDULE', pipeline.id, `pipeline "${pipeline.id}" has no schedule, so it has no intervals to backfill: add schedule.cron or run it with explicit --start/--end`);
  }
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new BackfillError('E_BACKFILL_RANGE', pipeline.id, `backfill range of "${pipeline.id}" must have from before to, both valid instants (got ${String(from)} .. ${String(to)})`);
  }
  const intervals = intervalsBetween(schedule.cron, schedule.timezone, from, to, now, MAX_BACKFILL_INTERVALS + 1);
  if (intervals.length > MAX_BACKFILL_INTERVALS) {
    throw new BackfillError('E_BACKFILL_RANGE', pipeline.id, `backfill of "${pipeline.id}" from ${from.toISOString()} to ${to.toISOString()} spans more than ${MAX_BACKFILL_INTERVALS} intervals: split it into smaller ranges`);
  }
  return intervals;
}
