import { keyEquality } from '../../render/key-equality.js';
import { statementOf } from '../../render/statement-of.js';
import { insertFromStaging } from '../insert-from-staging.js';
import type { MergeStrategyDefinition } from '../merge-strategy-definition.js';
import { staleRowsDelete } from '../stale-rows-delete.js';

/**
 * Delete the target rows whose key was staged, then insert every staged row. Both tables are
 * named in full: Redshift's DELETE … USING takes plain table names, without aliases. With
 * `orderBy`, the staged rows older than the target's version of their key are deleted from
 * staging first, so those target rows stay.
 */
export const deleteInsertStrategy: MergeStrategyDefinition = {
  needsKey: true,
  acceptsIntervalDelete: false,
  locksTarget: () => true,
  body(_d, p) {
    const del = [`DELETE FROM ${p.target}`, `USING ${p.staging}`, `WHERE ${keyEquality(p.target, p.staging, p.key)}`].join('\n');
    return [...(p.orderBy.length > 0 ? [staleRowsDelete(p)] : []), statementOf(del), insertFromStaging(p)];
  },
};
