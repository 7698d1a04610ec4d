import { SqlInputError } from '../errors/sql-input-error.js';
import type { DialectName } from '../types/dialect-name.js';
import type { TableName } from '../types/table-name.js';
import { quoteIdent } from './quote-ident.js';

/** `"schema"."name"`, both parts validated. */
export function quoteTable(t: TableName, dialect?: DialectName, what = 'table'): string {
  if (t === null || typeof t !== 'object') {
    throw new SqlInputError(what, `expected a table { schema, name }, got ${JSON.stringify(t)}.`);
  }
  return `${quoteIdent(t.schema, dialect, `${what}.schema`)}.${quoteIdent(t.name, dialect, `${what}.name`)}`;
}
