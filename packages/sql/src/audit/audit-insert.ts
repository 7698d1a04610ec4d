import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteIdent } from '../identifiers/quote-ident.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { requireDate } from '../render/require-date.js';
import { statementOf } from '../render/statement-of.js';
import type { AuditRow } from '../types/audit-row.js';
import type { Statement } from '../types/statement.js';
import { AUDIT_TABLE } from './audit-table.js';

const COLUMNS = [
  'run_id',
  'pipeline_id',
  'load_id',
  'interval_start',
  'interval_end',
  'strategy',
  'rows_read',
  'rows_staged',
  'rows_inserted',
  'rows_updated',
  'rows_deleted',
  'checks',
] as const;

/** The audit row's INSERT, every value bound; `checks` is sent as JSON text. */
export function auditInsert(d: DialectHooks, row: AuditRow): Statement {
  const params: unknown[] = [
    text(row.runId, 'audit.runId'),
    text(row.pipelineId, 'audit.pipelineId'),
    text(row.loadId, 'audit.loadId'),
    row.intervalStart === null ? null : requireDate(row.intervalStart, 'audit.intervalStart'),
    row.intervalEnd === null ? null : requireDate(row.intervalEnd, 'audit.intervalEnd'),
    text(row.strategy, 'audit.strategy'),
    count(row.rowsRead, 'audit.rowsRead'),
    count(row.rowsStaged, 'audit.rowsStaged', false),
    count(row.rowsInserted, 'audit.rowsInserted'),
    count(row.rowsUpdated, 'audit.rowsUpdated'),
    count(row.rowsDeleted, 'audit.rowsDeleted'),
    json(row.checks),
  ];
  const placeholders = params.map((_, i) => (COLUMNS[i] === 'checks' ? d.jsonParam(`$${i + 1}`) : `$${i + 1}`));
  const columns = COLUMNS.map((c) => quoteIdent(c, d.name)).join(', ');
  return statementOf(
    `INSERT INTO ${quoteTable(AUDIT_TABLE, d.name)} (${columns})\nVALUES (${placeholders.join(', ')})`,
    params,
  );
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SqlInputError(what, `expected a non-empty string, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function count(value: unknown, what: string, nullable = true): number | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SqlInputError(what, `expected a non-negative integer${nullable ? ' or null' : ''}, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value ?? null);
  } catch (cause) {
    throw new SqlInputError('audit.checks', 'must be JSON-serialisable (no BigInt, no cycles).', { cause });
  }
}
