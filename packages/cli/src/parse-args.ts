import type { ParamValue } from '@pipeline/core';
import { UsageError } from './usage-error.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An instant from `2026-01-01` (UTC midnight) or a full ISO-8601 timestamp with a zone. */
export function parseInstant(value: string, flag: string): Date {
  const text = value.trim();
  if (!DATE_ONLY.test(text) && !WITH_ZONE.test(text)) {
    throw new UsageError(`${flag} "${value}" is not a date: use YYYY-MM-DD (UTC midnight) or an ISO-8601 timestamp with a zone, e.g. 2026-01-01T00:00:00Z`);
  }
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw new UsageError(`${flag} "${value}" is not a valid calendar date`);
  }
  return date;
}

/** `--start`/`--end` together, start before end. */
export function parseInterval(start: string | undefined, end: string | undefined): { start: Date; end: Date } | undefined {
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) throw new UsageError('--start and --end go together: give both, or neither');
  const interval = { start: parseInstant(start, '--start'), end: parseInstant(end, '--end') };
  if (interval.start >= interval.end) {
    throw new UsageError(`--start (${interval.start.toISOString()}) must be before --end (${interval.end.toISOString()})`);
  }
  return interval;
}

/** Collects repeated `--param key=value`; numbers and booleans keep their type. */
export function collectParam(value: string, previous: Record<string, ParamValue> = {}): Record<string, ParamValue> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!match) throw new UsageError(`--param "${value}" must look like key=value, the key made of letters, digits and _`);
  const [, key, raw] = match as unknown as [string, string, string];
  if (key in previous) throw new UsageError(`--param ${key} is given twice`);
  const typed: ParamValue = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) && raw.length < 16 ? Number(raw) : raw;
  return { ...previous, [key]: typed };
}
