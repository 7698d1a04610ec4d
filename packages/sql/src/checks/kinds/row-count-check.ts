import { SqlInputError } from '../../errors/sql-input-error.js';
import { statementOf } from '../../render/statement-of.js';
import type { CheckSpec } from '../../types/check-spec.js';
import type { CheckSql } from '../../types/check-sql.js';
import type { CheckTarget } from '../check-target.js';
import { observedNumber } from '../observed-number.js';

/** Observed: the row count; passes within [min, max]. A bound left out is unbounded. */
export function rowCountCheck(spec: Extract<CheckSpec, { kind: 'row_count' }>, t: CheckTarget): CheckSql {
  const { min, max } = spec;
  for (const [label, bound] of [['min', min], ['max', max]] as const) {
    if (bound !== undefined && (!Number.isSafeInteger(bound) || bound < 0)) {
      throw new SqlInputError(`row_count.${label}`, `must be a non-negative integer, got ${JSON.stringify(bound)}.`);
    }
  }
  if (min === undefined && max === undefined) {
    throw new SqlInputError('row_count', 'has neither min nor max, so it could never fail; set at least one.');
  }
  if (min !== undefined && max !== undefined && min > max) {
    throw new SqlInputError('row_count', `min ${min} is greater than max ${max}.`);
  }
  const name = 'row_count';
  return {
    name,
    observed: statementOf(`SELECT COUNT(*) AS "observed" FROM ${t.table}`),
    passes(observed) {
      const n = observedNumber(observed, name);
      return n !== null && (min === undefined || n >= min) && (max === undefined || n <= max);
    },
  };
}
