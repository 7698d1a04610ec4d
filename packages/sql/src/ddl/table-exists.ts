import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { validateIdentifier } from '../identifiers/validate-identifier.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

/** One row, column `exists`. information_schema answers the same way on both engines. */
export function tableExists(d: DialectHooks, t: TableName): Statement {
  return statementOf(
    'SELECT COUNT(*) > 0 AS "exists"\nFROM information_schema.tables\nWHERE table_schema = $1 AND table_name = $2',
    [validateIdentifier(t.schema, 'table.schema', d.name), validateIdentifier(t.name, 'table.name', d.name)],
  );
}
