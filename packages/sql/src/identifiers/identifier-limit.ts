import { SqlDialectError } from '../errors/sql-dialect-error.js';
import type { DialectName } from '../types/dialect-name.js';
import { DIALECT_NAMES } from '../types/dialect-names.js';

// Both limits are in bytes (PostgreSQL's NAMEDATALEN - 1, Redshift's documented maximum); the
// identifier rule admits ASCII only, so characters and bytes coincide.
const LIMITS: Readonly<Record<DialectName, number>> = { postgres: 63, redshift: 127 };

/**
 * The longest identifier the dialect accepts. Without a dialect, the shortest of all of them,
 * so that a name checked once is valid on every engine.
 */
export function identifierLimit(dialect?: DialectName): number {
  if (dialect === undefined) return Math.min(...Object.values(LIMITS));
  if (!Object.hasOwn(LIMITS, dialect)) throw new SqlDialectError(dialect, DIALECT_NAMES);
  return LIMITS[dialect];
}
