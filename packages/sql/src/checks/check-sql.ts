import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { quoteColumns } from '../render/quote-columns.js';
import { sampleLimit } from '../render/sample-limit.js';
import type { CheckContext } from '../types/check-context.js';
import type { CheckSpec } from '../types/check-spec.js';
import type { CheckSql } from '../types/check-sql.js';
import type { TableName } from '../types/table-name.js';
import type { CheckTarget } from './check-target.js';
import { acceptedValuesCheck } from './kinds/accepted-values-check.js';
import { customSqlCheck } from './kinds/custom-sql-check.js';
import { freshnessCheck } from './kinds/freshness-check.js';
import { notNullCheck } from './kinds/not-null-check.js';
import { reconciliationCheck } from './kinds/reconciliation-check.js';
import { rowCountCheck } from './kinds/row-count-check.js';
import { uniqueCheck } from './kinds/unique-check.js';

/** The statements of one check on `table`, by the check's kind. */
export function checkSql(d: DialectHooks, check: CheckSpec, table: TableName, ctx: CheckContext): CheckSql {
  const t: CheckTarget = {
    table: quoteTable(table, d.name, 'check.table'),
    key: quoteColumns(ctx.key ?? [], 'check context key', d.name, { allowEmpty: true }),
    limit: sampleLimit(ctx.sampleSize),
  };
  switch (check?.kind) {
    case 'not_null':
      return notNullCheck(d, check, t);
    case 'unique':
      return uniqueCheck(d, check, t);
    case 'row_count':
      return rowCountCheck(check, t);
    case 'accepted_values':
      return acceptedValuesCheck(d, check, t);
    case 'freshness':
      return freshnessCheck(d, check, t, ctx.now);
    case 'reconciliation':
      return reconciliationCheck(d, check, t);
    case 'custom_sql':
      return customSqlCheck(check, t, ctx.params ?? {});
    default:
      throw new SqlInputError(
        'check.kind',
        `unknown check ${JSON.stringify(check)}; use not_null, unique, row_count, accepted_values, ` +
          'freshness, reconciliation or custom_sql.',
      );
  }
}
