import { Cron } from 'croner';

/** A data interval `[start, end)`. */
export interface DataInterval {
  start: Date;
  end: Date;
}

interface CachedSchedule {
  cron: Cron;
  /** The last answer of `lastCompleteInterval`, valid while `now` stays in `[interval.end, validUntil)`. */
  last?: { interval: DataInterval; validUntil: number };
}

// Many pipelines share an expression (`0 2 * * *`), and a scheduler asks about every one of them
// on every tick: parsed expressions and their latest interval are kept, by expression and zone.
const MAX_CACHED = 50_000;
const cache = new Map<string, CachedSchedule>();

function scheduleFor(expression: string, timezone: string): CachedSchedule {
  const key = `${timezone}\u0000${expression}`;
  let entry = cache.get(key);
  if (!entry) {
    if (cache.size >= MAX_CACHED) cache.clear();
    entry = { cron: new Cron(expression, { timezone, paused: true }) };
    cache.set(key, entry);
  }
  return entry;
}

/** The parsed expression, shared: croner's paused instances hold no timer and are safe to reuse. */
export function cronFor(expression: string, timezone: string): Cron {
  return scheduleFor(expression, timezone).cron;
}

/**
 * The latest interval that has fully elapsed at `now`: it ends at the last fire time at or before
 * `now` and starts at the fire time before that. A run for it fires at its end, as in Airflow.
 * The answer holds until the next fire time, so it is computed once per expression and fire.
 */
export function lastCompleteInterval(expression: string, timezone: string, now: Date): DataInterval | undefined {
  const entry = scheduleFor(expression, timezone);
  const at = now.getTime();
  const last = entry.last;
  if (last && at >= last.interval.end.getTime() && at < last.validUntil) {
    return { start: new Date(last.interval.start), end: new Date(last.interval.end) };
  }
  // previousRuns looks strictly before its reference; nudge so a fire exactly at `now` counts.
  const [end, start] = entry.cron.previousRuns(2, new Date(at + 1));
  if (!end || !start) return undefined;
  const next = entry.cron.nextRun(end);
  entry.last = { interval: { start, end }, validUntil: next ? next.getTime() : Number.POSITIVE_INFINITY };
  return { start: new Date(start), end: new Date(end) };
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
