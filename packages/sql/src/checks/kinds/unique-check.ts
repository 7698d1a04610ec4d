import type { DialectHooks } from '../../dialects/dialect-hooks.js';
import { indent } from '../../render/indent.js';
import { quoteColumns } from '../../render/quote-columns.js';
import { statementOf } from '../../render/statement-of.js';
import type { CheckSpec } from '../../types/check-spec.js';
import type { CheckSql } from '../../types/check-sql.js';
import type { CheckTarget } from '../check-target.js';
import { zeroFailures } from '../zero-failures.js';

/**
 * Observed: value combinations that appear more than once. Rows with a NULL in any of the
 * columns are left out, as in a unique constraint; not_null covers them.
 */
export function uniqueCheck(d: DialectHooks, spec: Extract<CheckSpec, { kind: 'unique' }>, t: CheckTarget): CheckSql {
  const cols = quoteColumns(spec.columns, 'unique.columns', d.name);
  const name = `unique(${spec.columns.join(', ')})`;
  const list = cols.join(', ');
  const duplicates =
    `SELECT ${list}, COUNT(*) AS "occurrences" FROM ${t.table}\n` +
    `WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')}\n` +
    `GROUP BY ${list}\nHAVING COUNT(*) > 1`;
  return {
    name,
    observed: statementOf(`SELECT COUNT(*) AS "observed" FROM (\n${indent(duplicates)}\n) AS "duplicates"`),
    sample: statementOf(`${duplicates}\nORDER BY ${list}\n${t.limit}`),
    passes: zeroFailures(name),
  };
}
