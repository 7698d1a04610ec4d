import { SqlInputError } from '../errors/sql-input-error.js';

/** Returns `value` when it is a valid Date, else throws naming `what`. */
export function requireDate(value: unknown, what: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new SqlInputError(what, `expected a valid Date, got ${JSON.stringify(value)}.`);
  }
  return value;
}
