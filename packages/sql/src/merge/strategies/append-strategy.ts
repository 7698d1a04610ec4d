import { statementOf } from '../../render/statement-of.js';
import { insertFromStaging } from '../insert-from-staging.js';
import type { MergeStrategyDefinition } from '../merge-strategy-definition.js';

/**
 * Insert every staged row. With `intervalDelete`, the interval's rows are deleted first so that
 * rerunning the interval replaces what the previous run appended instead of doubling it.
 */
export const appendStrategy: MergeStrategyDefinition = {
  needsKey: false,
  acceptsIntervalDelete: true,
  locksTarget: (p) => p.intervalDelete !== undefined,
  body(_d, p) {
    const iv = p.intervalDelete;
    const del =
      iv === undefined
        ? []
        : [statementOf(`DELETE FROM ${p.target}\nWHERE ${iv.column} >= $1 AND ${iv.column} < $2`, [iv.start, iv.end])];
    return [...del, insertFromStaging(p)];
  },
};
