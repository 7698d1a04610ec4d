import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

export function rowCount(d: DialectHooks, t: TableName): Statement {
  return statementOf(`SELECT COUNT(*) AS "count" FROM ${quoteTable(t, d.name, 'rowCount.table')}`);
}
