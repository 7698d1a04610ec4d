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
  /** Answers already given for this schedule, by instant: the next fire time, and whether it fires then. */
  next: Map<number, number | null>;
  matches: Map<number, boolean>;
}

// Many pipelines share an expression (`0 2 * * *`), and a scheduler asks about every one of them
// on every tick: parsed expressions, their latest interval and the fire times asked about are
// kept, by expression and zone. In a named zone croner takes ~70 µs per answer (it converts
// through Intl), and pipelines on one expression ask about the same instants: catching up, every
// series steps through the same interval ends.
const MAX_CACHED = 50_000;
const MAX_REMEMBERED = 200_000;
const cache = new Map<string, CachedSchedule>();
let remembered = 0;

/** The zone's canonical name (`Etc/UTC`, `GMT` and `Zulu` are all `UTC`). */
function canonicalZone(timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return timezone;
  }
}

function scheduleFor(expression: string, timezone: string): CachedSchedule {
  const key = `${timezone}\u0000${expression}`;
  let entry = cache.get(key);
  if (!entry) {
    if (cache.size >= MAX_CACHED) forgetAll();
    // UTC has no offset to look up: croner's fixed offset gives the same fire times without Intl.
    const zone = canonicalZone(timezone) === 'UTC' ? { utcOffset: 0 } : { timezone };
    entry = { cron: new Cron(expression, { ...zone, paused: true }), next: new Map(), matches: new Map() };
    cache.set(key, entry);
  }
  return entry;
}

function forgetAll(): void {
  cache.clear();
  remembered = 0;
}

/** A new answer about `at`, kept for the next caller; everything is forgotten past MAX_REMEMBERED answers. */
function remember<V>(answers: Map<number, V>, at: number, value: V): V {
  if (++remembered > MAX_REMEMBERED) {
    for (const entry of cache.values()) {
      entry.next.clear();
      entry.matches.clear();
    }
    remembered = 1;
  }
  answers.set(at, value);
  return value;
}

/** The first fire time strictly after `at`, or null when the expression never fires again. */
function nextFire(entry: CachedSchedule, at: number): number | null {
  const known = entry.next.get(at);
  if (known !== undefined) return known;
  return remember(entry.next, at, entry.cron.nextRun(new Date(at))?.getTime() ?? null);
}

function firesAt(entry: CachedSchedule, at: number): boolean {
  const known = entry.matches.get(at);
  if (known !== undefined) return known;
  return remember(entry.matches, at, entry.cron.match(new Date(at)));
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
  const next = nextFire(entry, end.getTime());
  entry.last = { interval: { start, end }, validUntil: next ?? Number.POSITIVE_INFINITY };
  return { start: new Date(start), end: new Date(end) };
}

/** The interval that starts at `start` (itself a fire time) and ends at the next fire time. */
export function intervalStartingAt(expression: string, timezone: string, start: Date): DataInterval | undefined {
  const end = nextFire(scheduleFor(expression, timezone), start.getTime());
  return end === null ? undefined : { start, end: new Date(end) };
}

/** Every complete interval whose start lies in `[from, to)` and whose end is at or before `now`, oldest first. */
export function intervalsBetween(expression: string, timezone: string, from: Date, to: Date, now: Date, limit = 10_000): DataInterval[] {
  const entry = scheduleFor(expression, timezone);
  const out: DataInterval[] = [];
  const [before, last] = [to.getTime(), now.getTime()];
  let start = firesAt(entry, from.getTime()) ? from.getTime() : nextFire(entry, from.getTime());
  while (start !== null && start < before && out.length < limit) {
    const end = nextFire(entry, start);
    if (end === null || end > last) break;
    out.push({ start: new Date(start), end: new Date(end) });
    start = end;
  }
  return out;
}
