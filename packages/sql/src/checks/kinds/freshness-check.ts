import type { DialectHooks } from '../../dialects/dialect-hooks.js';
import { SqlInputError } from '../../errors/sql-input-error.js';
import { quoteIdent } from '../../identifiers/quote-ident.js';
import { requireDate } from '../../render/require-date.js';
import { statementOf } from '../../render/statement-of.js';
import type { CheckSpec } from '../../types/check-spec.js';
import type { CheckSql } from '../../types/check-sql.js';
import type { CheckTarget } from '../check-target.js';
import { observedNumber } from '../observed-number.js';

/**
 * Observed: whole seconds from the column's latest value to `now` (bound, so every check of a
 * run measures against the same instant). NULL when the table is empty, which fails.
 */
export function freshnessCheck(
  d: DialectHooks,
  spec: Extract<CheckSpec, { kind: 'freshness' }>,
  t: CheckTarget,
  now: Date,
): CheckSql {
  const col = quoteIdent(spec.column, d.name, 'freshness.column');
  const max = spec.maxAgeSeconds;
  if (typeof max !== 'number' || !Number.isFinite(max) || max < 0) {
    throw new SqlInputError('freshness.maxAgeSeconds', `must be a non-negative number, got ${JSON.stringify(max)}.`);
  }
  const name = `freshness(${spec.column})`;
  const age = d.freshnessAgeSeconds(`MAX(${col})`, '$1');
  return {
    name,
    observed: statementOf(`SELECT ${age} AS "observed" FROM ${t.table}`, [requireDate(now, 'check context now')]),
    passes(observed) {
      const seconds = observedNumber(observed, name);
      return seconds !== null && seconds <= max;
    },
  };
}
