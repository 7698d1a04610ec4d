import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteIdent } from '../identifiers/quote-ident.js';
import type { DialectName } from '../types/dialect-name.js';

/**
 * Quotes a list of column names, rejecting a missing or (unless allowed) empty list and
 * repeated names, which would otherwise surface later as an engine error far from their cause.
 */
export function quoteColumns(
  columns: readonly string[],
  what: string,
  dialect: DialectName,
  options: { allowEmpty?: boolean } = {},
): string[] {
  if (!Array.isArray(columns)) {
    throw new SqlInputError(what, `expected a list of column names, got ${JSON.stringify(columns)}.`);
  }
  if (columns.length === 0 && !options.allowEmpty) {
    throw new SqlInputError(what, 'is empty: name at least one column.');
  }
  const seen = new Set<string>();
  return columns.map((column, i) => {
    const quoted = quoteIdent(column, dialect, `${what}[${i}]`);
    if (seen.has(column)) {
      throw new SqlInputError(what, `column ${JSON.stringify(column)} appears more than once; list each column once.`);
    }
    seen.add(column);
    return quoted;
  });
}
