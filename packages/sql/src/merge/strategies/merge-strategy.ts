import { keyEquality } from '../../render/key-equality.js';
import { newerVersion } from '../../render/newer-version.js';
import { statementOf } from '../../render/statement-of.js';
import type { MergeStrategyDefinition } from '../merge-strategy-definition.js';
import { STAGING_ALIAS } from '../staging-alias.js';
import { staleRowsDelete } from '../stale-rows-delete.js';

/**
 * Native MERGE: update matched rows' non-key columns, insert the rest. With `orderBy`, a matched
 * row the target holds in a newer version is left as it is: by a condition on WHEN MATCHED where
 * the engine takes one, else by deleting such rows from staging first.
 */
export const mergeStrategy: MergeStrategyDefinition = {
  needsKey: true,
  acceptsIntervalDelete: false,
  locksTarget: () => true,
  body(d, p) {
    const updateColumns = p.columns.filter((c) => !p.key.includes(c));
    const versioned = p.orderBy.length > 0;
    const inMerge = versioned && d.mergeMatchedCondition;
    const unless = inMerge ? { unless: newerVersion(p.target, STAGING_ALIAS, p.orderBy) } : {};
    const whenMatched = d.mergeWhenMatched({ source: STAGING_ALIAS, key: p.key, updateColumns, ...unless });
    const values = p.columns.map((c) => `${STAGING_ALIAS}.${c}`);
    const lines = [
      `MERGE INTO ${p.target}`,
      `USING ${p.staging} AS ${STAGING_ALIAS}`,
      `ON ${keyEquality(p.target, STAGING_ALIAS, p.key)}`,
      ...(whenMatched === null ? [] : [whenMatched]),
      `WHEN NOT MATCHED THEN INSERT (${p.columns.join(', ')}) VALUES (${values.join(', ')})`,
    ];
    return [...(versioned && !inMerge ? [staleRowsDelete(p)] : []), statementOf(lines.join('\n'))];
  },
};
