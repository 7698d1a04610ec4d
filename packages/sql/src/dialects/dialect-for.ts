import { SqlDialectError } from '../errors/sql-dialect-error.js';
import type { DialectName } from '../types/dialect-name.js';
import { DIALECT_NAMES } from '../types/dialect-names.js';
import type { SqlDialect } from '../types/sql-dialect.js';
import { postgresDialect } from './postgres-dialect.js';
import { redshiftDialect } from './redshift-dialect.js';

const DIALECTS: Readonly<Record<DialectName, SqlDialect>> = { postgres: postgresDialect, redshift: redshiftDialect };

/** The dialect of that name; an unknown name (e.g. from a config file) throws SqlDialectError. */
export function dialectFor(name: DialectName): SqlDialect {
  if (typeof name !== 'string' || !Object.hasOwn(DIALECTS, name)) {
    throw new SqlDialectError(String(name), DIALECT_NAMES);
  }
  return DIALECTS[name];
}
