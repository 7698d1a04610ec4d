import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

/**
 * A table with `like`'s columns and types (and NOT NULL), but no indexes or constraints: a
 * staging table must accept the duplicates that dedupe removes later.
 */
export function createTableLike(d: DialectHooks, staging: TableName, like: TableName): Statement {
  const table = quoteTable(staging, d.name, 'createTableLike.staging');
  const source = quoteTable(like, d.name, 'createTableLike.like');
  if (table === source) {
    throw new SqlInputError('createTableLike.staging', `is the same table as like (${source}); give a new name.`);
  }
  return statementOf(`CREATE TABLE ${table} (LIKE ${source}${d.likeOptions})`);
}
