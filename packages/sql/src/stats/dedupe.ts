import { createTableLike } from '../ddl/create-table-like.js';
import { dropTableIfExists } from '../ddl/drop-table-if-exists.js';
import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteIdent } from '../identifiers/quote-ident.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { suffixedTableName } from '../identifiers/suffixed-table-name.js';
import { assertSubset } from '../render/assert-subset.js';
import { quoteColumns } from '../render/quote-columns.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

const RANK = '__dedupe_rank';

/**
 * Rebuilds staging with one row per key: the latest by `orderBy` (DESC, NULLS LAST), ties
 * broken by every remaining column so reruns keep the same row. Rebuilding instead of deleting
 * in place is what works on Redshift, which has no ctid to tell duplicate rows apart; the copy
 * is made LIKE staging so column types and NOT NULL survive. Starts by dropping a leftover copy,
 * so an interrupted attempt can be rerun; run the statements in one transaction.
 */
export function dedupe(
  d: DialectHooks,
  staging: TableName,
  key: string[],
  orderBy: string[],
  columns: string[],
): Statement[] {
  const table = quoteTable(staging, d.name, 'dedupe.staging');
  const cols = quoteColumns(columns, 'dedupe.columns', d.name);
  const keyCols = quoteColumns(key, 'dedupe.key', d.name);
  const orderCols = quoteColumns(orderBy ?? [], 'dedupe.orderBy', d.name, { allowEmpty: true });
  assertSubset(key, columns, 'dedupe.key', 'dedupe.columns');
  assertSubset(orderBy ?? [], columns, 'dedupe.orderBy', 'dedupe.columns');
  if (columns.includes(RANK)) {
    throw new SqlInputError('dedupe.columns', `"${RANK}" is reserved for the ranking; rename that column.`);
  }
  const copy = suffixedTableName(staging, 'dd', `${staging.schema}.${staging.name}`, d.name, 'dedupe copy');
  const tieBreakers = cols.filter((c) => !keyCols.includes(c) && !orderCols.includes(c));
  const ordering = [...orderCols.map((c) => `${c} DESC NULLS LAST`), ...tieBreakers.map((c) => `${c} ASC NULLS LAST`)];
  // Every column is a key column: any row of a key is as good as another.
  const orderClause = ordering.length > 0 ? ordering : keyCols;
  const rank = quoteIdent(RANK, d.name);
  const list = cols.join(', ');
  const insert = [
    `INSERT INTO ${quoteTable(copy, d.name)} (${list})`,
    `SELECT ${list} FROM (`,
    `  SELECT ${list},`,
    `    ROW_NUMBER() OVER (PARTITION BY ${keyCols.join(', ')} ORDER BY ${orderClause.join(', ')}) AS ${rank}`,
    `  FROM ${table}`,
    `) AS "ranked"`,
    `WHERE ${rank} = 1`,
  ].join('\n');
  return [
    dropTableIfExists(d, copy),
    createTableLike(d, copy, staging),
    statementOf(insert),
    statementOf(`DROP TABLE ${table}`),
    statementOf(`ALTER TABLE ${quoteTable(copy, d.name)} RENAME TO ${quoteIdent(staging.name, d.name)}`),
  ];
}
