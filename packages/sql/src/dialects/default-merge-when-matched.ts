import type { MergeMatchedContext } from './merge-matched-context.js';

/** Updates every non-key column; when every column is a key there is nothing to update. */
export function defaultMergeWhenMatched(m: MergeMatchedContext): string | null {
  if (m.updateColumns.length === 0) return null;
  const assignments = m.updateColumns.map((c) => `${c} = ${m.source}.${c}`);
  return `WHEN MATCHED${m.unless === undefined ? '' : ` AND NOT ${m.unless}`} THEN UPDATE SET ${assignments.join(', ')}`;
}
