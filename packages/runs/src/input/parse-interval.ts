import { UsageError } from '../errors/usage-error.js';
import { parseInstant } from './parse-instant.js';

/** How the two ends are called where the request came from. */
export interface IntervalFields {
  start: string;
  end: string;
}

const FLAGS: IntervalFields = { start: '--start', end: '--end' };

/** Both ends together, start before end; undefined when neither is given. */
export function parseInterval(start: string | undefined, end: string | undefined, fields: IntervalFields = FLAGS): { start: Date; end: Date } | undefined {
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) throw new UsageError(`${fields.start} and ${fields.end} go together: give both, or neither`);
  const interval = { start: parseInstant(start, fields.start), end: parseInstant(end, fields.end) };
  if (interval.start >= interval.end) {
    throw new UsageError(`${fields.start} (${interval.start.toISOString()}) must be before ${fields.end} (${interval.end.toISOString()})`);
  }
  return interval;
}
