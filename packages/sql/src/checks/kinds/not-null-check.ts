import type { DialectHooks } from '../../dialects/dialect-hooks.js';
import { quoteColumns } from '../../render/quote-columns.js';
import { statementOf } from '../../render/statement-of.js';
import type { CheckSpec } from '../../types/check-spec.js';
import type { CheckSql } from '../../types/check-sql.js';
import type { CheckTarget } from '../check-target.js';
import { sampleColumns } from '../sample-columns.js';
import { zeroFailures } from '../zero-failures.js';

/** Observed: rows with a NULL in any of the columns. */
export function notNullCheck(d: DialectHooks, spec: Extract<CheckSpec, { kind: 'not_null' }>, t: CheckTarget): CheckSql {
  const cols = quoteColumns(spec.columns, 'not_null.columns', d.name);
  const name = `not_null(${spec.columns.join(', ')})`;
  const failing = cols.map((c) => `${c} IS NULL`).join(' OR ');
  const sample = sampleColumns(t.key, cols);
  return {
    name,
    observed: statementOf(`SELECT COUNT(*) AS "observed" FROM ${t.table} WHERE ${failing}`),
    sample: statementOf(
      `SELECT ${sample.join(', ')} FROM ${t.table}\nWHERE ${failing}\nORDER BY ${sample.join(', ')}\n${t.limit}`,
    ),
    passes: zeroFailures(name),
  };
}
