import { cronFor, intervalStartingAt, intervalsBetween, lastCompleteInterval, type DataInterval, type ScheduleDefinition } from '@pipeline/core';

export interface DueIntervalsInput {
  schedule: ScheduleDefinition;
  /** End of the last interval a scheduled run was created for; undefined before the first. */
  lastEnd?: Date;
  now: Date;
  /** At most this many intervals: the run slots that are free. */
  limit: number;
}

/**
 * The latest complete interval that starts before `schedule.end`. Once `end` has passed, the
 * latest complete interval at `now` lies beyond it, so step back to the last fire time before it.
 */
function latestWithinEnd(schedule: ScheduleDefinition, now: Date): DataInterval | undefined {
  const latest = lastCompleteInterval(schedule.cron, schedule.timezone, now);
  if (!latest || !schedule.end) return latest;
  const end = new Date(schedule.end);
  if (latest.start < end) return latest;
  const [lastStart] = cronFor(schedule.cron, schedule.timezone).previousRuns(1, end);
  if (!lastStart) return undefined;
  const interval = intervalStartingAt(schedule.cron, schedule.timezone, lastStart);
  return interval && interval.end <= now ? interval : undefined;
}

/**
 * The intervals a scheduler tick should create runs for, oldest first.
 *
 * Without catchup only the latest complete interval counts, and only if no run was created for
 * it yet (its end is after `lastEnd`): intervals missed while the scheduler was down are skipped.
 * With catchup every complete interval from `lastEnd` (or `schedule.start` before the first run)
 * is due; with neither, there is nothing to catch up from, so the latest interval starts the
 * series. Intervals start at or after `schedule.start` and before `schedule.end`, and end at or
 * before `now`. Cron fire times come from croner in the schedule's time zone, so a daily interval
 * spans 23 or 25 hours across a daylight-saving change and a skipped local time fires once.
 */
export function dueIntervals({ schedule, lastEnd, now, limit }: DueIntervalsInput): DataInterval[] {
  if (limit <= 0) return [];
  const start = schedule.start ? new Date(schedule.start) : undefined;
  const from = [lastEnd, start].filter((d): d is Date => d !== undefined).sort((a, b) => b.getTime() - a.getTime())[0];
  if (schedule.catchup && from) {
    const to = schedule.end ? new Date(schedule.end) : new Date(8.64e15);
    return intervalsBetween(schedule.cron, schedule.timezone, from, to, now, limit);
  }
  const latest = latestWithinEnd(schedule, now);
  if (!latest) return [];
  if (start && latest.start < start) return [];
  if (lastEnd && latest.end <= lastEnd) return [];
  return [latest];
}
