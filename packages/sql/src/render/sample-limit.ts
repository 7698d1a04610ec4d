import { SqlInputError } from '../errors/sql-input-error.js';

/** Failing records a sample returns unless the context says otherwise. */
export const DEFAULT_SAMPLE_SIZE = 5;

/**
 * `LIMIT n` for a sample. The number is validated and rendered inline rather than bound: it is
 * never user text, and a parameter in LIMIT is not portable across the engines and drivers the
 * statements run on.
 */
export function sampleLimit(sampleSize: number | undefined): string {
  const n = sampleSize ?? DEFAULT_SAMPLE_SIZE;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new SqlInputError('check context sampleSize', `must be a non-negative integer, got ${JSON.stringify(n)}.`);
  }
  return `LIMIT ${n}`;
}
