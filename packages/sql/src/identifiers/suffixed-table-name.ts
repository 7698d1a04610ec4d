import type { DialectName } from '../types/dialect-name.js';
import type { TableName } from '../types/table-name.js';
import { fnv1a64Hex } from './fnv1a64.js';
import { identifierLimit } from './identifier-limit.js';
import { validateIdentifier } from './validate-identifier.js';

/**
 * `<base.name truncated>__<tag>_<16 hex of hashInput>` in base's schema: deterministic, and
 * within the dialect's length limit however long the base name is. The digest, not the
 * truncated prefix, is what keeps two names apart.
 */
export function suffixedTableName(
  base: TableName,
  tag: string,
  hashInput: string,
  dialect: DialectName,
  what: string,
): TableName {
  const schema = validateIdentifier(base.schema, `${what}.schema`, dialect);
  const name = validateIdentifier(base.name, `${what}.name`, dialect);
  const suffix = `__${tag}_${fnv1a64Hex(hashInput)}`;
  const prefix = name.slice(0, Math.max(0, identifierLimit(dialect) - suffix.length));
  return { schema, name: validateIdentifier(prefix + suffix, what, dialect) };
}
