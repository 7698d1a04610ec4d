import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteIdent } from '../identifiers/quote-ident.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { requireDate } from '../render/require-date.js';
import { statementOf } from '../render/statement-of.js';
import type { SourceRef } from '../types/source-ref.js';
import type { Statement } from '../types/statement.js';

/**
 * Rows of a load's source, filtered to `[start, end)` on the interval column when one is given:
 * the same rows the Spark job is asked to read, for reconciliation. A query source is the
 * pipeline author's own SELECT and is wrapped as a subquery.
 */
export function sourceRowCount(d: DialectHooks, source: SourceRef, interval?: { column: string; start: Date; end: Date }): Statement {
  let from: string;
  if ('table' in source) from = quoteTable(source.table, d.name, 'sourceRowCount.table');
  else {
    const query = source.query.trim().replace(/;+\s*$/, '');
    if (query.length === 0) throw new SqlInputError('sourceRowCount.query', 'expected a SELECT statement, got an empty string.');
    from = `(\n${query}\n) AS "src"`;
  }
  if (!interval) return statementOf(`SELECT COUNT(*) AS "count" FROM ${from}`);
  const column = quoteIdent(interval.column, d.name, 'sourceRowCount.interval.column');
  return statementOf(`SELECT COUNT(*) AS "count" FROM ${from}\nWHERE ${column} >= $1 AND ${column} < $2`, [
    requireDate(interval.start, 'sourceRowCount.interval.start'),
    requireDate(interval.end, 'sourceRowCount.interval.end'),
  ]);
}
