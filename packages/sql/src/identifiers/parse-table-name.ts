import { SqlIdentifierError } from '../errors/sql-identifier-error.js';
import type { DialectName } from '../types/dialect-name.js';
import type { TableName } from '../types/table-name.js';
import { validateIdentifier } from './validate-identifier.js';

/** The schema used when a table name has none, as on both engines' default search path. */
export const DEFAULT_SCHEMA = 'public';

/** Parses `schema.table` or `table` (schema `public`), validating both parts. */
export function parseTableName(text: string, what: string, dialect?: DialectName): TableName {
  const parts = String(text ?? '').split('.');
  if (parts.length > 2) {
    throw new SqlIdentifierError(
      what,
      text,
      'table_format',
      `${what} ${JSON.stringify(text)} has ${parts.length} dot-separated parts: write "schema.table" or "table".`,
    );
  }
  const [schema, name] = parts.length === 2 ? parts : [DEFAULT_SCHEMA, parts[0]];
  return {
    schema: validateIdentifier(schema ?? '', `${what} (schema)`, dialect),
    name: validateIdentifier(name ?? '', `${what} (table)`, dialect),
  };
}
