import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { assertSubset } from '../render/assert-subset.js';
import { quoteColumns } from '../render/quote-columns.js';
import { statementOf } from '../render/statement-of.js';
import type { ColumnSpec } from '../types/column-spec.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

/** `CREATE TABLE` with the dialect's types, NOT NULL where not nullable, and the primary key. */
export function createTable(d: DialectHooks, t: TableName, columns: ColumnSpec[], primaryKey: string[]): Statement {
  const table = quoteTable(t, d.name, 'createTable.table');
  if (!Array.isArray(columns)) {
    throw new SqlInputError('createTable.columns', `expected a list of columns, got ${JSON.stringify(columns)}.`);
  }
  const names = columns.map((c) => c?.name);
  const quoted = quoteColumns(names, 'createTable.columns', d.name);
  const key = quoteColumns(primaryKey ?? [], 'createTable.primaryKey', d.name, { allowEmpty: true });
  assertSubset(primaryKey ?? [], names, 'createTable.primaryKey', 'the columns');
  const definitions = columns.map(
    (c, i) => `${quoted[i]} ${d.mapType(c.type)}${c.nullable ? '' : ' NOT NULL'}`,
  );
  if (key.length > 0) definitions.push(`PRIMARY KEY (${key.join(', ')})`);
  return statementOf(`CREATE TABLE ${table} (\n  ${definitions.join(',\n  ')}\n)`);
}
