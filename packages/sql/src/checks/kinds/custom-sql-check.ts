import { SqlInputError } from '../../errors/sql-input-error.js';
import { UnknownParamError } from '../../errors/unknown-param-error.js';
import { statementOf } from '../../render/statement-of.js';
import type { CheckSpec } from '../../types/check-spec.js';
import type { CheckSql } from '../../types/check-sql.js';
import type { CheckTarget } from '../check-target.js';
import { quotedPlaceholder } from '../quoted-placeholder.js';
import { zeroFailures } from '../zero-failures.js';

type ParamValue = string | number | boolean;

const PLACEHOLDER = /\{\{\s*(?:(table)|params\.([^\s{}]+))\s*\}\}/g;
const ANY_PLACEHOLDER = /\{\{[^}]*\}\}/;

function boundValue(check: string, name: string, value: unknown): ParamValue {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new SqlInputError(`custom_sql "${check}" params.${name}`, `is ${JSON.stringify(value) ?? String(value)}; give a string, a finite number or a boolean.`);
}

/**
 * Observed: the rows the author's query returns, each one a failure. The query is the
 * pipeline author's own SQL; `{{ table }}` is replaced by the quoted table and
 * `{{ params.<name> }}` by `$n` bound to the run parameter's value (one `$n` per distinct name),
 * so a value can never change the statement. Any other `{{ … }}` is refused rather than sent to
 * the engine half-rendered.
 */
export function customSqlCheck(spec: Extract<CheckSpec, { kind: 'custom_sql' }>, t: CheckTarget, params: Readonly<Record<string, ParamValue>>): CheckSql {
  if (typeof spec.name !== 'string' || spec.name.trim() === '') {
    throw new SqlInputError('custom_sql.name', 'is empty: name the check so its results can be told apart.');
  }
  if (typeof spec.sql !== 'string' || spec.sql.trim() === '') {
    throw new SqlInputError(`custom_sql "${spec.name}".sql`, 'is empty: write a query that returns the failing rows.');
  }
  const quoted = quotedPlaceholder(spec.sql);
  if (quoted !== undefined) {
    throw new SqlInputError(
      `custom_sql "${spec.name}".sql`,
      `has ${quoted} inside a quoted string; write it outside quotes (its value is bound as a parameter), ` +
        `e.g. country = ${quoted} or name LIKE '%' || ${quoted} || '%'.`,
    );
  }
  const positions = new Map<string, number>();
  const values: ParamValue[] = [];
  const rendered = spec.sql.replace(PLACEHOLDER, (_match, table: string | undefined, name: string) => {
    if (table !== undefined) return t.table;
    let position = positions.get(name);
    if (position === undefined) {
      if (!Object.hasOwn(params, name)) throw new UnknownParamError(name, spec.name, Object.keys(params).sort());
      values.push(boundValue(spec.name, name, params[name]));
      position = values.length;
      positions.set(name, position);
    }
    return `$${position}`;
  });
  const unknown = ANY_PLACEHOLDER.exec(rendered);
  if (unknown !== null) {
    throw new SqlInputError(
      `custom_sql "${spec.name}".sql`,
      `has the placeholder ${unknown[0]}; only {{ table }} and {{ params.<name> }} are substituted.`,
    );
  }
  // A trailing semicolon is natural at the end of a query but invalid inside a subquery. The
  // query is not re-indented: a string literal in it may span lines.
  const query = rendered.trim().replace(/;+\s*$/, '');
  return {
    name: spec.name,
    observed: statementOf(`SELECT COUNT(*) AS "observed" FROM (\n${query}\n) AS "failing"`, values),
    sample: statementOf(`SELECT * FROM (\n${query}\n) AS "failing"\n${t.limit}`, [...values]),
    passes: zeroFailures(spec.name),
  };
}
