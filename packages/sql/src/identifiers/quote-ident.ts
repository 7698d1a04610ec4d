import type { DialectName } from '../types/dialect-name.js';
import { validateIdentifier } from './validate-identifier.js';

/**
 * Validates, then double-quotes. Every identifier in generated SQL passes through here; a valid
 * identifier holds no `"`, so quoting needs no escaping. Quoting keeps reserved words usable.
 */
export function quoteIdent(id: string, dialect?: DialectName, what = 'identifier'): string {
  return `"${validateIdentifier(id, what, dialect)}"`;
}
