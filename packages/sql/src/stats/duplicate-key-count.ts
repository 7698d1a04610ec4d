import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { quoteColumns } from '../render/quote-columns.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

/** How many key values appear more than once (not how many surplus rows), column `count`. */
export function duplicateKeyCount(d: DialectHooks, t: TableName, key: string[]): Statement {
  const table = quoteTable(t, d.name, 'duplicateKeyCount.table');
  const cols = quoteColumns(key, 'duplicateKeyCount.key', d.name).join(', ');
  return statementOf(
    `SELECT COUNT(*) AS "count" FROM (\n  SELECT ${cols} FROM ${table}\n  GROUP BY ${cols}\n  HAVING COUNT(*) > 1\n) AS "duplicates"`,
  );
}
