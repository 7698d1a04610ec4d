import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { quoteColumns } from '../render/quote-columns.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

/**
 * `COPY … (cols) FROM STDIN` in CSV, PostgreSQL's way of telling NULL from an empty string:
 * an unquoted empty field is NULL, `""` is the empty string. No header row.
 */
export function copyFromStdinCsv(d: DialectHooks, t: TableName, columns: string[]): Statement {
  const table = quoteTable(t, d.name, 'copy.table');
  const cols = quoteColumns(columns, 'copy.columns', d.name);
  return statementOf(`COPY ${table} (${cols.join(', ')}) FROM STDIN WITH (FORMAT csv)`);
}
