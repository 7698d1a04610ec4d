import type { DialectHooks } from '../../dialects/dialect-hooks.js';
import { SqlInputError } from '../../errors/sql-input-error.js';
import { quoteIdent } from '../../identifiers/quote-ident.js';
import { statementOf } from '../../render/statement-of.js';
import type { CheckSpec } from '../../types/check-spec.js';
import type { CheckSql } from '../../types/check-sql.js';
import type { CheckTarget } from '../check-target.js';
import { sampleColumns } from '../sample-columns.js';
import { zeroFailures } from '../zero-failures.js';

/** Observed: non-NULL values outside the list; the values are bound, one placeholder each. */
export function acceptedValuesCheck(
  d: DialectHooks,
  spec: Extract<CheckSpec, { kind: 'accepted_values' }>,
  t: CheckTarget,
): CheckSql {
  const col = quoteIdent(spec.column, d.name, 'accepted_values.column');
  if (!Array.isArray(spec.values) || spec.values.length === 0) {
    throw new SqlInputError('accepted_values.values', 'is empty: list the values the column may hold.');
  }
  for (const v of spec.values) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw new SqlInputError('accepted_values.values', `holds ${JSON.stringify(v)}; use strings, numbers or booleans.`);
    }
  }
  const name = `accepted_values(${spec.column})`;
  const placeholders = spec.values.map((_, i) => `$${i + 1}`).join(', ');
  const failing = `${col} IS NOT NULL AND ${col} NOT IN (${placeholders})`;
  const sample = sampleColumns(t.key, [col]);
  return {
    name,
    observed: statementOf(`SELECT COUNT(*) AS "observed" FROM ${t.table} WHERE ${failing}`, [...spec.values]),
    sample: statementOf(
      `SELECT ${sample.join(', ')} FROM ${t.table}\nWHERE ${failing}\nORDER BY ${sample.join(', ')}\n${t.limit}`,
      [...spec.values],
    ),
    passes: zeroFailures(name),
  };
}
