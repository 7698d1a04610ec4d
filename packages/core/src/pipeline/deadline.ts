import { parseDuration } from './duration.js';

/** The shortest deadline: the sweep that finds missed deadlines runs every few seconds, not more often. */
export const MIN_DEADLINE_SECONDS = 60;
/** The longest deadline: alert dedupe keys live for days, and a deadline beyond a month is a schedule, not an SLA. */
export const MAX_DEADLINE_SECONDS = 30 * 86_400;

// Weeks, days, hours, minutes and seconds only: years and months have no fixed length.
const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

function parseIsoDuration(text: string): number | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match.map((v) => Number(v ?? 0));
  return weeks! * 604_800 + days! * 86_400 + hours! * 3600 + minutes! * 60 + seconds!;
}

/**
 * A pipeline's `deadline` in seconds: the compact form of every other duration in a definition
 * (`"2h"`, `"90m"`, `"1h30m"`) or ISO-8601 (`"PT2H"`, `"P1DT6H"`); `undefined` when malformed or
 * outside 1 minute to 30 days.
 */
export function parseDeadline(text: string): number | undefined {
  const trimmed = text.trim();
  const seconds = trimmed.startsWith('P') ? parseIsoDuration(trimmed) : parseDuration(trimmed);
  if (seconds === undefined || seconds < MIN_DEADLINE_SECONDS || seconds > MAX_DEADLINE_SECONDS) return undefined;
  return seconds;
}
