import { keyEquality } from '../render/key-equality.js';
import { newerVersion } from '../render/newer-version.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { MergePlan } from './merge-plan.js';

/**
 * Deletes from staging the rows whose key the target already holds in a newer version (by
 * `orderBy`), so that the strategy after it never moves a row back to an older version, whichever
 * run merges last. It runs after the target lock: a merge committed meanwhile is seen. Both
 * tables are named in full: Redshift's DELETE … USING takes plain table names, without aliases.
 */
export function staleRowsDelete(p: MergePlan): Statement {
  return statementOf(
    [`DELETE FROM ${p.staging}`, `USING ${p.target}`, `WHERE ${keyEquality(p.target, p.staging, p.key)}`, `  AND ${newerVersion(p.target, p.staging, p.orderBy)}`].join('\n'),
  );
}
