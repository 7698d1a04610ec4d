import type { DialectHooks } from '../../dialects/dialect-hooks.js';
import { quoteTable } from '../../identifiers/quote-table.js';
import { indent } from '../../render/indent.js';
import { keyEquality } from '../../render/key-equality.js';
import { quoteColumns } from '../../render/quote-columns.js';
import { statementOf } from '../../render/statement-of.js';
import type { CheckSpec } from '../../types/check-spec.js';
import type { CheckSql } from '../../types/check-sql.js';
import type { CheckTarget } from '../check-target.js';
import { zeroFailures } from '../zero-failures.js';

/**
 * Observed: distinct keys of `against` (the staging table) missing from the checked table. An
 * anti-join rather than a correlated NOT EXISTS, which Redshift restricts.
 */
export function reconciliationCheck(
  d: DialectHooks,
  spec: Extract<CheckSpec, { kind: 'reconciliation' }>,
  t: CheckTarget,
): CheckSql {
  const against = quoteTable(spec.against, d.name, 'reconciliation.against');
  const key = quoteColumns(spec.key, 'reconciliation.key', d.name);
  const name = `reconciliation(${spec.key.join(', ')})`;
  const srcKey = key.map((k) => `"src".${k}`).join(', ');
  const missing =
    `SELECT DISTINCT ${srcKey}\nFROM ${against} AS "src"\n` +
    `LEFT JOIN ${t.table} AS "tgt" ON ${keyEquality('"tgt"', '"src"', key)}\n` +
    `WHERE "tgt".${key[0]} IS NULL`;
  return {
    name,
    observed: statementOf(`SELECT COUNT(*) AS "observed" FROM (\n${indent(missing)}\n) AS "missing"`),
    sample: statementOf(`${missing}\nORDER BY ${srcKey}\n${t.limit}`),
    passes: zeroFailures(name),
  };
}
