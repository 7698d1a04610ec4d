import type { SqlParameter } from '@aws-sdk/client-redshift-data';
import { inlineLiteral, replacePlaceholders, SqlInputError, type Statement } from '@pipeline/sql';

/**
 * A statement in the Data API's form: `$n` placeholders become named parameters `:pn`, whose
 * values travel as text that Redshift converts in context. The Data API refuses empty values,
 * so NULL and the empty string are written into the SQL as literals instead, as are bytes
 * (which have no text form Redshift reads back as binary).
 */
export function toDataApiStatement(statement: Statement): { sql: string; parameters: SqlParameter[] | undefined } {
  const parameters = new Map<number, SqlParameter>();
  const sql = replacePlaceholders(statement.sql, 'redshift', (n) => {
    if (n < 1 || n > statement.params.length) {
      throw new SqlInputError('statement.params', `$${n} has no value: the statement has ${statement.params.length} parameter(s).`);
    }
    const value = statement.params[n - 1];
    const text = parameterText(value);
    if (text === undefined) return inlineLiteral(value, 'redshift', `$${n}`);
    if (!parameters.has(n)) parameters.set(n, { name: `p${n}`, value: text });
    return `:p${n}`;
  });
  return { sql, parameters: parameters.size > 0 ? [...parameters.values()] : undefined };
}

/** The text a value is sent as, or undefined when it has to be a literal. */
function parameterText(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '' || value instanceof Uint8Array) return undefined;
  if (typeof value === 'string') return value.includes('\u0000') ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    const iso = value.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}+00`;
  }
  const proto: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (Array.isArray(value) || proto === Object.prototype || proto === null) return JSON.stringify(value);
  return undefined;
}
