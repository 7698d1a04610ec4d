import { statementOf } from '../../render/statement-of.js';
import { insertFromStaging } from '../insert-from-staging.js';
import type { MergeStrategyDefinition } from '../merge-strategy-definition.js';

/**
 * Replace the whole table. DELETE, never TRUNCATE: Redshift commits the open transaction on
 * TRUNCATE, which would publish an empty table and lose the rollback.
 */
export const replaceStrategy: MergeStrategyDefinition = {
  needsKey: false,
  acceptsIntervalDelete: false,
  locksTarget: () => true,
  body(_d, p) {
    return [statementOf(`DELETE FROM ${p.target}`), insertFromStaging(p)];
  },
};
