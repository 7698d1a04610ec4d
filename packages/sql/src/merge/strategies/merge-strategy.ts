import { keyEquality } from '../../render/key-equality.js';
import { statementOf } from '../../render/statement-of.js';
import type { MergeStrategyDefinition } from '../merge-strategy-definition.js';
import { STAGING_ALIAS } from '../staging-alias.js';

/** Native MERGE: update matched rows' non-key columns, insert the rest. */
export const mergeStrategy: MergeStrategyDefinition = {
  needsKey: true,
  acceptsIntervalDelete: false,
  locksTarget: () => true,
  body(d, p) {
    const updateColumns = p.columns.filter((c) => !p.key.includes(c));
    const whenMatched = d.mergeWhenMatched({ source: STAGING_ALIAS, key: p.key, updateColumns });
    const values = p.columns.map((c) => `${STAGING_ALIAS}.${c}`);
    const lines = [
      `MERGE INTO ${p.target}`,
      `USING ${p.staging} AS ${STAGING_ALIAS}`,
      `ON ${keyEquality(p.target, STAGING_ALIAS, p.key)}`,
      ...(whenMatched === null ? [] : [whenMatched]),
      `WHEN NOT MATCHED THEN INSERT (${p.columns.join(', ')}) VALUES (${values.join(', ')})`,
    ];
    return [statementOf(lines.join('\n'))];
  },
};
