import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { quoteIdent } from '../identifiers/quote-ident.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import { AUDIT_TABLE } from './audit-table.js';

/**
 * The tail that makes a merge transaction happen at most once per run and load, placed just
 * before the audit insert:
 *
 * 1. lock the audit table, so two attempts of the same merge (a worker thought dead that is
 *    still running, and its retry) reach this point one after the other;
 * 2. fail the transaction — division by zero, which every engine raises at run time — when the
 *    audit row of this run and load is already there.
 *
 * A transaction that fails here rolls back everything it did, and the caller, finding the audit
 * row, knows an earlier attempt published the load. The lock comes after the merge's own
 * statements, so merges of different loads only queue for the short tail.
 */
export function auditGuard(d: DialectHooks, runId: string, loadId: string): Statement[] {
  const table = quoteTable(AUDIT_TABLE, d.name);
  const run = quoteIdent('run_id', d.name);
  const load = quoteIdent('load_id', d.name);
  return [
    statementOf(d.lockTable(table)),
    statementOf(
      `SELECT 1 / (CASE WHEN EXISTS (SELECT 1 FROM ${table} WHERE ${run} = $1 AND ${load} = $2) THEN 0 ELSE 1 END) AS ${quoteIdent('not_yet_merged', d.name)}`,
      [runId, loadId],
    ),
  ];
}

/** The audit row of one run and load, if its merge committed: one row or none. */
export function auditRowLookup(d: DialectHooks, runId: string, loadId: string): Statement {
  const columns = ['rows_staged', 'rows_inserted', 'rows_updated', 'rows_deleted', 'loaded_at'].map((c) => quoteIdent(c, d.name)).join(', ');
  return statementOf(
    `SELECT ${columns} FROM ${quoteTable(AUDIT_TABLE, d.name)} WHERE ${quoteIdent('run_id', d.name)} = $1 AND ${quoteIdent('load_id', d.name)} = $2`,
    [runId, loadId],
  );
}
