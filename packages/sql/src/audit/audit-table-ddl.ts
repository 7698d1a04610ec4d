import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { quoteIdent } from '../identifiers/quote-ident.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import { AUDIT_TABLE } from './audit-table.js';

/** Creates the audit schema and table when missing; safe to run before every load. */
export function auditTableDdl(d: DialectHooks): Statement[] {
  const columns: [string, string][] = [
    ['run_id', 'varchar(256) NOT NULL'],
    ['pipeline_id', 'varchar(256) NOT NULL'],
    ['load_id', 'varchar(256) NOT NULL'],
    ['interval_start', 'timestamptz'],
    ['interval_end', 'timestamptz'],
    ['strategy', 'varchar(32) NOT NULL'],
    ['rows_read', 'bigint'],
    ['rows_staged', 'bigint NOT NULL'],
    ['rows_inserted', 'bigint'],
    ['rows_updated', 'bigint'],
    ['rows_deleted', 'bigint'],
    ['checks', d.jsonColumnType],
    ['loaded_at', `timestamptz NOT NULL DEFAULT ${d.currentTimestamp}`],
  ];
  const definitions = columns.map(([name, type]) => `${quoteIdent(name, d.name)} ${type}`);
  return [
    statementOf(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(AUDIT_TABLE.schema, d.name)}`),
    statementOf(`CREATE TABLE IF NOT EXISTS ${quoteTable(AUDIT_TABLE, d.name)} (\n  ${definitions.join(',\n  ')}\n)`),
  ];
}
