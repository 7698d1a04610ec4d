import { defaultMergeWhenMatched } from '../default-merge-when-matched.js';
import type { MergeMatchedContext } from '../merge-matched-context.js';

/**
 * Redshift's MERGE requires WHEN MATCHED alongside WHEN NOT MATCHED. When every column is a key
 * there is nothing to update, so the first key column is assigned its own value: matched rows
 * keep their values, as PostgreSQL's MERGE without the clause leaves them.
 */
export function redshiftMergeWhenMatched(m: MergeMatchedContext): string {
  const updateColumns = m.updateColumns.length > 0 ? m.updateColumns : m.key.slice(0, 1);
  return defaultMergeWhenMatched({ ...m, updateColumns })!;
}
