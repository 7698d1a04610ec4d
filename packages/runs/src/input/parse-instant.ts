import { UsageError } from '../errors/usage-error.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An instant from `2026-01-01` (UTC midnight) or a full ISO-8601 timestamp with a zone. A
 * timestamp without a zone is refused rather than read in the host's zone, which would make the
 * same request mean different intervals on different machines. `field` names the input in the
 * message (`--start`, `interval.start`).
 */
export function parseInstant(value: string, field: string): Date {
  const text = value.trim();
  if (!DATE_ONLY.test(text) && !WITH_ZONE.test(text)) {
    throw new UsageError(`${field} "${value}" is not a date: use YYYY-MM-DD (UTC midnight) or an ISO-8601 timestamp with a zone, e.g. 2026-01-01T00:00:00Z`);
  }
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw new UsageError(`${field} "${value}" is not a valid calendar date`);
  }
  return date;
}
