import { Cron } from 'croner';

/** A data interval `[start, end)`. */
export interface DataInterval {
  start: Date;
  end: Date;
}

function cronFor(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, paused: true });
}

/**
 * The latest interval that has fully elapsed at `now`: it ends at the last fire time at or before
 * `now` and starts at the fire time before that. A run for it fires at its end, as in Airflow.
 */
export function lastCompleteInterval(expression: string, timezone: string, now: Date): DataInterval | undefined {
  const cron = cronFor(expression, timezone);
  // previousRuns looks strictly before its reference; nudge so a fire exactly at `now` counts.
  const [end, start] = cron.previousRuns(2, new Date(now.getTime() + 1));
  if (!end || !start) return undefined;
  return { start, end };
}

/** The interval that starts at `start` (itself a fire time) and ends at the next fire time. */
export function intervalStartingAt(expression: string, timezone: string, start: Date): DataInterval | undefined {
  const end = cronFor(expression, timezone).nextRun(start);
  return end ? { start, end } : undefined;
}

/** Every complete interval whose start lies in `[from, to)` and whose end is at or before `now`, oldest first. */
export function intervalsBetween(expression: string, timezone: string, from: Date, to: Date, now: Date, limit = 10_000): DataInterval[] {
  const cron = cronFor(expression, timezone);
  const out: DataInterval[] = [];
  const first = cron.match(from) ? from : cron.nextRun(from);
  let start: Date | null = first;
  while (start && start < to && out.length < limit) {
    const end: Date | null = cron.nextRun(start);
    if (!end || end > now) break;
    out.push({ start, end });
    start = end;
  }
  return out;
}
