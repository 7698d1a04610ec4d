import { SqlInputError } from '../../errors/sql-input-error.js';
import { statementOf } from '../../render/statement-of.js';
import type { CheckSpec } from '../../types/check-spec.js';
import type { CheckSql } from '../../types/check-sql.js';
import type { CheckTarget } from '../check-target.js';
import { zeroFailures } from '../zero-failures.js';

const TABLE_PLACEHOLDER = /\{\{\s*table\s*\}\}/g;
const ANY_PLACEHOLDER = /\{\{[^}]*\}\}/;

/**
 * Observed: the rows the author's query returns, each one a failure. The query is the
 * pipeline author's own SQL; only `{{ table }}` is substituted, and any other `{{ … }}` is
 * refused rather than sent to the engine half-rendered.
 */
export function customSqlCheck(spec: Extract<CheckSpec, { kind: 'custom_sql' }>, t: CheckTarget): CheckSql {
  if (typeof spec.name !== 'string' || spec.name.trim() === '') {
    throw new SqlInputError('custom_sql.name', 'is empty: name the check so its results can be told apart.');
  }
  if (typeof spec.sql !== 'string' || spec.sql.trim() === '') {
    throw new SqlInputError(`custom_sql "${spec.name}".sql`, 'is empty: write a query that returns the failing rows.');
  }
  const rendered = spec.sql.replace(TABLE_PLACEHOLDER, () => t.table);
  const unknown = ANY_PLACEHOLDER.exec(rendered);
  if (unknown !== null) {
    throw new SqlInputError(
      `custom_sql "${spec.name}".sql`,
      `has the placeholder ${unknown[0]}; only {{ table }} is substituted.`,
    );
  }
  // A trailing semicolon is natural at the end of a query but invalid inside a subquery. The
  // query is not re-indented: a string literal in it may span lines.
  const query = rendered.trim().replace(/;+\s*$/, '');
  return {
    name: spec.name,
    observed: statementOf(`SELECT COUNT(*) AS "observed" FROM (\n${query}\n) AS "failing"`),
    sample: statementOf(`SELECT * FROM (\n${query}\n) AS "failing"\n${t.limit}`),
    passes: zeroFailures(spec.name),
  };
}
