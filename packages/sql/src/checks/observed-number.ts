import { SqlInputError } from '../errors/sql-input-error.js';

/**
 * The observed value as a number, or null when the query returned NULL. pg returns bigint and
 * numeric as strings, other drivers numbers or bigints; all are accepted.
 */
export function observedNumber(value: unknown, check: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  throw new SqlInputError(`${check} observed`, `expected a number, got ${JSON.stringify(String(value))}.`);
}
