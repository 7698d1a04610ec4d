import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { validateIdentifier } from '../identifiers/validate-identifier.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

/** The table's columns in order; no rows when the table does not exist. */
export function describeTable(d: DialectHooks, t: TableName): Statement {
  return statementOf(
    'SELECT column_name, data_type, is_nullable, ordinal_position\n' +
      'FROM information_schema.columns\n' +
      'WHERE table_schema = $1 AND table_name = $2\n' +
      'ORDER BY ordinal_position',
    [validateIdentifier(t.schema, 'table.schema', d.name), validateIdentifier(t.name, 'table.name', d.name)],
  );
}
